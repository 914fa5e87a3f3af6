using System.Buffers;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// The bank API. Banks authenticate with <c>X-Api-Key</c> (checked by <see cref="BankAuthenticator"/>), not with the
/// staff sign-in, hence <see cref="AllowAnonymousAttribute"/>. The body is read raw, never model-bound, so that
/// exactly what the bank sent is kept as proof, whatever is wrong with it.
/// </summary>
[ApiController]
[AllowAnonymous]
[RawBody]
[Produces("application/json")]
[Tags("Bank payments")]
public sealed class BankPaymentsController(IngestionService ingestion, TimeProvider clock)
    : ControllerBase
{
    private const string LegacyBankCode = "africa_bank";

    // Headers that may carry credentials are kept as "[redacted]": the proof shows they were sent, never what they
    // were. Matched by pattern, so a bank's own X-Bank-Token or X-Client-Secret is covered too.
    private static readonly string[] s_credentialNameParts = ["key", "token", "secret", "auth", "cookie", "password", "signature"];

    /// <summary>The original route: a payment from Africa Bank, in the original body.</summary>
    [HttpPost("/africa_bank")]
    [JsonBody(typeof(BankPaymentRequest))]
    [ProblemResponses(400, 401, 403, 409, 413, 415, 422, 429, 503)]
    [EndpointSummary("Receive a payment from africa_bank (original route)")]
    [EndpointName("receiveAfricaBankPayment")]
    public Task<Results<Created<BankPaymentResponse>, Ok<BankPaymentResponse>, ProblemHttpResult>> PostLegacy(
        CancellationToken cancellationToken) => ReceiveAsync(LegacyBankCode, cancellationToken);

    /// <summary>
    /// Receive a payment. Repeat a request with the same <c>transaction_id</c> (or <c>Idempotency-Key</c> header)
    /// to get the original payment back (200) instead of a second one.
    /// </summary>
    [HttpPost("/api/v1/banks/{bankCode}/payments")]
    [JsonBody(typeof(BankPaymentRequest))]
    [ProblemResponses(400, 401, 403, 409, 413, 415, 422, 429, 503)]
    [EndpointSummary("Receive a payment")]
    [EndpointName("receivePayment")]
    public Task<Results<Created<BankPaymentResponse>, Ok<BankPaymentResponse>, ProblemHttpResult>> Post(
        string bankCode, CancellationToken cancellationToken) => ReceiveAsync(bankCode, cancellationToken);

    /// <summary>A payment this bank sent, as stored, with its delivery status.</summary>
    [HttpGet("/api/v1/banks/{bankCode}/payments/{id:long}")]
    [ProblemResponses(401, 403, 404, 429)]
    [EndpointSummary("Get a payment the bank sent")]
    [EndpointName("getPayment")]
    public async Task<Results<Ok<BankPaymentResponse>, ProblemHttpResult>> Get(
        string bankCode, long id, [FromServices] IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        if (await ingestion.AdmitAsync(Caller(bankCode), cancellationToken) is { } refused)
        {
            return Problem(refused);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var payment = await db.Payments.AsNoTracking()
            .SingleOrDefaultAsync(p => p.Id == id && p.BankCode == bankCode, cancellationToken);
        return payment is null
            ? Problem(new IngestionRejection(404, "payment_not_found", "Payment not found",
                $"Bank '{bankCode}' has no payment {id}."))
            : TypedResults.Ok(BankPaymentResponse.From(payment));
    }

    private async Task<Results<Created<BankPaymentResponse>, Ok<BankPaymentResponse>, ProblemHttpResult>> ReceiveAsync(
        string bankCode, CancellationToken cancellationToken)
    {
        var result = await ingestion.ReceiveAsync(Caller(bankCode),
            Request.Headers[PaymentInstructionParser.IdempotencyKeyHeader].FirstOrDefault(), CaptureAsync, cancellationToken);
        switch (result)
        {
            case IngestionResult.Created created:
                var payment = created.Payment;
                return TypedResults.Created($"/api/v1/banks/{payment.BankCode}/payments/{payment.Id}",
                    BankPaymentResponse.From(payment));
            case IngestionResult.Replayed replayed:
                return TypedResults.Ok(BankPaymentResponse.From(replayed.Payment));
            case IngestionResult.Rejected rejected:
                return Problem(rejected.Rejection);
            case IngestionResult.Unavailable unavailable:
                return Problem(unavailable.Rejection);
            default:
                throw new InvalidOperationException("Unknown ingestion result.");
        }
    }

    private BankCaller Caller(string bankCode) => new(bankCode, Request.Headers[BankAuthenticator.ApiKeyHeader].FirstOrDefault(),
        HttpContext.Connection.RemoteIpAddress, clock.GetUtcNow().UtcDateTime, Request.ContentLength);

    private static bool IsCredential(string headerName) =>
        s_credentialNameParts.Any(part => headerName.Contains(part, StringComparison.OrdinalIgnoreCase));

    /// <summary>The request as it arrived, with the body read up to one byte past the limit.</summary>
    private async Task<RawBankRequest> CaptureAsync(CancellationToken cancellationToken)
    {
        var limit = IngestionService.MaxBodyBytes;
        // A pooled buffer: a fresh 64 KB array per request was a quarter of a gigabyte of garbage a second under load.
        var buffer = ArrayPool<byte>.Shared.Rent(limit + 1);
        try
        {
            var length = 0;
            int read;
            while (length < limit + 1 && (read = await Request.Body.ReadAsync(buffer.AsMemory(length, limit + 1 - length), cancellationToken)) > 0)
            {
                length += read;
            }

            var truncated = length > limit || Request.ContentLength > limit;
            var headers = Request.Headers
                .Select(h => KeyValuePair.Create(h.Key, IsCredential(h.Key) ? "[redacted]" : h.Value.ToString()))
                .ToList();
            return new RawBankRequest(clock.GetUtcNow().UtcDateTime, Request.Method, Request.Path + Request.QueryString,
                Request.ContentType, headers, HttpContext.Connection.RemoteIpAddress?.ToString(),
                buffer[..Math.Min(length, limit)], truncated);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private ProblemHttpResult Problem(IngestionRejection rejection)
    {
        if (rejection.RetryAfter is { } wait)
        {
            Response.Headers.RetryAfter = IngestionRejection.Seconds(wait).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var problem = new ProblemDetails
        {
            Status = rejection.Status,
            Title = rejection.Title,
            Detail = rejection.Detail,
            Instance = Request.Path,
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
