using MoMo.Portal.Banks;
using MoMo.Portal.Partners;
using MoMo.Portal.Payers;

namespace MoMo.Portal.Payments;

/// <summary>A payment a bank sent for a payer to a partner, and its delivery state.</summary>
public sealed class Payment
{
    public const int MaxBankReferenceLength = 128;
    public const int MaxErrorLength = 2000;

    public long Id { get; private set; }

    /// <summary>The payer, as the bank names it in <c>reference_number</c>.</summary>
    public required string PayerId { get; init; }

    /// <summary>The partner (merchant), as the bank names it in <c>account_number</c>.</summary>
    public required string PartnerAccountId { get; init; }

    public required string BankCode { get; init; }

    /// <summary>The bank's own transaction id (<c>transaction_id</c> or <c>Idempotency-Key</c>), unique per bank.</summary>
    public string? BankReference { get; init; }

    public required long AmountMinor { get; init; }

    /// <summary>ISO 4217 code; <see cref="AmountMinor"/> counts its minor units.</summary>
    public required string Currency { get; init; }

    /// <summary>SHA-256 of the request's meaning, so a retried request can be told from a different one under the same id.</summary>
    public required string RequestFingerprint { get; init; }

    /// <summary>Where the raw request the bank sent is kept (see <c>IProofStore</c>).</summary>
    public required string ProofKey { get; init; }

    /// <summary>When the bank says the payment was made (<c>payment_bank_date</c>); the receipt time when it says nothing.</summary>
    public required DateTime BankDateUtc { get; init; }

    public required DateTime ReceivedAtUtc { get; init; }

    /// <summary>When the partner acknowledged the payment (the original <c>payment_processed_date</c>).</summary>
    public DateTime? ProcessedAtUtc { get; private set; }

    /// <summary>True once delivery has given up (the original <c>process_error</c>).</summary>
    public bool ProcessError { get; private set; }

    public PaymentStatus Status { get; private set; } = PaymentStatus.Received;

    public int AttemptCount { get; private set; }

    /// <summary>When the router should next try; null once delivered or errored.</summary>
    public DateTime? NextAttemptAtUtc { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>The router pass that owns this payment while <see cref="ClaimExpiresAtUtc"/> is in the future.</summary>
    public Guid? ClaimToken { get; private set; }

    public DateTime? ClaimExpiresAtUtc { get; private set; }

    public Payer? Payer { get; private set; }
    public Partner? Partner { get; private set; }
    public Bank? Bank { get; private set; }
    public List<DeliveryAttempt> Attempts { get; private set; } = [];

    public static Payment Receive(
        string bankCode, string payerId, string partnerAccountId, long amountMinor, string currency,
        string? bankReference, DateTime? bankDateUtc, string fingerprint, string proofKey, DateTime nowUtc) => new()
    {
        BankCode = bankCode,
        PayerId = payerId,
        PartnerAccountId = partnerAccountId,
        AmountMinor = amountMinor,
        Currency = currency,
        BankReference = bankReference,
        BankDateUtc = bankDateUtc ?? nowUtc,
        RequestFingerprint = fingerprint,
        ProofKey = proofKey,
        ReceivedAtUtc = nowUtc,
        NextAttemptAtUtc = nowUtc,
    };

    /// <summary>
    /// Staff asked to try an errored payment again: it becomes due now.
    /// Returns false (and changes nothing) for a payment that is not errored.
    /// </summary>
    public bool ScheduleStaffRetry(DateTime nowUtc)
    {
        if (Status != PaymentStatus.Errored)
        {
            return false;
        }

        Status = PaymentStatus.RetryScheduled;
        ProcessError = false;
        NextAttemptAtUtc = nowUtc;
        ClaimToken = null;
        ClaimExpiresAtUtc = null;
        return true;
    }

    /// <summary>Gives up on delivery; staff see the payment as errored with <paramref name="error"/>.</summary>
    public void MarkErrored(string error)
    {
        Status = PaymentStatus.Errored;
        ProcessError = true;
        LastError = Truncate(error);
        NextAttemptAtUtc = null;
        ClaimToken = null;
        ClaimExpiresAtUtc = null;
    }

    internal static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}
