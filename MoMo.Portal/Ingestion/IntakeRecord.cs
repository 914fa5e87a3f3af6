using MoMo.Portal.Data;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// The intake log: a bank request that did not create a payment (rejected, or a repeat of one already stored),
/// so staff can see everything a bank sent. Requests that created a payment are reached through the payment.
/// A request refused before its body was read (failed authentication, a source outside the bank's networks) keeps
/// no proof: only this row, whose every text is bounded, so that anonymous traffic cannot fill the disk.
/// </summary>
public sealed class IntakeRecord
{
    public const int MaxReasonLength = 2000;
    public const int MaxBankCodeLength = 128;

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

    /// <summary>The request as kept, or null when it was refused before its body was read.</summary>
    public string? ProofKey { get; init; }

    /// <summary>The caller's address (after trusted forwarded headers).</summary>
    public string? RemoteAddress { get; init; }

    /// <summary>The size of the body: as read, or as announced by Content-Length when it was never read.</summary>
    public long? BodyBytes { get; init; }

    /// <summary>A record whose every text is made to fit its column (the bank code comes from the URL as sent).</summary>
    public static IntakeRecord Create(DateTime receivedAtUtc, string bankCode, IntakeOutcome outcome, int statusCode,
        string reason, string? remoteAddress, long? bodyBytes, long? paymentId, string? proofKey) => new()
    {
        ReceivedAtUtc = receivedAtUtc,
        BankCode = StorableText.Clean(bankCode, MaxBankCodeLength),
        Outcome = outcome,
        StatusCode = statusCode,
        Reason = StorableText.Clean(reason, MaxReasonLength),
        RemoteAddress = StorableText.CleanOrNull(remoteAddress, RequestProof.MaxRemoteAddressLength),
        BodyBytes = bodyBytes,
        PaymentId = paymentId,
        ProofKey = proofKey,
    };
}

public enum IntakeOutcome
{
    /// <summary>Refused: bad key, bad body, unknown payer or partner, conflicting repeat...</summary>
    Rejected,

    /// <summary>A repeat of a stored payment (same transaction id, same content), answered with the original.</summary>
    Replayed,
}
