namespace MoMo.Portal.Payments;

/// <summary>One try at handing a payment to its partner, kept whatever the outcome.</summary>
public sealed class DeliveryAttempt
{
    public const int MaxTargetLength = 2048;
    public const int MaxExcerptLength = 2048;
    public const int MaxSmtpReplyLength = 512;

    /// <summary><see cref="TriggeredBy"/> for an attempt the router made on its own schedule.</summary>
    public const string RouterTrigger = "router";

    public long Id { get; private set; }
    public required long PaymentId { get; init; }
    public required int Number { get; init; }
    public required DateTime StartedAtUtc { get; init; }
    public required int DurationMs { get; init; }
    public required DeliveryChannel Channel { get; init; }

    /// <summary>The webhook URL or e-mail address the attempt went to.</summary>
    public required string Target { get; init; }

    public required DeliveryOutcome Outcome { get; init; }
    public int? HttpStatus { get; init; }
    public string? SmtpReply { get; init; }
    public string? Error { get; init; }
    public string? ResponseExcerpt { get; init; }

    /// <summary>"router" for the scheduled router, otherwise the staff user who asked.</summary>
    public required string TriggeredBy { get; init; }
}

public enum DeliveryChannel
{
    Webhook,
    Email,
}

public enum DeliveryOutcome
{
    Delivered,

    /// <summary>Failed in a way that may pass later (timeout, 5xx, 429, connection refused, SMTP 4xx).</summary>
    TransientFailure,

    /// <summary>Failed in a way retrying will not fix (410, other 4xx, SMTP 5xx).</summary>
    PermanentFailure,
}
