using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Ingestion;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Days;

/// <summary>
/// Keeps the running totals off the ingestion path: every few seconds (and on demand) it folds in the payments whose
/// bucket changed since it last counted them — new ones included — in bulk. A payment counted in bucket A and now in B
/// moves one unit from A to B on its business day; when that day is closed, the move is recorded as an adjustment of
/// today instead, so a closed day never changes.
/// <para>
/// A fold reads what to count in a snapshot outside any lock (readers never make the SQLite writer wait), then takes its
/// turn in the ingestion writer's queue only to write the few total rows it changed, by compare-and-set on
/// <see cref="TotalsLock.FoldSequence"/>: if another fold or a close took the lock since the snapshot, the plan is
/// dropped and made again. Closes fold inside their own locked transaction.
/// </para>
/// </summary>
public sealed partial class TotalsFolder(
    IDbContextFactory<PortalDbContext> dbFactory, PaymentWriter writer, BusinessCalendar calendar, TimeProvider clock, ILogger<TotalsFolder> logger)
{
    /// <summary>New payments counted per writer turn: reading them costs the writer nothing, and their totals are a few rows.</summary>
    public const int FreshPerTurn = 20_000;

    /// <summary>
    /// Changed payments counted per writer turn. Each is written again (what the totals counted it as), so a turn stays
    /// short: the payments queued behind it wait for it.
    /// </summary>
    public const int ChangedPerTurn = 500;

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Folds until nothing is left to fold; returns how many writer turns it took.</summary>
    public async Task<int> FoldAsync(CancellationToken cancellationToken)
    {
        // One fold at a time in this process; folds in other processes are caught by the compare-and-set.
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var turns = 0;
            while (true)
            {
                FoldPlan plan;
                await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
                await using (await ReadSnapshot.BeginAsync(db, cancellationToken))
                {
                    plan = await PlanAsync(db, FreshPerTurn, cancellationToken);
                }

                if (plan.IsEmpty)
                {
                    LogFolded(turns);
                    return turns;
                }

                await writer.RunAsWriterAsync(async db =>
                {
                    await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                    if (!await TryLockAsync(db, plan.Sequence, cancellationToken))
                    {
                        // Someone folded or closed since the snapshot: this plan may count twice. Read again inside the lock.
                        await LockAsync(db, cancellationToken);
                        plan = await PlanAsync(db, ChangedPerTurn, cancellationToken);
                    }

                    await ApplyAsync(db, plan, cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }, cancellationToken);
                turns++;
                if (!plan.More)
                {
                    LogFolded(turns);
                    return turns;
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Takes the totals lock for the caller's transaction and raises the fold sequence. Writing first matters on SQLite:
    /// it takes the write lock at once, so what the caller then reads cannot change before it writes. On PostgreSQL the
    /// row stays locked.
    /// </summary>
    internal async Task LockAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        await db.TotalsLocks.Where(l => l.Id == TotalsLock.TheOne).ExecuteUpdateAsync(set => set
            .SetProperty(l => l.LastFoldAtUtc, clock.GetUtcNow().UtcDateTime)
            .SetProperty(l => l.FoldSequence, l => l.FoldSequence + 1), cancellationToken);

    /// <summary>Takes the totals lock only if nobody took it since <paramref name="sequence"/> was read.</summary>
    private async Task<bool> TryLockAsync(PortalDbContext db, long sequence, CancellationToken cancellationToken) =>
        await db.TotalsLocks.Where(l => l.Id == TotalsLock.TheOne && l.FoldSequence == sequence).ExecuteUpdateAsync(set => set
            .SetProperty(l => l.LastFoldAtUtc, clock.GetUtcNow().UtcDateTime)
            .SetProperty(l => l.FoldSequence, sequence + 1), cancellationToken) == 1;

    /// <summary>
    /// Folds one batch inside the caller's locked transaction (<see cref="LockAsync"/>), as a close does before it
    /// freezes its day; true when there may be more.
    /// </summary>
    internal async Task<bool> FoldBatchAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var plan = await PlanAsync(db, FreshPerTurn, cancellationToken);
        await ApplyAsync(db, plan, cancellationToken);
        return plan.More;
    }

    /// <summary>What folding the pending payments would write, read from <paramref name="db"/>'s snapshot or locked transaction.</summary>
    private async Task<FoldPlan> PlanAsync(PortalDbContext db, int freshLimit, CancellationToken cancellationToken)
    {
        var totalsLock = await db.TotalsLocks.AsNoTracking().SingleAsync(l => l.Id == TotalsLock.TheOne, cancellationToken);
        var (fresh, changed) = await PendingAsync(db, totalsLock.CountedThroughPaymentId, freshLimit, ChangedPerTurn, cancellationToken);
        // A new payment that moved before the fold saw it (the router delivers most within milliseconds) is written again
        // like a changed one, so it counts against the same limit: at 3,000 payments/s with the router on, a turn of
        // 20,000 new payments wrote ~15,000 rows and held the writer for 660 ms while banks waited (docs/BENCHMARKS.md).
        var within = CountWithinWrites(fresh, ChangedPerTurn - changed.Count);
        var more = within < fresh.Count;
        fresh = fresh[..within];
        var all = fresh.Concat(changed).ToList();
        var closed = await ClosedDaysAsync(db, all.Select(c => calendar.DayOf(c.ReceivedAtUtc)), cancellationToken);
        var (totals, adjustments) = TotalsDeltas.Of(all, calendar, closed, calendar.DayOf(clock.GetUtcNow().UtcDateTime));

        // Record what was counted: the bucket and the version read. A change committed since (another instance's router)
        // raised the version again, so the payment stays unfolded and the next fold moves it on from here. A new payment
        // the SQLite writer marked as counted when it inserted it, unchanged since, needs no write at all.
        var toRecord = changed.Concat(fresh.Where(NeedsRecord))
            .GroupBy(c => (Bucket: TotalsBuckets.Of(c.Status), c.BucketVersion))
            .Select(g => new CountedAs(g.Key.Bucket, g.Key.BucketVersion, [.. g.Select(c => c.Id)])).ToList();
        return new FoldPlan(totalsLock.FoldSequence, fresh.Count > 0 ? fresh[^1].Id : null, totals, adjustments, toRecord,
            More: more || fresh.Count == freshLimit || changed.Count == ChangedPerTurn);
    }

    /// <summary>How many of the new payments, in id order, fold with at most <paramref name="writes"/> of them written again.</summary>
    private static int CountWithinWrites(List<BucketChange> fresh, int writes)
    {
        var count = 0;
        foreach (var payment in fresh)
        {
            if (NeedsRecord(payment) && writes-- <= 0)
            {
                break;
            }

            count++;
        }

        return count;
    }

    /// <summary>A new payment is marked as counted when it is inserted; only one that changed since must be written again.</summary>
    private static bool NeedsRecord(BucketChange payment) =>
        payment.FoldedVersion != payment.BucketVersion || payment.FoldedBucket != TotalsBuckets.Of(payment.Status);

    private static async Task ApplyAsync(PortalDbContext db, FoldPlan plan, CancellationToken cancellationToken)
    {
        await TotalsUpsert.AddAsync(db, "DayTotals", plan.Totals, withOrigin: false, cancellationToken);
        await TotalsUpsert.AddAsync(db, "DayAdjustments", plan.Adjustments, withOrigin: true, cancellationToken);
        if (plan.Watermark is { } watermark)
        {
            await db.TotalsLocks.Where(l => l.Id == TotalsLock.TheOne)
                .ExecuteUpdateAsync(set => set.SetProperty(l => l.CountedThroughPaymentId, watermark), cancellationToken);
        }

        foreach (var (bucket, version, ids) in plan.ToRecord)
        {
            await db.Payments.Where(p => ids.Contains(p.Id)).ExecuteUpdateAsync(set => set
                .SetProperty(p => p.FoldedBucket, bucket)
                .SetProperty(p => p.FoldedVersion, version), cancellationToken);
        }
    }

    /// <summary>
    /// What is not counted as it is now: on SQLite the payments past the watermark (all new ones, read by primary key),
    /// everywhere the payments whose version moved since they were counted (the partial index IX_Payments_Unfolded).
    /// New payments come back as not counted at all (<see cref="BucketChange.FoldedBucket"/> null).
    /// </summary>
    internal static async Task<(List<BucketChange> Fresh, List<BucketChange> Changed)> PendingAsync(
        PortalDbContext db, long watermark, int? freshLimit, int? changedLimit, CancellationToken cancellationToken)
    {
        List<BucketChange> fresh = [];
        var unfolded = Unfolded(db);
        if (db.Database.IsSqlite())
        {
            var newer = db.Payments.Where(p => p.Id > watermark).OrderBy(p => p.Id);
            fresh = await (freshLimit is { } n ? newer.Take(n) : newer).Select(BucketChange.Projection).ToListAsync(cancellationToken);
            unfolded = unfolded.Where(p => p.Id <= watermark);
        }

        unfolded = unfolded.OrderBy(p => p.Id);
        var changed = await (changedLimit is { } m ? unfolded.Take(m) : unfolded).Select(BucketChange.Projection).ToListAsync(cancellationToken);
        return (fresh.Select(c => c with { Uncounted = true }).ToList(), changed);
    }

    /// <summary>The payments whose version moved since the totals counted them (served by the partial index IX_Payments_Unfolded).</summary>
    internal static IQueryable<Payment> Unfolded(PortalDbContext db) => db.Payments.Where(p => p.FoldedVersion != p.BucketVersion);

    internal static async Task<HashSet<DateOnly>> ClosedDaysAsync(PortalDbContext db, IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        var list = days.Distinct().ToList();
        return (await db.BusinessDays.Where(d => list.Contains(d.Day)).Select(d => d.Day).ToListAsync(cancellationToken)).ToHashSet();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Folded the running totals in {Turns} writer turn(s)")]
    private partial void LogFolded(int turns);

    /// <summary>What one fold writes: the deltas, the new watermark, and what each changed payment was counted as.</summary>
    private sealed record FoldPlan(long Sequence, long? Watermark, TotalsDeltas Totals, TotalsDeltas Adjustments, List<CountedAs> ToRecord, bool More)
    {
        public bool IsEmpty => Watermark is null && Totals.Count == 0 && Adjustments.Count == 0 && ToRecord.Count == 0;
    }

    private sealed record CountedAs(TotalsBucket Bucket, int Version, List<long> Ids);
}
