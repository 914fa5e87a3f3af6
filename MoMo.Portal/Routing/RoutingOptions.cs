using System.ComponentModel.DataAnnotations;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Routing;

/// <summary>The <c>Routing</c> configuration section.</summary>
public sealed class RoutingOptions : IValidatableObject
{
    public const string Section = "Routing";

    /// <summary>When the recurring <c>route-payments</c> job runs (Hangfire cron; six fields allow seconds).</summary>
    [Required]
    public string Cron { get; set; } = "*/15 * * * * *";

    /// <summary>Deliveries in flight at once in this process, over all partners.</summary>
    [Range(1, 1024)]
    public int MaxParallelDeliveries { get; set; } = 16;

    /// <summary>Deliveries in flight at once to one partner, so a slow partner holds only its own lane.</summary>
    [Range(1, 256)]
    public int MaxPerPartner { get; set; } = 4;

    /// <summary>How long one webhook or e-mail may take before it counts as a (transient) failure.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Delays between attempts; N delays mean N+1 attempts (see <see cref="Payments.RetrySchedule"/>).</summary>
    public string RetrySchedule { get; set; } = Payments.RetrySchedule.Default;

    /// <summary>
    /// How long a router pass owns the payments it claimed. If the process dies, its payments are delivered by the
    /// next pass after this time, with the same webhook-id.
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Allow webhooks to loopback, private and link-local addresses (Development and tests only).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>
    /// Allow webhook URLs with plain <c>http://</c>. Off in Production, where a payment notice and its signature would
    /// cross the network readable by anyone on the path; on elsewhere unless set.
    /// </summary>
    public bool AllowPlainHttp { get; set; }

    /// <summary>
    /// An HTTP proxy for webhooks (<c>http://proxy.internal:3128</c>). Without it webhooks connect directly and the
    /// environment's HTTP_PROXY variables are ignored, so the outbound address policy sees every connection.
    /// </summary>
    public string? Proxy { get; set; }

    /// <summary>
    /// How long a rotated-out webhook secret keeps signing beside the new one (a second <c>v1,</c> signature); zero ends it
    /// at once.
    /// </summary>
    public TimeSpan SecretOverlap { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Pause a partner after this many failed attempts in a row (0: never), when they span at least
    /// <see cref="PauseAfterPeriod"/>: its payments wait as held, and one probe every <see cref="ProbeInterval"/> tests it.
    /// </summary>
    public int PauseAfterFailures { get; set; } = 20;

    public TimeSpan PauseAfterPeriod { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a new payment waits in the router's inbox before it is filed into its partner's queue (SQLite; see
    /// <see cref="RouterInbox"/>). Every lane reads the whole inbox to find its partner's payments, so the inbox is kept
    /// to this much traffic; a payment a lane takes sooner is never filed.
    /// </summary>
    public TimeSpan InboxWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Run the Hangfire server and the router in this process. Off for a process that should only serve.</summary>
    public bool RunBackgroundJobs { get; set; } = true;

    public RetrySchedule Schedule() => Payments.RetrySchedule.Parse(RetrySchedule);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Payments.RetrySchedule.TryParse(RetrySchedule, out _, out var error))
        {
            yield return new ValidationResult($"Routing:RetrySchedule: {error}", [nameof(RetrySchedule)]);
        }

        if (DeliveryTimeout <= TimeSpan.Zero || DeliveryTimeout > TimeSpan.FromMinutes(5))
        {
            yield return new ValidationResult("Routing:DeliveryTimeout must be between 0 and 5 minutes.", [nameof(DeliveryTimeout)]);
        }

        if (Proxy is not null && (!Uri.TryCreate(Proxy, UriKind.Absolute, out var proxy) || proxy.Scheme is not ("http" or "https")))
        {
            yield return new ValidationResult("Routing:Proxy must be an absolute http:// or https:// URL.", [nameof(Proxy)]);
        }

        if (PauseAfterFailures < 0 || PauseAfterPeriod < TimeSpan.Zero || ProbeInterval < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult(
                "Routing:PauseAfterFailures must be 0 or more, Routing:PauseAfterPeriod not negative, Routing:ProbeInterval at least 1 s.",
                [nameof(PauseAfterFailures)]);
        }

        if (InboxWait < TimeSpan.Zero || InboxWait > TimeSpan.FromMinutes(1))
        {
            yield return new ValidationResult("Routing:InboxWait must be between 0 and 1 minute.", [nameof(InboxWait)]);
        }

        if (SecretOverlap < TimeSpan.Zero || SecretOverlap > TimeSpan.FromDays(30))
        {
            yield return new ValidationResult("Routing:SecretOverlap must be between 0 and 30 days.", [nameof(SecretOverlap)]);
        }

        // A delivery starts only while twice its timeout is left on the claim; a third leaves room to work through a batch.
        if (ClaimLease < DeliveryTimeout * 3)
        {
            yield return new ValidationResult("Routing:ClaimLease must be at least three times Routing:DeliveryTimeout.", [nameof(ClaimLease)]);
        }
    }
}
