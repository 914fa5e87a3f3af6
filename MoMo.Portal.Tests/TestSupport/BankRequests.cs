using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MoMo.Portal.Tests.TestSupport;

/// <summary>Builds the requests a bank sends.</summary>
public static class BankRequests
{
    public static string Body(
        string payer = PortalFactory.PayerId, string partner = PortalFactory.PartnerId, object? amount = null,
        string currency = "USD", string? transactionId = null) =>
        new JsonObject
        {
            ["reference_number"] = payer,
            ["account_number"] = partner,
            ["amount"] = JsonValue.Create(amount ?? "55.10"),
            ["currency"] = currency,
            ["transaction_id"] = transactionId,
        }.ToJsonString();

    public static HttpRequestMessage Post(
        string body, string? apiKey, string bankCode = PortalFactory.BankCode, string contentType = "application/json",
        string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/banks/{bankCode}/payments")
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return request;
    }

    /// <summary>A bank's GET of <paramref name="path"/> with its key.</summary>
    public static HttpRequestMessage Get(string path, string apiKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Api-Key", apiKey);
        return request;
    }

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
}
