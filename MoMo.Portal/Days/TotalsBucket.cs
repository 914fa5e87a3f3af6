using MoMo.Portal.Payments;

namespace MoMo.Portal.Days;

/// <summary>
/// What the running totals count a payment as. "Held" (waiting for a disabled partner) is not a bucket: it depends on
/// the partner, not the payment, and is read from <see cref="Waiting"/> with the partner's state.
/// </summary>
public enum TotalsBucket
{
    /// <summary>Received, being delivered or retrying: on its way to the partner.</summary>
    Waiting,
    Delivered,
    Errored,
    Suspense,
    Returned,
}

public static class TotalsBuckets
{
    public static TotalsBucket Of(PaymentStatus status) => status switch
    {
        _ when PaymentRules.IsOnItsWay(status) => TotalsBucket.Waiting,
        PaymentStatus.Delivered => TotalsBucket.Delivered,
        PaymentStatus.Errored => TotalsBucket.Errored,
        PaymentStatus.Suspense => TotalsBucket.Suspense,
        PaymentStatus.Returned => TotalsBucket.Returned,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A status without a bucket."),
    };

    /// <summary>
    /// The partner a payment is counted for: none ("") while in suspense or returned, because that money is not (or
    /// never became) the partner's — which also means a repair, the one change of partner, moves a payment from "" to
    /// its partner and the totals never need to remember an earlier partner.
    /// </summary>
    public static string PartnerKey(TotalsBucket bucket, string partnerAccountId) =>
        bucket is TotalsBucket.Suspense or TotalsBucket.Returned ? "" : partnerAccountId;
}
