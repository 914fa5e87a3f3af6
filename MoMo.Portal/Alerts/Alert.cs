namespace MoMo.Portal.Alerts;

/// <summary>
/// One occurrence of a condition operations must hear about, for one subject (a bank, a partner, or none): opened when
/// the condition starts, cleared when it ends. At most one is open per condition and subject (a unique index), so a
/// condition that goes on alerts once, however many instances evaluate it.
/// </summary>
public sealed class Alert
{
    public const int MaxDetailLength = 500;

    public long Id { get; init; }
    public required string Condition { get; init; }

    /// <summary>The bank or partner the condition is about; empty when it is about the whole portal.</summary>
    public required string Subject { get; init; }

    public AlertState State { get; set; } = AlertState.Open;
    public required DateTime OpenedAtUtc { get; init; }

    /// <summary>What was seen when the condition started, in words.</summary>
    public required string Detail { get; init; }

    public DateTime? ClearedAtUtc { get; set; }

    /// <summary>When "opened" went out on every channel; null until then (a failed send is tried again).</summary>
    public DateTime? OpenSentAtUtc { get; set; }

    /// <summary>When "cleared" went out on every channel.</summary>
    public DateTime? ClearSentAtUtc { get; set; }

    public string? LastSendError { get; set; }
}

public enum AlertState
{
    Open,
    Cleared,
}
