namespace MoMo.Portal.Days;

/// <summary>
/// The running total of one business day for one bank, partner ("" for none), currency and bucket: how many payments
/// received that day are in that bucket now, and their amount. Frozen once the day is closed.
/// </summary>
public sealed class DayTotal
{
    public required DateOnly Day { get; init; }
    public required string BankCode { get; init; }
    public required string PartnerAccountId { get; init; }
    public required string Currency { get; init; }
    public required TotalsBucket Bucket { get; init; }
    public long Count { get; set; }
    public long AmountMinor { get; set; }
}

/// <summary>
/// A change, folded on <see cref="Day"/>, to payments of <see cref="OriginDay"/> after that day was closed (a retry
/// delivered tomorrow, a repair, a return): signed count and amount per bucket, so that a closed day's figures never
/// change and every figure still adds up.
/// </summary>
public sealed class DayAdjustment
{
    public required DateOnly Day { get; init; }
    public required DateOnly OriginDay { get; init; }
    public required string BankCode { get; init; }
    public required string PartnerAccountId { get; init; }
    public required string Currency { get; init; }
    public required TotalsBucket Bucket { get; init; }
    public long Count { get; set; }
    public long AmountMinor { get; set; }
}

/// <summary>A closed business day: its totals are frozen; later changes to its payments are adjustments of later days.</summary>
public sealed class BusinessDay
{
    public required DateOnly Day { get; init; }
    public required DateTime ClosedAtUtc { get; init; }
    public required string ClosedBy { get; init; }
}

/// <summary>
/// The one row folds and closes lock before they change totals, so that two instances folding at once, or a fold
/// and a close, take turns: nothing is counted twice and a day never closes mid-fold.
/// </summary>
public sealed class TotalsLock
{
    public const int TheOne = 1;
    public int Id { get; init; }
    public DateTime? LastFoldAtUtc { get; set; }

    /// <summary>
    /// On SQLite: every payment with an id up to this one has been counted. Its one writer hands out ids in commit order,
    /// so the fold counts new payments by this watermark and never writes them again unless they changed; on
    /// PostgreSQL (ids from a sequence, committed in any order) it stays 0 and new payments are found by their versions.
    /// </summary>
    public long CountedThroughPaymentId { get; set; }

    /// <summary>
    /// Raised by every fold and close that takes the lock. A fold that read what to count outside the lock applies it only
    /// if the sequence it read is still current (compare-and-set), so nothing folded or closed in between is counted twice.
    /// </summary>
    public long FoldSequence { get; set; }
}
