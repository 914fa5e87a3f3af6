namespace MoMo.Portal.Payments;

/// <summary>Where a payment is on its way to the partner.</summary>
public enum PaymentStatus
{
    /// <summary>Stored and due for its first delivery.</summary>
    Received,

    /// <summary>Claimed by a router pass that is delivering it now.</summary>
    Delivering,

    /// <summary>The partner acknowledged it; never sent again by the router.</summary>
    Delivered,

    /// <summary>An attempt failed transiently; the next one is due at <see cref="Payment.NextAttemptAtUtc"/>.</summary>
    RetryScheduled,

    /// <summary>Delivery failed permanently or ran out of attempts; waits for staff to retry.</summary>
    Errored,
}
