namespace MoMo.Portal.Statements;

/// <summary>
/// One e-mail of a partner's statement for one closed business day: created with the close (one per partner with a
/// <see cref="Partners.Partner.StatementEmail"/> then), then sent, retried while the mail server refuses it for now, and kept
/// as the record of what was sent, when, to whom and with which hashes.
/// </summary>
public sealed class StatementSend
{
    public const int MaxAttempts = 8;

    public long Id { get; init; }
    public required DateOnly Day { get; init; }
    public required string PartnerAccountId { get; init; }

    /// <summary>The address when the day closed; a later change of the partner's address does not redirect it.</summary>
    public required string Email { get; init; }

    public required DateTime CreatedAtUtc { get; init; }
    public StatementSendStatus Status { get; set; } = StatementSendStatus.Pending;

    /// <summary>Attempts so far; also the compare-and-set token by which one instance claims the next attempt.</summary>
    public int Attempts { get; set; }

    /// <summary>When the next attempt is due (pending), or when a claimed attempt may be taken over if its sender died.</summary>
    public DateTime? NextAttemptAtUtc { get; set; }

    public DateTime? LastAttemptAtUtc { get; set; }
    public DateTime? SentAtUtc { get; set; }
    public string? LastError { get; set; }
    public string? SmtpReply { get; set; }

    /// <summary>Lower-case hex SHA-256 of the attachments as sent, for the partner to compare with what they received.</summary>
    public string? PdfSha256 { get; set; }

    public string? CsvSha256 { get; set; }
}

public enum StatementSendStatus
{
    Pending,
    Sent,
    Failed,
}
