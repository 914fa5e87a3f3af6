using System.Buffers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// The bank API. Banks authenticate with <c>X-Api-Key</c> (checked by <see cref="BankAuthenticator"/>), not with the
/// staff sign-in, hence anonymous endpoints. The body is read raw, never bound, so that exactly what the bank sent is
/// kept as proof, whatever is wrong with it. Plain endpoints rather than an MVC controller: MVC's action pipeline
/// (filters, value providers, result executors) cost about a tenth of the CPU a payment takes (docs/BENCHMARKS.md).
/// </summary>
public static class BankApi
{
    private const string LegacyBankCode = "africa_bank";

    private static readonly int[] s_receiveProblems = [400, 401, 403, 409, 413, 415, 422, 429, 503];

    // Headers that may carry credentials are kept as "[redacted]": the proof shows they were sent, never what they
    // were. Matched by pattern, so a bank's own X-Bank-Token or X-Client-Secret is covered too.
    private static readonly string[] s_credentialNameParts = ["key", "token", "secret", "auth", "cookie", "password", "signature"];

    public static IEndpointRouteBuilder MapBankApi(this IEndpointRouteBuilder endpoints)
    {
        // The original route: a payment from Africa Bank, in the original body.
        DescribeReceive(endpoints.MapPost("/africa_bank",
                (HttpContext http, IngestionService ingestion, TimeProvider clock, CancellationToken cancellationToken) =>
                    ReceiveAsync(http, LegacyBankCode, ingestion, clock, cancellationToken)),
            "receiveAfricaBankPayment", "Receive a payment from africa_bank (original route)");

        // Repeating a request with the same transaction_id (or Idempotency-Key header) gets the original payment back
        // (200) instead of a second one.
        DescribeReceive(endpoints.MapPost("/api/v1/banks/{bankCode}/payments",
                (string bankCode, HttpContext http, IngestionService ingestion, TimeProvider clock, CancellationToken cancellationToken) =>
                    ReceiveAsync(http, bankCode, ingestion, clock, cancellationToken)),
            "receivePayment", "Receive a payment");

        // A payment this bank sent, as stored, with its delivery status.
        Describe(endpoints.MapGet("/api/v1/banks/{bankCode}/payments/{id:long}", GetAsync),
            "getPayment", "Get a payment the bank sent", [401, 403, 404, 429]);
        return endpoints;
    }

    private static RouteHandlerBuilder Describe(RouteHandlerBuilder endpoint, string name, string summary, int[] problems) =>
        endpoint.AllowAnonymous().WithName(name).WithSummary(summary).WithTags("Bank payments")
            .WithMetadata(BankApiEndpoint.Instance, new ProblemResponses(problems));

    /// <summary>A route that receives a payment: the same body, the same answers, whichever route the bank uses.</summary>
    private static void DescribeReceive(RouteHandlerBuilder endpoint, string name, string summary) =>
        Describe(endpoint, name, summary, s_receiveProblems).WithMetadata(new JsonBody(typeof(BankPaymentRequest)));

    private static async Task<Results<Created<BankPaymentResponse>, Ok<BankPaymentResponse>, ProblemHttpResult>> ReceiveAsync(
        HttpContext http, string bankCode, IngestionService ingestion, TimeProvider clock, CancellationToken cancellationToken)
    {
        var result = await ingestion.ReceiveAsync(Caller(http, bankCode, clock),
            http.Request.Headers[PaymentInstructionParser.IdempotencyKeyHeader].FirstOrDefault(),
            token => CaptureAsync(http, clock, token), cancellationToken);
        return result switch
        {
            IngestionResult.Created { Payment: var payment } => TypedResults.Created(
                $"/api/v1/banks/{payment.BankCode}/payments/{payment.Id}", BankPaymentResponse.From(payment)),
            IngestionResult.Replayed replayed => TypedResults.Ok(BankPaymentResponse.From(replayed.Payment)),
            IngestionResult.Rejected rejected => Problem(http, rejected.Rejection),
            IngestionResult.Unavailable unavailable => Problem(http, unavailable.Rejection),
            _ => throw new InvalidOperationException("Unknown ingestion result."),
        };
    }

    private static async Task<Results<Ok<BankPaymentResponse>, ProblemHttpResult>> GetAsync(string bankCode, long id, HttpContext http,
        IngestionService ingestion, IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await ingestion.AdmitAsync(Caller(http, bankCode, clock), cancellationToken) is { } refused)
        {
            return Problem(http, refused);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var payment = await db.Payments.AsNoTracking()
            .SingleOrDefaultAsync(p => p.Id == id && p.BankCode == bankCode, cancellationToken);
        return payment is null
            ? Problem(http, new IngestionRejection(404, "payment_not_found", "Payment not found", $"Bank '{bankCode}' has no payment {id}."))
            : TypedResults.Ok(BankPaymentResponse.From(payment));
    }

    private static BankCaller Caller(HttpContext http, string bankCode, TimeProvider clock) =>
        new(bankCode, http.Request.Headers[BankAuthenticator.ApiKeyHeader].FirstOrDefault(), http.Connection.RemoteIpAddress,
            clock.GetUtcNow().UtcDateTime, http.Request.ContentLength);

    private static bool IsCredential(string headerName) =>
        s_credentialNameParts.Any(part => headerName.Contains(part, StringComparison.OrdinalIgnoreCase));

    /// <summary>The request as it arrived, with the body read up to one byte past the limit.</summary>
    private static async Task<RawBankRequest> CaptureAsync(HttpContext http, TimeProvider clock, CancellationToken cancellationToken)
    {
        var request = http.Request;
        var limit = IngestionService.MaxBodyBytes;
        // A pooled buffer: a fresh 64 KB array per request was a quarter of a gigabyte of garbage a second under load.
        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            var length = 0;
            int read;
            while (length < limit + 1 && (read = await request.Body.ReadAsync(buffer.AsMemory(length, limit + 1 - length), cancellationToken)) > 0)
            {
                length += read;
            }

            var truncated = length > limit || request.ContentLength > limit;
            var headers = request.Headers
                .Select(h => KeyValuePair.Create(h.Key, IsCredential(h.Key) ? "[redacted]" : h.Value.ToString()))
                .ToList();
            return new RawBankRequest(clock.GetUtcNow().UtcDateTime, request.Method, request.Path + request.QueryString,
                request.ContentType, headers, http.Connection.RemoteIpAddress?.ToString(),
                buffer[..Math.Min(length, limit)], truncated);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static ProblemHttpResult Problem(HttpContext http, IngestionRejection rejection)
    {
        if (rejection.RetryAfter is { } wait)
        {
            http.Response.Headers.RetryAfter = IngestionRejection.Seconds(wait).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var problem = new ProblemDetails
        {
            Status = rejection.Status,
            Title = rejection.Title,
            Detail = rejection.Detail,
            Instance = http.Request.Path,
            Extensions = { ["code"] = rejection.Code },
        };
        if (rejection.Errors is not null)
        {
            problem.Extensions["errors"] = rejection.Errors;
        }

        if (rejection.PaymentId is { } paymentId)
        {
            problem.Extensions["payment_id"] = paymentId;
        }

        return TypedResults.Problem(problem);
    }
}

/// <summary>Marks the bank API's endpoints: the OpenAPI document describes these and nothing else.</summary>
public sealed class BankApiEndpoint
{
    public static readonly BankApiEndpoint Instance = new();

    private BankApiEndpoint()
    {
    }
}
