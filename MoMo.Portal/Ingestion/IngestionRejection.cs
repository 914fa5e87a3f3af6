using MoMo.Portal.Data;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// Why a bank request was refused: becomes an RFC 9457 problem for the bank (with <c>Retry-After</c> when
/// <see cref="RetryAfter"/> is set) and, unless it was rate limited, a line in the intake log.
/// </summary>
public sealed record IngestionRejection(
    int Status, string Code, string Title, string Detail, IDictionary<string, string[]>? Errors = null, long? PaymentId = null,
    TimeSpan? RetryAfter = null)
{
    public static IngestionRejection MissingApiKey() => new(401, "api_key_missing", "API key required",
        $"Send the bank's API key in the {BankAuthenticator.ApiKeyHeader} header.");

    public static IngestionRejection InvalidApiKey(string bankCode) => new(401, "api_key_invalid", "API key not accepted",
        $"The {BankAuthenticator.ApiKeyHeader} header does not hold a valid API key for bank '{bankCode}'.");

    public static IngestionRejection BankDisabled(string bankCode) => new(403, "bank_disabled", "Bank disabled",
        $"Bank '{bankCode}' is disabled and cannot send payments; ask the MoMo Portal operations team to enable it.");

    public static IngestionRejection SourceNotAllowed(string bankCode, System.Net.IPAddress? remoteAddress) => new(403,
        "source_not_allowed", "Source address not allowed",
        $"Bank '{bankCode}' may send requests only from its registered networks, and {remoteAddress?.ToString() ?? "this address"} " +
        "is not one of them; ask the MoMo Portal operations team to add the network.");

    public static IngestionRejection TooManyFailures(TimeSpan retryAfter) => new(429, "too_many_failed_attempts",
        "Too many failed attempts",
        $"This address sent too many requests that failed authentication. Wait {Seconds(retryAfter)} s, then send " +
        "requests with a valid API key.", RetryAfter: retryAfter);

    public static IngestionRejection RateLimited(string bankCode, TimeSpan retryAfter) => new(429, "rate_limited",
        "Too many requests",
        $"Bank '{bankCode}' is sending faster than its rate limit allows; nothing was kept. Send the same request again " +
        $"in {Seconds(retryAfter)} s (with a transaction_id a repeat can never create a second payment).", RetryAfter: retryAfter);

    public static IngestionRejection TooLarge(int limit) => new(413, "body_too_large", "Request body too large",
        $"A payment request may be at most {limit} bytes; this one is larger.");

    public static IngestionRejection UnsupportedMediaType(string? contentType) => new(415, "unsupported_media_type",
        "JSON required",
        $"Send the payment as JSON with 'Content-Type: application/json' (this request had {(contentType is null ? "no Content-Type" : $"'{contentType}'")}).");

    public static IngestionRejection Malformed(string detail) => new(400, "malformed_json", "Malformed request body", detail);

    public static IngestionRejection Invalid(IDictionary<string, string[]> errors) => new(400, "validation_failed",
        "The payment is invalid",
        $"{errors.Count} field{(errors.Count == 1 ? " is" : "s are")} invalid: {string.Join(", ", errors.Keys)}. See 'errors' for each one.",
        errors);

    public static IngestionRejection UnknownReferences(PaymentInstruction instruction, bool payerKnown, bool partnerKnown)
    {
        var errors = new Dictionary<string, string[]>();
        if (!payerKnown)
        {
            errors["reference_number"] = [$"No payer has the reference number '{instruction.PayerId}'."];
        }

        if (!partnerKnown)
        {
            errors["account_number"] = [$"No partner has the account number '{instruction.PartnerAccountId}'."];
        }

        var unknown = string.Join(" and ", errors.Values.Select(messages => messages[0].TrimEnd('.')));
        return new(422, "unknown_reference", "Unknown payer or partner",
            $"{unknown}. Ask the MoMo Portal operations team to register it before sending payments for it.", errors);
    }

    public static IngestionRejection Conflict(Payment existing) => new(409, "transaction_id_conflict",
        "Transaction id already used",
        $"Transaction '{existing.BankReference}' was already received (payment {existing.Id}) with different content. " +
        "A retry must repeat the original request exactly; a new payment needs a new transaction_id.",
        PaymentId: existing.Id);

    public static IngestionRejection StorageUnavailable() => new(503, "storage_unavailable", "Payment not stored",
        "The payment could not be stored right now and nothing was kept. Send the same request again in a few seconds; " +
        "with a transaction_id the retry can never create a second payment.", RetryAfter: TimeSpan.FromSeconds(5));

    /// <summary>The text kept in the intake log: the detail plus every field error, storable as it is.</summary>
    /// <summary>The detail and the field errors it does not already say, for the intake log.</summary>
    public string LogReason()
    {
        var unsaid = (Errors?.Values.SelectMany(m => m) ?? []).Where(m => !Detail.Contains(m.TrimEnd('.'), StringComparison.Ordinal));
        return StorableText.Clean(string.Join(" ", [Detail, .. unsaid]), IntakeRecord.MaxReasonLength);
    }

    /// <summary>Whole seconds for <c>Retry-After</c>, never 0.</summary>
    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
}
