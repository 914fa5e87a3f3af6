using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;

namespace MoMo.Portal.Days;

/// <summary>
/// Business days' figures, exact at any moment: the folded totals plus what folding the few unfolded payments would
/// add, read in one snapshot. A closed day shows its frozen totals; what changed later is in the adjustments.
/// </summary>
public sealed class DayTotalsReader(IDbContextFactory<PortalDbContext> dbFactory, BusinessCalendar calendar, TimeProvider clock)
{
    /// <summary>The days from <paramref name="from"/> to <paramref name="to"/> (inclusive) that have figures or were closed, newest first.</summary>
    public async Task<List<DayView>> DaysAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // One snapshot for the stored totals and the unfolded tail: a fold committing in between cannot count twice.
        await using var snapshot = await ReadSnapshot.BeginAsync(db, cancellationToken);
        var totals = await db.DayTotals.AsNoTracking().Where(t => t.Day >= from && t.Day <= to).ToListAsync(cancellationToken);
        var adjustments = await db.DayAdjustments.AsNoTracking()
            .Where(a => (a.Day >= from && a.Day <= to) || (a.OriginDay >= from && a.OriginDay <= to)).ToListAsync(cancellationToken);
        var closed = await db.BusinessDays.AsNoTracking().Where(d => d.Day >= from && d.Day <= to).ToDictionaryAsync(d => d.Day, cancellationToken);
        var watermark = await db.TotalsLocks.Where(l => l.Id == TotalsLock.TheOne).Select(l => l.CountedThroughPaymentId).SingleAsync(cancellationToken);
        var (fresh, changed) = await TotalsFolder.PendingAsync(db, watermark, null, null, cancellationToken);
        var tail = fresh.Concat(changed).ToList();
        var tailClosed = await TotalsFolder.ClosedDaysAsync(db, tail.Select(c => calendar.DayOf(c.ReceivedAtUtc)), cancellationToken);

        var (tailTotals, tailAdjustments) = TotalsDeltas.Of(tail, calendar, tailClosed, calendar.DayOf(clock.GetUtcNow().UtcDateTime));
        var lines = totals.GroupBy(t => t.Day).ToDictionary(g => g.Key,
            g => g.ToDictionary(t => (t.BankCode, t.PartnerAccountId, t.Currency, t.Bucket), t => (t.Count, t.AmountMinor)));
        foreach (var (key, (count, amount)) in tailTotals.Where(d => d.Key.Day >= from && d.Key.Day <= to))
        {
            if (!lines.TryGetValue(key.Day, out var day))
            {
                lines[key.Day] = day = [];
            }

            var line = (key.BankCode, key.PartnerAccountId, key.Currency, key.Bucket);
            day.TryGetValue(line, out var sum);
            day[line] = (sum.Count + count, sum.AmountMinor + amount);
        }

        var allAdjustments = adjustments.Select(a => new AdjustmentLine(a.Day, a.OriginDay, a.BankCode, a.PartnerAccountId, a.Currency, a.Bucket, a.Count, a.AmountMinor))
            .Concat(tailAdjustments.Select(d => new AdjustmentLine(d.Key.Day, d.Key.OriginDay, d.Key.BankCode, d.Key.PartnerAccountId,
                d.Key.Currency, d.Key.Bucket, d.Value.Count, d.Value.Amount)))
            .GroupBy(a => a with { Count = 0, AmountMinor = 0 })
            .Select(g => g.Key with { Count = g.Sum(a => a.Count), AmountMinor = g.Sum(a => a.AmountMinor) })
            .Where(a => a.Count != 0 || a.AmountMinor != 0)
            .OrderBy(a => a.Day).ThenBy(a => a.OriginDay).ThenBy(a => a.BankCode, StringComparer.Ordinal)
            .ThenBy(a => a.PartnerAccountId, StringComparer.Ordinal).ThenBy(a => a.Currency, StringComparer.Ordinal).ThenBy(a => a.Bucket)
            .ToList();

        // A day is listed when payments were received on it, when it was closed, or when adjustments were made on it.
        var listed = lines.Keys.Concat(closed.Keys).Concat(allAdjustments.Select(a => a.Day).Where(d => d >= from && d <= to));
        return [.. listed.Distinct().OrderDescending().Select(day => new DayView(
            day, closed.GetValueOrDefault(day),
            [.. (lines.GetValueOrDefault(day) ?? []).Where(l => l.Value.Count != 0 || l.Value.AmountMinor != 0)
                .Select(l => new TotalsLine(l.Key.BankCode, l.Key.PartnerAccountId, l.Key.Currency, l.Key.Bucket, l.Value.Count, l.Value.AmountMinor))
                .OrderBy(l => l.BankCode, StringComparer.Ordinal).ThenBy(l => l.PartnerAccountId, StringComparer.Ordinal)
                .ThenBy(l => l.Currency, StringComparer.Ordinal).ThenBy(l => l.Bucket)],
            [.. allAdjustments.Where(a => a.Day == day)],
            [.. allAdjustments.Where(a => a.OriginDay == day)]))];
    }

    /// <summary>One day's figures (empty when nothing was received that day).</summary>
    public async Task<DayView> DayAsync(DateOnly day, CancellationToken cancellationToken) =>
        (await DaysAsync(day, day, cancellationToken)).SingleOrDefault() ?? new DayView(day, null, [], [], []);

    /// <summary>The business day of now.</summary>
    public DateOnly Today => calendar.DayOf(clock.GetUtcNow().UtcDateTime);
}

/// <summary>A business day: open (<see cref="Closed"/> null) or closed, its totals, and the adjustments made on it and to it.</summary>
public sealed record DayView(DateOnly Day, BusinessDay? Closed, List<TotalsLine> Lines, List<AdjustmentLine> AdjustmentsMade,
    List<AdjustmentLine> AdjustmentsToThisDay)
{
    public bool IsClosed => Closed is not null;

    /// <summary>Count and amount per currency of <paramref name="bucket"/> (all buckets when null).</summary>
    public IEnumerable<(string Currency, long Count, long AmountMinor)> ByCurrency(TotalsBucket? bucket = null) =>
        Lines.Where(l => bucket is null || l.Bucket == bucket).GroupBy(l => l.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Sum(l => l.Count), g.Sum(l => l.AmountMinor)));

    public long Count(TotalsBucket? bucket = null) => Lines.Where(l => bucket is null || l.Bucket == bucket).Sum(l => l.Count);
}

public sealed record TotalsLine(string BankCode, string PartnerAccountId, string Currency, TotalsBucket Bucket, long Count, long AmountMinor);

public sealed record AdjustmentLine(DateOnly Day, DateOnly OriginDay, string BankCode, string PartnerAccountId, string Currency,
    TotalsBucket Bucket, long Count, long AmountMinor);
