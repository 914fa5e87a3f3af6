using System.Linq.Expressions;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Days;

/// <summary>A payment whose bucket the totals have not counted as it is now, as the fold (and the exact reader) sees it.</summary>
internal sealed record BucketChange(long Id, string BankCode, string PartnerAccountId, string Currency, long AmountMinor,
    DateTime ReceivedAtUtc, PaymentStatus Status, int BucketVersion, int FoldedVersion, TotalsBucket? FoldedBucket)
{
    public static readonly Expression<Func<Payment, BucketChange>> Projection = p => new BucketChange(
        p.Id, p.BankCode, p.PartnerAccountId, p.Currency, p.AmountMinor, p.ReceivedAtUtc, p.Status, p.BucketVersion,
        p.FoldedVersion, p.FoldedBucket);

    /// <summary>Not in the totals at all yet (a new payment past the watermark), whatever its columns say.</summary>
    public bool Uncounted { get; init; }

    /// <summary>The bucket the totals count the payment in now; null when they do not count it.</summary>
    public TotalsBucket? CountedIn => Uncounted ? null : FoldedBucket;
}

/// <summary>Where a delta is counted: the day, the day its payments were received (the same, for totals), and the rest.</summary>
internal sealed record TotalsKey(DateOnly Day, DateOnly OriginDay, string BankCode, string PartnerAccountId, string Currency, TotalsBucket Bucket);

/// <summary>Signed counts and amounts per key.</summary>
internal sealed class TotalsDeltas : Dictionary<TotalsKey, (long Count, long Amount)>
{
    public void Add(TotalsKey key, long count, long amount)
    {
        TryGetValue(key, out var sum);
        this[key] = (sum.Count + count, sum.Amount + amount);
    }

    /// <summary>
    /// What folding <paramref name="changes"/> does: each payment moves one unit from the bucket it was counted in to
    /// the one it is in now — on its business day while that day is open, as an adjustment of <paramref name="today"/>
    /// once its day is <paramref name="closed"/>. The fold writes this; the reader adds it to the stored totals.
    /// </summary>
    public static (TotalsDeltas Totals, TotalsDeltas Adjustments) Of(
        IEnumerable<BucketChange> changes, BusinessCalendar calendar, IReadOnlySet<DateOnly> closed, DateOnly today)
    {
        var totals = new TotalsDeltas();
        var adjustments = new TotalsDeltas();
        foreach (var change in changes)
        {
            var bucket = TotalsBuckets.Of(change.Status);
            if (bucket == change.CountedIn)
            {
                continue;
            }

            var day = calendar.DayOf(change.ReceivedAtUtc);
            var (deltas, countedOn) = closed.Contains(day) ? (adjustments, today) : (totals, day);
            if (change.CountedIn is { } before)
            {
                deltas.Add(new TotalsKey(countedOn, day, change.BankCode, TotalsBuckets.PartnerKey(before, change.PartnerAccountId),
                    change.Currency, before), -1, -change.AmountMinor);
            }

            deltas.Add(new TotalsKey(countedOn, day, change.BankCode, TotalsBuckets.PartnerKey(bucket, change.PartnerAccountId),
                change.Currency, bucket), 1, change.AmountMinor);
        }

        return (totals, adjustments);
    }
}
