namespace MoMo.Portal.Partners;

/// <summary>A merchant that receives payments; banks name it by <see cref="AccountId"/> (<c>account_number</c>).</summary>
public sealed class Partner
{
    public const int MaxAccountIdLength = 64;
    public const int MaxNameLength = 200;
    public const int MaxContactPathLength = 2048;
    public const int MaxEmailLength = 320;

    public required string AccountId { get; init; }
    public required string Name { get; set; }
    public required DateTime CreatedAtUtc { get; init; }
    public required NotifyMethod NotifyMethod { get; set; }

    /// <summary>The webhook URL (<see cref="NotifyMethod.Api"/>) or e-mail address (<see cref="NotifyMethod.Email"/>).</summary>
    public required string ContactPath { get; set; }

    /// <summary>
    /// The Standard Webhooks signing secret (<c>whsec_</c> + base64 of 24 or more random bytes), as stored: encrypted by
    /// <see cref="WebhookSecretVault"/>, never in clear.
    /// </summary>
    public required string ProtectedWebhookSecret { get; set; }

    /// <summary>
    /// The secret before the last rotation, encrypted like the current one: it keeps signing beside the new one until
    /// <see cref="PreviousSecretValidUntilUtc"/>, so the partner can switch without a window of failed verifications.
    /// </summary>
    public string? ProtectedPreviousWebhookSecret { get; set; }

    public DateTime? PreviousSecretValidUntilUtc { get; set; }

    public bool IsActive { get; set; } = true;

    /// <summary>
    /// Since when the partner's payments wait because its endpoint kept failing (paused by the router) or because staff
    /// paused it; null while deliveries go on.
    /// </summary>
    public DateTime? PausedAtUtc { get; set; }

    /// <summary>Why it was paused, in words (the failures and the last error, or who paused it).</summary>
    public string? PauseReason { get; set; }

    /// <summary>
    /// When a paused partner gets its next probe (one delivery attempt; the first success resumes it). Null while paused
    /// by staff: no probe, until staff resume it.
    /// </summary>
    public DateTime? NextProbeAtUtc { get; set; }

    /// <summary>Failed attempts since the last delivered one, and when the first of them was.</summary>
    public int ConsecutiveFailures { get; set; }

    public DateTime? FailingSinceUtc { get; set; }

    /// <summary>Partners whose due payments wait (staff see them as held): disabled, or paused.</summary>
    public static readonly System.Linq.Expressions.Expression<Func<Partner, bool>> HoldsPayments = p => !p.IsActive || p.PausedAtUtc != null;

    /// <summary>
    /// Partners the router delivers to at <paramref name="now"/>: enabled, and not paused or with their probe due.
    /// </summary>
    public static System.Linq.Expressions.Expression<Func<Partner, bool>> TakesDeliveriesAt(DateTime now) =>
        p => p.IsActive && (p.PausedAtUtc == null || p.NextProbeAtUtc <= now);

    /// <summary>Where the statement of each business day goes after its close (PDF and CSV attached); null: none is sent.</summary>
    public string? StatementEmail { get; set; }
}
