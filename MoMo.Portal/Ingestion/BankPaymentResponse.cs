using System.Text.Json;
using System.Text.Json.Serialization;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Ingestion;

/// <summary>A payment as the bank API shows it, in the snake_case names banks send.</summary>
public sealed record BankPaymentResponse(
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("bank_code")] string BankCode,
    [property: JsonPropertyName("reference_number")] string ReferenceNumber,
    [property: JsonPropertyName("account_number")] string AccountNumber,
    [property: JsonPropertyName("amount")] string Amount,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("transaction_id")] string? TransactionId,
    [property: JsonPropertyName("payment_bank_date")] DateTime PaymentBankDate,
    [property: JsonPropertyName("received_at")] DateTime ReceivedAt,
    [property: JsonPropertyName("processed_at")] DateTime? ProcessedAt,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("process_error")] bool ProcessError,
    [property: JsonPropertyName("proof_key")] string ProofKey)
{
    public static BankPaymentResponse From(Payment payment) => new(
        payment.Id, payment.BankCode, payment.PayerId, payment.PartnerAccountId,
        Money.Format(payment.AmountMinor, payment.Currency), payment.Currency, payment.BankReference,
        payment.BankDateUtc, payment.ReceivedAtUtc, payment.ProcessedAtUtc,
        StatusName(payment.Status), payment.ProcessError, payment.ProofKey);

    /// <summary>A status as the bank API writes it: <c>retry_scheduled</c>, <c>suspense</c>.</summary>
    public static string StatusName(PaymentStatus status) => JsonNamingPolicy.SnakeCaseLower.ConvertName(status.ToString());
}
