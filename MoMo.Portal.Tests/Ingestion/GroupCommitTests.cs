using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Payments;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Ingestion;

/// <summary>The group-commit writer stores rows EF Core reads exactly as its own, and settles repeats within a batch.</summary>
public sealed partial class GroupCommitTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Rows_written_by_the_writer_match_rows_written_by_EF_Core()
    {
        var viaApi = await portal.PostPaymentAsync(amount: "1.23", transactionId: "GC-format");
        await using (var db = portal.CreateDbContext())
        {
            db.Payments.Add(Payment.Receive(PortalFactory.BankCode, PortalFactory.PayerId, PortalFactory.PartnerId, 1, "USD",
                null, null, "fp", "proof-ef-format", DateTime.UtcNow));
            await db.SaveChangesAsync(Ct);
        }

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(portal.DataDirectory, "momo.db")}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT ReceivedAtUtc, NextAttemptAtUtc, Status, typeof(AmountMinor) FROM Payments WHERE BankReference = 'GC-format' OR ProofKey = 'proof-ef-format';";
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = 0;
        while (await reader.ReadAsync(Ct))
        {
            rows++;
            Assert.Matches(EfTime(), reader.GetString(0));
            Assert.Matches(EfTime(), reader.GetString(1));
            Assert.Equal("Received", reader.GetString(2));
            Assert.Equal("integer", reader.GetString(3));
        }

        Assert.Equal(2, rows);
        var stored = await portal.LoadPaymentAsync(viaApi);
        Assert.Equal(123, stored.AmountMinor);
        Assert.Equal(DateTimeKind.Utc, stored.ReceivedAtUtc.Kind);
        Assert.Equal(stored.ReceivedAtUtc, stored.NextAttemptAtUtc);
    }

    [Fact]
    public async Task Racing_repeats_and_new_payments_in_one_burst_each_get_the_right_answer()
    {
        var client = portal.CreateClient();
        var requests = Enumerable.Range(0, 40).Select(i => client.SendAsync(BankRequests.Post(
            BankRequests.Body(amount: "3.00", transactionId: $"GC-burst-{i % 10}"), portal.BankApiKey), Ct));

        var responses = await Task.WhenAll(requests);

        Assert.Equal(10, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(30, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.JsonAsync()).GetProperty("id").GetInt64()));
        Assert.DoesNotContain(0L, ids);
        Assert.Equal(10, ids.Distinct().Count());
        await using var db = portal.CreateDbContext();
        Assert.Equal(10, await db.Payments.CountAsync(p => p.BankReference!.StartsWith("GC-burst-"), Ct));
    }

    [Fact]
    public async Task A_burst_of_repeats_of_a_stored_payment_all_get_the_original()
    {
        var original = await portal.PostPaymentAsync(amount: "4.00", transactionId: "GC-stored");
        var client = portal.CreateClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => client.SendAsync(BankRequests.Post(
            BankRequests.Body(amount: "4.00", transactionId: "GC-stored"), portal.BankApiKey), Ct)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.JsonAsync()).GetProperty("id").GetInt64()));
        Assert.All(ids, id => Assert.Equal(original, id));
        await using var db = portal.CreateDbContext();
        Assert.Equal(1, await db.Payments.CountAsync(p => p.BankReference == "GC-stored", Ct));
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,7})?$")]
    private static partial Regex EfTime();
}
