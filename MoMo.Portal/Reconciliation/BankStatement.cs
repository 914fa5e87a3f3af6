namespace MoMo.Portal.Reconciliation;

/// <summary>A statement file a bank delivered, kept as proof with its SHA-256, like a bank request.</summary>
public sealed class StatementFile
{
    public long Id { get; init; }
    public required string BankCode { get; init; }
    public required string FileName { get; init; }

    /// <summary>Lower-case hex SHA-256 of <see cref="Content"/>: the same file again is recognised by it.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The message, e.g. <c>camt.053.001.02</c>.</summary>
    public required string Message { get; init; }

    public required DateTime ImportedAtUtc { get; init; }
    public required string ImportedBy { get; init; }
    public required byte[] Content { get; init; }
}

/// <summary>One statement (camt.053 <c>Stmt</c>) or notification (camt.054 <c>Ntfctn</c>) of a file.</summary>
public sealed class BankStatement
{
    public long Id { get; init; }
    public long FileId { get; init; }
    public required string BankCode { get; init; }

    /// <summary>The bank's id of the statement or notification (<c>Id</c>), unique per bank.</summary>
    public required string StatementId { get; init; }

    public required string MessageId { get; init; }
    public DateTime? CreatedAtUtc { get; init; }

    /// <summary>The account: its IBAN, or its other id.</summary>
    public string? Account { get; init; }

    public DateTime? FromUtc { get; init; }
    public DateTime? ToUtc { get; init; }
    public List<StatementEntry> Entries { get; init; } = [];
}

/// <summary>
/// One entry of a statement, or one transaction detail of a batch entry (<see cref="DetailIndex"/> &gt; 0), with the
/// references matching uses and, once matched, its payment.
/// </summary>
public sealed class StatementEntry
{
    public const int MaxText = 140;

    public long Id { get; init; }
    public long BankStatementId { get; init; }

    /// <summary>The entry's place in its statement (1-based) and, for a batch entry, its detail's (1-based; 0 otherwise).</summary>
    public required int EntryIndex { get; init; }

    public required int DetailIndex { get; init; }
    public string? EntryReference { get; init; }
    public string? AccountServicerReference { get; init; }
    public DateOnly? BookingDate { get; init; }
    public DateOnly? ValueDate { get; init; }
    public required long AmountMinor { get; init; }
    public required string Currency { get; init; }
    public required bool IsCredit { get; init; }
    public bool IsReversal { get; init; }

    /// <summary><c>BOOK</c>, <c>PDNG</c> or <c>INFO</c>: only booked entries are reconciled.</summary>
    public required string Status { get; init; }

    public string? BankTransactionCode { get; init; }
    public string? EndToEndId { get; init; }
    public string? TransactionId { get; init; }
    public string? InstructionId { get; init; }
    public string? Uetr { get; init; }
    public string? DetailAccountServicerReference { get; init; }
    public string? DebtorName { get; init; }
    public string? Remittance { get; init; }

    /// <summary>The payment this entry is, once matched; at most one entry per payment.</summary>
    public long? PaymentId { get; set; }

    /// <summary>
    /// Without a reference match: the one payment of the same amount and currency whose payer reference the remittance
    /// names, paid at the bank within a day of the booking — for staff to confirm or reject.
    /// </summary>
    public long? SuggestedPaymentId { get; set; }

    /// <summary>The suggestion staff rejected last: never suggested for this entry again.</summary>
    public long? RejectedPaymentId { get; set; }

    /// <summary>Why the entry needs staff, when it does.</summary>
    public StatementBreak? Break { get; set; }

    /// <summary>When staff closed the break, who, and their note; an open break has none.</summary>
    public DateTime? BreakClosedAtUtc { get; set; }

    public string? BreakClosedBy { get; set; }

    public string? BreakNote { get; set; }

    public bool IsOpenBreak => Break is not null && BreakClosedAtUtc is null;

    public bool IsReconciled => Status == "BOOK" && IsCredit && !IsReversal;

    /// <summary>Every reference a payment's transaction id may equal, most specific first.</summary>
    public IEnumerable<string> References() =>
        new[] { AccountServicerReference, EntryReference, EndToEndId, TransactionId, InstructionId, Uetr, DetailAccountServicerReference }
            .Where(r => !string.IsNullOrWhiteSpace(r) && r != "NOTPROVIDED").Select(r => r!).Distinct();
}

/// <summary>A difference between a statement and the payments, for staff to work.</summary>
public enum StatementBreak
{
    /// <summary>A booked credit with no payment: the bank never notified MoMo Portal.</summary>
    MissingPayment,

    /// <summary>A reference names a payment, with another amount or currency.</summary>
    AmountMismatch,

    /// <summary>A second entry for a payment another entry already is.</summary>
    DuplicateEntry,

    /// <summary>A payment whose bank date lies in a statement's period, with no entry on it (a <see cref="StatementGap"/>).</summary>
    NotOnStatement,
}

/// <summary>
/// A payment the bank notified for a day its statement covers, that no entry of any statement is: the money may never
/// have arrived. Closed by staff with a note, or by itself when an entry matches the payment later.
/// </summary>
public sealed class StatementGap
{
    public long Id { get; init; }
    public required long BankStatementId { get; init; }
    public required long PaymentId { get; init; }
    public required DateTime OpenedAtUtc { get; init; }
    public DateTime? ClosedAtUtc { get; set; }
    public string? ClosedBy { get; set; }
    public string? Note { get; set; }
}

/// <summary>The names breaks go by in the command line's JSON, the report and the portal: <c>missing_payment</c>, ….</summary>
public static class BreakNames
{
    public static string Of(StatementBreak kind) => System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(kind.ToString());
}
