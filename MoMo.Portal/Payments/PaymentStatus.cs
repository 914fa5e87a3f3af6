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

    /// <summary>
    /// Held because it names an unknown payer or partner (the bank's policy is to hold, not reject); never delivered
    /// until staff repair it under two-person approval (see <c>Suspense.SuspenseCase</c>).
    /// </summary>
    Suspense,

    /// <summary>Sent back to the bank from suspense, under two-person approval: final, never delivered.</summary>
    Returned,
}
