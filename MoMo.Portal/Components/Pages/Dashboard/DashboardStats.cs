using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Days;
using MoMo.Portal.Payments;
using MoMo.Portal.Suspense;

namespace MoMo.Portal.Components.Pages.Dashboard;

/// <summary>
/// The numbers on the dashboard. Counts and amounts come from the business days' running totals (a few hundred rows
/// for a week, however many payments), not from a scan of the week's payments.
/// </summary>
public sealed record DashboardStats(
    DateOnly Today,
    StatusCounts TodayCounts,
    StatusCounts Week,
    IReadOnlyList<(string Currency, string Amount)> AmountsByCurrency,
    IReadOnlyList<(DateOnly Day, long Count)> PerDay,
    IReadOnlyList<PartnerDelivery> Partners,
    IReadOnlyList<SuspenseBalance> Suspense,
    int SuspenseOverdue)
{
    /// <summary>The numbers at <paramref name="nowUtc"/>; a payment held longer than <paramref name="suspenseAlertAfter"/> is overdue.</summary>
    public static async Task<DashboardStats> LoadAsync(PortalDbContext db, DayTotalsReader totals, DateTime nowUtc,
        TimeSpan suspenseAlertAfter, CancellationToken cancellationToken)
    {
        var today = totals.Today;
        var weekStart = today.AddDays(-6);
        var days = await totals.DaysAsync(weekStart, today, cancellationToken);
        var disabled = (await db.Partners.AsNoTracking().Where(Portal.Partners.Partner.HoldsPayments).Select(p => p.AccountId).ToListAsync(cancellationToken)).ToHashSet();
        StatusCounts Count(IEnumerable<DayView> period)
        {
            var lines = period.SelectMany(d => d.Lines).ToList();
            long Sum(TotalsBucket bucket, Func<TotalsLine, bool>? where = null) =>
                lines.Where(l => l.Bucket == bucket && (where is null || where(l))).Sum(l => l.Count);
            return new StatusCounts(
                lines.Sum(l => l.Count),
                Sum(TotalsBucket.Delivered),
                Sum(TotalsBucket.Waiting, l => !disabled.Contains(l.PartnerAccountId)),
                Sum(TotalsBucket.Errored),
                Sum(TotalsBucket.Waiting, l => disabled.Contains(l.PartnerAccountId)),
                Sum(TotalsBucket.Suspense),
                Sum(TotalsBucket.Returned));
        }

        var amounts = days.SelectMany(d => d.Lines).GroupBy(l => l.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, Money.Format(g.Sum(l => l.AmountMinor), g.Key))).ToList();

        // Delivery quality needs the attempts themselves: the week's, joined to their payments' partners.
        var weekStartUtc = nowUtc.Date.AddDays(-6);
        var partners = await (from a in db.DeliveryAttempts.AsNoTracking()
                              join p in db.Payments on a.PaymentId equals p.Id
                              where a.StartedAtUtc >= weekStartUtc
                              group a by p.PartnerAccountId into g
                              select new PartnerDelivery(g.Key, g.Count(),
                                  g.Count(a => a.Outcome == DeliveryOutcome.Delivered), g.Average(a => (double)a.DurationMs)))
            .ToListAsync(cancellationToken);

        // The whole queue, not the week: a payment held for a month is the one that matters most.
        var suspense = await SuspenseService.Balance(db).ToListAsync(cancellationToken);
        var overdueBefore = nowUtc - suspenseAlertAfter;
        var overdue = await db.Payments.CountAsync(p => p.Status == PaymentStatus.Suspense && p.ReceivedAtUtc < overdueBefore, cancellationToken);

        return new DashboardStats(
            today, Count(days.Where(d => d.Day == today)), Count(days), amounts,
            [.. Enumerable.Range(0, 7).Select(d => weekStart.AddDays(d)).Select(day => (day, days.Where(x => x.Day == day).Sum(x => x.Count())))],
            [.. partners.OrderBy(p => p.SuccessRate).ThenBy(p => p.PartnerAccountId)],
            suspense, overdue);
    }
}

/// <summary>Payments by bucket; Waiting and Held split the waiting payments by whether their partner is enabled.</summary>
public sealed record StatusCounts(long Received, long Delivered, long Waiting, long Errored, long Held, long Suspense, long Returned);

public sealed record PartnerDelivery(string PartnerAccountId, int Attempts, int Delivered, double AverageMs)
{
    public double SuccessRate => Attempts == 0 ? 1 : (double)Delivered / Attempts;
}
