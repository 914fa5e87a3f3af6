using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Suspense;

namespace MoMo.Portal.Components.Pages.Dashboard;

/// <summary>The numbers on the dashboard, each from one indexed query.</summary>
public sealed record DashboardStats(
    StatusCounts Today,
    StatusCounts Week,
    IReadOnlyList<(string Currency, string Amount)> AmountsByCurrency,
    IReadOnlyList<(DateTime Day, int Count)> PerDay,
    IReadOnlyList<PartnerDelivery> Partners,
    IReadOnlyList<SuspenseBalance> Suspense,
    int SuspenseOverdue)
{
    /// <summary>The numbers at <paramref name="nowUtc"/>; a payment held longer than <paramref name="suspenseAlertAfter"/> is overdue.</summary>
    public static async Task<DashboardStats> LoadAsync(
        PortalDbContext db, DateTime nowUtc, TimeSpan suspenseAlertAfter, CancellationToken cancellationToken)
    {
        var today = nowUtc.Date;
        var weekStart = today.AddDays(-6);
        var week = db.Payments.AsNoTracking().Where(p => p.ReceivedAtUtc >= weekStart);

        var byStatus = await week.GroupBy(p => new
            {
                Today = p.ReceivedAtUtc >= today,
                p.Status,
                IsActive = db.Partners.Any(partner => partner.AccountId == p.PartnerAccountId && partner.IsActive),
            })
            .Select(g => new { g.Key.Today, g.Key.Status, g.Key.IsActive, Count = g.Count() })
            .ToListAsync(cancellationToken);
        StatusCounts Count(bool todayOnly)
        {
            var rows = byStatus.Where(r => !todayOnly || r.Today).ToList();
            return new StatusCounts(
                rows.Sum(r => r.Count),
                rows.Where(r => r.Status == PaymentStatus.Delivered).Sum(r => r.Count),
                rows.Where(r => r.Status == PaymentStatus.RetryScheduled && r.IsActive).Sum(r => r.Count),
                rows.Where(r => r.Status == PaymentStatus.Errored).Sum(r => r.Count),
                rows.Where(r => r.Status is PaymentStatus.Received or PaymentStatus.RetryScheduled && !r.IsActive).Sum(r => r.Count),
                rows.Where(r => r.Status == PaymentStatus.Suspense).Sum(r => r.Count),
                rows.Where(r => r.Status == PaymentStatus.Returned).Sum(r => r.Count));
        }

        var amounts = await week.GroupBy(p => p.Currency)
            .Select(g => new { Currency = g.Key, Total = g.Sum(p => p.AmountMinor) })
            .OrderBy(a => a.Currency).ToListAsync(cancellationToken);

        var perDay = await week.GroupBy(p => p.ReceivedAtUtc.Date).Select(g => new { Day = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);

        var partners = await (from a in db.DeliveryAttempts.AsNoTracking()
                              join p in db.Payments on a.PaymentId equals p.Id
                              where a.StartedAtUtc >= weekStart
                              group a by p.PartnerAccountId into g
                              select new PartnerDelivery(g.Key, g.Count(),
                                  g.Count(a => a.Outcome == DeliveryOutcome.Delivered), g.Average(a => (double)a.DurationMs)))
            .ToListAsync(cancellationToken);

        // The whole queue, not the week: a payment held for a month is the one that matters most.
        var suspense = await SuspenseService.Balance(db).ToListAsync(cancellationToken);
        var overdueBefore = nowUtc - suspenseAlertAfter;
        var overdue = await db.Payments.CountAsync(p => p.Status == PaymentStatus.Suspense && p.ReceivedAtUtc < overdueBefore, cancellationToken);

        return new DashboardStats(
            Count(todayOnly: true), Count(todayOnly: false),
            [.. amounts.Select(a => (a.Currency, Money.Format(a.Total, a.Currency)))],
            [.. Enumerable.Range(0, 7).Select(d => weekStart.AddDays(d))
                .Select(day => (day, perDay.Where(x => x.Day == day).Sum(x => x.Count)))],
            [.. partners.OrderBy(p => p.SuccessRate).ThenBy(p => p.PartnerAccountId)],
            suspense, overdue);
    }
}

/// <summary>Payments by status; Suspense and Returned are counted apart from the delivery statuses.</summary>
public sealed record StatusCounts(int Received, int Delivered, int Retrying, int Errored, int Held, int Suspense, int Returned);

public sealed record PartnerDelivery(string PartnerAccountId, int Attempts, int Delivered, double AverageMs)
{
    public double SuccessRate => Attempts == 0 ? 1 : (double)Delivered / Attempts;
}
