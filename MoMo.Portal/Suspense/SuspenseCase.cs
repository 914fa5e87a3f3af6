using MoMo.Portal.Payments;

namespace MoMo.Portal.Suspense;

/// <summary>
/// A payment held in suspense and the work on it: at most one pending proposal (repair or return), which only a
/// different staff member may approve or decline. The case stays after it is resolved, as the record of who did what.
/// </summary>
public sealed class SuspenseCase
{
    public const int MaxNoteLength = 500;

    /// <summary>The held payment (also this case's key: a payment is held at most once).</summary>
    public long PaymentId { get; private set; }

    public Payment Payment { get; private set; } = default!;

    public required SuspenseReason Reason { get; init; }

    public required DateTime HeldAtUtc { get; init; }

    public ProposalKind? Proposal { get; private set; }

    /// <summary>The payer a repair sets (an existing one, or the one <see cref="NewPayerName"/> creates).</summary>
    public string? ProposedPayerId { get; private set; }

    public string? ProposedPartnerAccountId { get; private set; }

    /// <summary>Set when the repair creates the payer <see cref="ProposedPayerId"/> on approval, with this name.</summary>
    public string? NewPayerName { get; private set; }

    /// <summary>The proposer's note for a repair; the reason for a return.</summary>
    public string? ProposalNote { get; private set; }

    public string? ProposedBy { get; private set; }

    public DateTime? ProposedAtUtc { get; private set; }

    /// <summary>
    /// Bumped by every change. An approval or decline names the version it was shown and fails when the case has
    /// moved on: two approvals at the same moment cannot both win (compare-and-set in the database).
    /// </summary>
    public int Version { get; private set; }

    public SuspenseResolution? Resolution { get; private set; }

    public string? ResolvedBy { get; private set; }

    public DateTime? ResolvedAtUtc { get; private set; }

    public bool IsOpen => Resolution is null;

    public static SuspenseCase Hold(Payment payment, SuspenseReason reason, DateTime nowUtc) => new()
    {
        Payment = payment,
        Reason = reason,
        HeldAtUtc = nowUtc,
    };

    public static SuspenseReason ReasonFor(bool payerKnown, bool partnerKnown) => (payerKnown, partnerKnown) switch
    {
        (false, false) => SuspenseReason.UnknownPayerAndPartner,
        (false, true) => SuspenseReason.UnknownPayer,
        (true, false) => SuspenseReason.UnknownPartner,
        _ => throw new ArgumentException("A payment naming a known payer and partner is not held."),
    };

    /// <summary>Replaces any pending proposal with a repair.</summary>
    internal void ProposeRepair(string payerId, string partnerAccountId, string? newPayerName, string? note, string by, DateTime nowUtc)
    {
        Propose(ProposalKind.Repair, note, by, nowUtc);
        ProposedPayerId = payerId;
        ProposedPartnerAccountId = partnerAccountId;
        NewPayerName = newPayerName;
    }

    /// <summary>Replaces any pending proposal with a return to the bank.</summary>
    internal void ProposeReturn(string reason, string by, DateTime nowUtc) => Propose(ProposalKind.Return, reason, by, nowUtc);

    internal void Decline()
    {
        ClearProposal();
        Version++;
    }

    internal void Resolve(string by, DateTime nowUtc)
    {
        Resolution = Proposal == ProposalKind.Repair ? SuspenseResolution.Repaired : SuspenseResolution.Returned;
        ResolvedBy = by;
        ResolvedAtUtc = nowUtc;
        Version++;
    }

    /// <summary>The proposal as the audit log and the command line show it.</summary>
    public object? ProposalSnapshot() => Proposal is null ? null : new
    {
        Proposal,
        ProposedPayerId,
        ProposedPartnerAccountId,
        NewPayerName,
        ProposalNote,
        ProposedBy,
        Version,
    };

    private void Propose(ProposalKind kind, string? note, string by, DateTime nowUtc)
    {
        ClearProposal();
        Proposal = kind;
        ProposalNote = note;
        ProposedBy = by;
        ProposedAtUtc = nowUtc;
        Version++;
    }

    private void ClearProposal()
    {
        Proposal = null;
        ProposedPayerId = null;
        ProposedPartnerAccountId = null;
        NewPayerName = null;
        ProposalNote = null;
        ProposedBy = null;
        ProposedAtUtc = null;
    }
}

/// <summary>Why a payment was held: which of the names the bank sent matches no one.</summary>
public enum SuspenseReason
{
    UnknownPayer,
    UnknownPartner,
    UnknownPayerAndPartner,
}

public enum ProposalKind
{
    /// <summary>Set the payer and partner, then route the payment like any other.</summary>
    Repair,

    /// <summary>Send the money back to the bank; the payment is never delivered.</summary>
    Return,
}

public enum SuspenseResolution
{
    Repaired,
    Returned,
}
