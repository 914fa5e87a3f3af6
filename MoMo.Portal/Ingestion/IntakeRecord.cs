namespace MoMo.Portal.Ingestion;

/// <summary>
/// The intake log: a bank request that did not create a payment (rejected, or a repeat of one already stored),
/// so staff can see everything a bank sent. Requests that created a payment are reached through the payment.
/// </summary>
public sealed class IntakeRecord
{
    public const int MaxReasonLength = 2000;

    public long Id { get; private set; }
    public required DateTime ReceivedAtUtc { get; init; }

    /// <summary>The bank the request claimed to come from (from the URL); it may not exist.</summary>
    public required string BankCode { get; init; }

    public required IntakeOutcome Outcome { get; init; }
    public required int StatusCode { get; init; }

    /// <summary>The problem's detail as the bank was told it, plus the field errors for a validation failure.</summary>
    public required string Reason { get; init; }

    /// <summary>The payment a repeated request was answered with.</summary>
    public long? PaymentId { get; init; }

    public required string ProofKey { get; init; }
}

public enum IntakeOutcome
{
    /// <summary>Refused: bad key, bad body, unknown payer or partner, conflicting repeat...</summary>
    Rejected,

    /// <summary>A repeat of a stored payment (same transaction id, same content), answered with the original.</summary>
    Replayed,
}
