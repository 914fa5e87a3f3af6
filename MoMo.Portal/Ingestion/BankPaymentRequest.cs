using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// The body a bank sends, as documented in the OpenAPI description. The service does not bind to it: it reads the raw
/// JSON with <see cref="PaymentInstructionParser"/>, which is stricter than model binding and keeps the bytes as proof.
/// </summary>
public sealed record BankPaymentRequest(
    [property: JsonPropertyName("reference_number"), Required, Description("The payer's reference number.")]
    string ReferenceNumber,
    [property: JsonPropertyName("account_number"), Required, Description("The partner's (merchant's) account number.")]
    string AccountNumber,
    [property: JsonPropertyName("amount"), Required,
               Description("A positive decimal as a string or JSON number, e.g. \"55.10\"; no more decimals than the currency has.")]
    string Amount,
    [property: JsonPropertyName("currency"), Required, Description("ISO 4217 code in capitals, e.g. USD, UGX, KES.")]
    string Currency,
    [property: JsonPropertyName("transaction_id"),
               Description("The bank's own id for the payment; repeating it returns the original payment instead of a new one.")]
    string? TransactionId,
    [property: JsonPropertyName("payment_bank_date"),
               Description("When the bank made the payment: ISO 8601 date, or date-time with Z or an offset.")]
    string? PaymentBankDate);

/// <summary>
/// Declares the JSON body an endpoint reads raw, for the OpenAPI description only (see <see cref="BankApiOpenApi"/>).
/// Deliberately not <c>IAcceptsMetadata</c>: routing would then refuse other content types with its own 415 before
/// the request could be kept as proof.
/// </summary>
public sealed record JsonBody(Type RequestType);

/// <summary>The problem-details answers an endpoint can give, for the OpenAPI description.</summary>
public sealed record ProblemResponses(IReadOnlyList<int> StatusCodes);
