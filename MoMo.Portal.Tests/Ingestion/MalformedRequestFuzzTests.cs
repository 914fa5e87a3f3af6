using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Ingestion;

/// <summary>
/// Thousands of broken bank requests (broken names as well as values), generated from a fixed seed so a failure can be replayed: none may get a 5xx,
/// none may store a payment, and every one is answered as a problem with its proof kept.
/// </summary>
public sealed class MalformedRequestFuzzTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    private const int Requests = 2000;
    private static readonly string[] s_fields =
        ["reference_number", "account_number", "amount", "currency", "transaction_id", "payment_bank_date", "extra", ""];

    private static readonly string[] s_values =
    [
        "\"\"", "null", "true", "[]", "{}", "-1", "0", "1e9", "\"1e9\"", "\"NaN\"", "1.0000001", "\"55.555\"",
        "99999999999999999999999", "\"usd\"", "\"XXX\"", "\"payer-1\"", "\"merchant-1\"", "\"\\u0000\"", "\"a\\nb\"",
        "\"2026-13-45\"", "\"2026-11-27T10:00:00\"", $"\"{new string('x', 300)}\"", "\"\\ud800\"", "-0", "0.00",
    ];

    private static readonly byte[][] s_badNames =
    [
        [0xFF, 0xFE], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xE2, 0x82], [0x80],
        "\\ud800"u8.ToArray(), "\\udfff\\u0000"u8.ToArray(), "\\ud83d\\u0041"u8.ToArray(), "\\u0000"u8.ToArray(),
    ];

    [Fact]
    public async Task Malformed_requests_never_get_a_5xx_or_store_a_payment()
    {
        var random = new Random(20261127);
        var client = portal.CreateClient();
        int paymentsBefore, intakeBefore;
        await using (var db = portal.CreateDbContext())
        {
            paymentsBefore = await db.Payments.CountAsync(Ct);
            intakeBefore = await db.IntakeRecords.CountAsync(Ct);
        }

        var statuses = new Dictionary<int, int>();
        for (var i = 0; i < Requests; i++)
        {
            var body = Malformed(random);
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/banks/{PortalFactory.BankCode}/payments")
            {
                Content = new ByteArrayContent(body),
            };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", random.Next(10) == 0 ? "text/plain" : "application/json");
            request.Headers.Add("X-Api-Key", random.Next(20) == 0 ? "wrong-key-wrong-key-wrong-key" : portal.BankApiKey);
            using var response = await client.SendAsync(request, Ct);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            Assert.True(status is >= 400 and < 500, $"request {i} got {status}: {Encoding.UTF8.GetString(body)}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        await using var check = portal.CreateDbContext();
        Assert.Equal(paymentsBefore, await check.Payments.CountAsync(Ct));
        Assert.Equal(intakeBefore + Requests, await check.IntakeRecords.CountAsync(Ct));
        Assert.True(statuses.Count >= 3, $"the generator should reach several refusals: {string.Join(", ", statuses)}");
    }

    /// <summary>A body that cannot be a valid payment: broken JSON, wrong types, bad values, or a valid shape with one fatal flaw.</summary>
    private static byte[] Malformed(Random random)
    {
        switch (random.Next(6))
        {
            case 5: // a property name that is not valid text: bad UTF-8 bytes or escapes that form no character
                var name = s_badNames[random.Next(s_badNames.Length)];
                var value = Encoding.UTF8.GetBytes($"\":{s_values[random.Next(s_values.Length)]}}}");
                return [.. "{\"payer-"u8, .. name, .. value];
            case 0: // random bytes
                var bytes = new byte[random.Next(0, 200)];
                random.NextBytes(bytes);
                return bytes;
            case 1: // a valid body cut short
                var valid = BankRequests.Body();
                return Encoding.UTF8.GetBytes(valid[..random.Next(0, valid.Length - 1)]);
            case 2: // random fields and values
                var pairs = Enumerable.Range(0, random.Next(0, 7)).Select(_ =>
                    $"\"{s_fields[random.Next(s_fields.Length)]}\":{s_values[random.Next(s_values.Length)]}");
                return Encoding.UTF8.GetBytes("{" + string.Join(",", pairs) + "}");
            case 3: // a valid payment with one field broken
                var fields = new Dictionary<string, string>
                {
                    ["reference_number"] = "\"payer-1\"", ["account_number"] = "\"merchant-1\"", ["amount"] = "\"5.00\"", ["currency"] = "\"USD\"",
                };
                var field = s_fields[random.Next(4)];
                fields[field] = s_values[random.Next(s_values.Length)];
                if (fields[field] is "\"payer-1\"" or "\"merchant-1\"")
                {
                    fields["currency"] = "\"usd\""; // a replacement that happens to be valid: break another field
                }

                return Encoding.UTF8.GetBytes("{" + string.Join(",", fields.Select(f => $"\"{f.Key}\":{f.Value}")) + "}");
            default: // not an object at all
                return Encoding.UTF8.GetBytes(s_values[random.Next(s_values.Length)]);
        }
    }
}
