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

    /// <summary>Folds until nothing is left to fold; returns how many payments were folded.</summary>
    public async Task<int> FoldAsync(CancellationToken cancellationToken)
    {
        var folded = 0;
        while (true)
        {
            var batch = 0;
            await writer.RunAsWriterAsync(async db =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                await LockAsync(db, cancellationToken);
                batch = await FoldBatchAsync(db, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }, cancellationToken);
            folded += batch;
            if (batch < BatchSize)
            {
                if (folded > 0)
                {
                    LogFolded(folded);
                }

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

    /// <summary>Folds up to <see cref="BatchSize"/> payments inside the caller's locked transaction.</summary>
    internal async Task<int> FoldBatchAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var changed = await Unfolded(db).OrderBy(p => p.Id).Take(BatchSize).Select(BucketChange.Projection).ToListAsync(cancellationToken);
        if (changed.Count == 0)
        {
            return 0;
        }

        var today = calendar.DayOf(clock.GetUtcNow().UtcDateTime);
        var closed = await ClosedDaysAsync(db, changed.Select(c => calendar.DayOf(c.ReceivedAtUtc)), cancellationToken);
        var (totals, adjustments) = TotalsDeltas.Of(changed, calendar, closed, today);

        await ApplyTotalsAsync(db, totals, cancellationToken);
        await ApplyAdjustmentsAsync(db, adjustments, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);

        // Record what was counted: the bucket and the version read. A change committed since (another instance's router)
        // raised the version again, so the payment stays unfolded and the next fold moves it on from here.
        foreach (var group in changed.GroupBy(c => (Bucket: TotalsBuckets.Of(c.Status), c.BucketVersion)))
        {
            var ids = group.Select(c => c.Id).ToList();
            var (bucket, version) = group.Key;
            await db.Payments.Where(p => ids.Contains(p.Id)).ExecuteUpdateAsync(set => set
                .SetProperty(p => p.FoldedBucket, bucket)
                .SetProperty(p => p.FoldedVersion, version), cancellationToken);
        }

        return changed.Count;
    }

    /// <summary>The payments the totals have not counted as they are now (served by the partial index IX_Payments_Unfolded).</summary>
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Folded {Count} payments into the running totals")]
    private partial void LogFolded(int count);
}
