using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Ingestion;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Days;

/// <summary>
/// Keeps the running totals off the ingestion path: every few seconds (and on demand) it folds in the payments whose
/// bucket changed since it last counted them — new ones included — in bulk. A payment counted in bucket A and now in B
/// moves one unit from A to B on its business day; when that day is closed, the move is recorded as an adjustment of
/// today instead, so a closed day never changes. Folds take the one <see cref="TotalsLock"/> row, so folds on several
/// instances, and closes, take turns.
/// </summary>
public sealed partial class TotalsFolder(
    PaymentWriter writer, BusinessCalendar calendar, TimeProvider clock, ILogger<TotalsFolder> logger)
{
    /// <summary>
    /// Payments per transaction. Small: on SQLite each batch takes a turn in the ingestion writer's queue
    /// (<see cref="PaymentWriter.RunAsWriterAsync"/>), and the payments queued behind it wait for it.
    /// </summary>
    public const int BatchSize = 500;

    /// <summary>Folds until nothing is left to fold; returns how many batches it took.</summary>
    public async Task<int> FoldAsync(CancellationToken cancellationToken)
    {
        var folded = 0;
        while (true)
        {
            var more = false;
            await writer.RunAsWriterAsync(async db =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await LockAsync(db, cancellationToken);
                more = await FoldBatchAsync(db, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }, cancellationToken);
            folded++;
            if (!more)
            {
                LogFolded(folded);
                return folded;
            }
        }
    }

    /// <summary>
    /// Takes the totals lock for the caller's transaction. Writing first matters on SQLite: it takes the write lock
    /// at once, so what the fold then reads cannot change before it writes. On PostgreSQL the row stays locked.
    /// </summary>
    internal async Task LockAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        await db.TotalsLocks.Where(l => l.Id == TotalsLock.TheOne)
            .ExecuteUpdateAsync(set => set.SetProperty(l => l.LastFoldAtUtc, clock.GetUtcNow().UtcDateTime), cancellationToken);

    /// <summary>
    /// Folds up to <see cref="BatchSize"/> new and <see cref="BatchSize"/> changed payments inside the caller's locked
    /// transaction; true when there may be more.
    /// </summary>
    internal async Task<bool> FoldBatchAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var totalsLock = await db.TotalsLocks.SingleAsync(l => l.Id == TotalsLock.TheOne, cancellationToken);
        var (fresh, changed) = await PendingAsync(db, totalsLock.CountedThroughPaymentId, BatchSize, cancellationToken);
        if (fresh.Count + changed.Count == 0)
        {
            return false;
        }

        var today = calendar.DayOf(clock.GetUtcNow().UtcDateTime);
        var all = fresh.Concat(changed).ToList();
        var closed = await ClosedDaysAsync(db, all.Select(c => calendar.DayOf(c.ReceivedAtUtc)), cancellationToken);
        var (totals, adjustments) = TotalsDeltas.Of(all, calendar, closed, today);

        await ApplyTotalsAsync(db, totals, cancellationToken);
        await ApplyAdjustmentsAsync(db, adjustments, cancellationToken);
        if (fresh.Count > 0)
        {
            totalsLock.CountedThroughPaymentId = fresh.Max(c => c.Id);
        }

        await db.SaveChangesAsync(cancellationToken);

        // Record what was counted: the bucket and the version read. A change committed since (another instance's router)
        // raised the version again, so the payment stays unfolded and the next fold moves it on from here. A new payment
        // the SQLite writer marked as counted when it inserted it, unchanged since, needs no write at all.
        var toRecord = changed.Concat(fresh.Where(c => c.FoldedVersion != c.BucketVersion || c.FoldedBucket != TotalsBuckets.Of(c.Status)));
        foreach (var group in toRecord.GroupBy(c => (Bucket: TotalsBuckets.Of(c.Status), c.BucketVersion)))
        {
            var ids = group.Select(c => c.Id).ToList();
            var (bucket, version) = group.Key;
            await db.Payments.Where(p => ids.Contains(p.Id)).ExecuteUpdateAsync(set => set
                .SetProperty(p => p.FoldedBucket, bucket)
                .SetProperty(p => p.FoldedVersion, version), cancellationToken);
        }

        return fresh.Count == BatchSize || changed.Count == BatchSize;
    }

    /// <summary>
    /// What is not counted as it is now: on SQLite the payments past the watermark (all new ones, read by primary key),
    /// everywhere the payments whose version moved since they were counted (the partial index IX_Payments_Unfolded).
    /// New payments come back as not counted at all (<see cref="BucketChange.FoldedBucket"/> null).
    /// </summary>
    internal static async Task<(List<BucketChange> Fresh, List<BucketChange> Changed)> PendingAsync(
        PortalDbContext db, long watermark, int? limit, CancellationToken cancellationToken)
    {
        List<BucketChange> fresh = [];
        var unfolded = Unfolded(db);
        if (db.Database.IsSqlite())
        {
            var newer = db.Payments.Where(p => p.Id > watermark).OrderBy(p => p.Id);
            fresh = await (limit is { } n ? newer.Take(n) : newer).Select(BucketChange.Projection).ToListAsync(cancellationToken);
            unfolded = unfolded.Where(p => p.Id <= watermark);
        }

        unfolded = unfolded.OrderBy(p => p.Id);
        var changed = await (limit is { } m ? unfolded.Take(m) : unfolded).Select(BucketChange.Projection).ToListAsync(cancellationToken);
        return (fresh.Select(c => c with { Uncounted = true }).ToList(), changed);
    }

    /// <summary>The payments whose version moved since the totals counted them (served by the partial index IX_Payments_Unfolded).</summary>
    internal static IQueryable<Payment> Unfolded(PortalDbContext db) => db.Payments.Where(p => p.FoldedVersion != p.BucketVersion);

    internal static async Task<HashSet<DateOnly>> ClosedDaysAsync(PortalDbContext db, IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        var list = days.Distinct().ToList();
        return (await db.BusinessDays.Where(d => list.Contains(d.Day)).Select(d => d.Day).ToListAsync(cancellationToken)).ToHashSet();
    }

    private static async Task ApplyTotalsAsync(PortalDbContext db, TotalsDeltas deltas, CancellationToken cancellationToken)
    {
        if (deltas.Count == 0)
        {
            return;
        }

        var days = deltas.Keys.Select(k => k.Day).Distinct().ToList();
        var existing = await db.DayTotals.Where(t => days.Contains(t.Day)).ToDictionaryAsync(
            t => new TotalsKey(t.Day, t.Day, t.BankCode, t.PartnerAccountId, t.Currency, t.Bucket), cancellationToken);
        foreach (var (key, (count, amount)) in deltas)
        {
            if (!existing.TryGetValue(key, out var total))
            {
                total = new DayTotal
                {
                    Day = key.Day, BankCode = key.BankCode, PartnerAccountId = key.PartnerAccountId, Currency = key.Currency, Bucket = key.Bucket,
                };
                db.DayTotals.Add(total);
            }

            total.Count += count;
            total.AmountMinor += amount;
        }
    }

    private static async Task ApplyAdjustmentsAsync(PortalDbContext db, TotalsDeltas deltas, CancellationToken cancellationToken)
    {
        if (deltas.Count == 0)
        {
            return;
        }

        var days = deltas.Keys.Select(k => k.Day).Distinct().ToList();
        var existing = await db.DayAdjustments.Where(a => days.Contains(a.Day)).ToDictionaryAsync(
            a => new TotalsKey(a.Day, a.OriginDay, a.BankCode, a.PartnerAccountId, a.Currency, a.Bucket), cancellationToken);
        foreach (var (key, (count, amount)) in deltas)
        {
            if (!existing.TryGetValue(key, out var adjustment))
            {
                adjustment = new DayAdjustment
                {
                    Day = key.Day, OriginDay = key.OriginDay, BankCode = key.BankCode, PartnerAccountId = key.PartnerAccountId,
                    Currency = key.Currency, Bucket = key.Bucket,
                };
                db.DayAdjustments.Add(adjustment);
            }

            adjustment.Count += count;
            adjustment.AmountMinor += amount;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Folded the running totals in {Batches} batch(es)")]
    private partial void LogFolded(int batches);
}
