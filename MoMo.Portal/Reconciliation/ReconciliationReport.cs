using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;

namespace MoMo.Portal.Reconciliation;

/// <summary>
/// Per day, for one bank: the booked credits on its statements, the payments it notified (by bank date), how many
/// credits are matched, and the open breaks of each kind — counts and sums per currency — for the daily routine.
/// </summary>
public sealed class ReconciliationReport(IDbContextFactory<PortalDbContext> dbFactory)
{
    public async Task<List<ReportDay>> BuildAsync(string bankCode, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var credits = await (from e in db.StatementEntries.AsNoTracking()
                             join s in db.BankStatements on e.BankStatementId equals s.Id
                             where s.BankCode == bankCode && e.IsCredit && e.Status == "BOOK" && !e.IsReversal
                                   && e.BookingDate >= first && e.BookingDate <= last
                             select new { Day = e.BookingDate!.Value, e.Currency, e.AmountMinor, Matched = e.PaymentId != null,
                                 OpenBreak = e.BreakClosedAtUtc == null ? e.Break : null })
            .ToListAsync(cancellationToken);
        var (start, end) = (first.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc), last.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        var notified = await db.Payments.AsNoTracking()
            .Where(p => p.BankCode == bankCode && p.BankDateUtc >= start && p.BankDateUtc < end)
            .GroupBy(p => new { p.BankDateUtc.Date, p.Currency })
            .Select(g => new { g.Key.Date, g.Key.Currency, Count = g.Count(), Sum = g.Sum(p => p.AmountMinor) })
            .ToListAsync(cancellationToken);

        // Payments not on a statement count on their bank date.
        var gaps = await (from g in db.StatementGaps.AsNoTracking()
                          join p in db.Payments on g.PaymentId equals p.Id
                          where g.ClosedAtUtc == null && p.BankCode == bankCode && p.BankDateUtc >= start && p.BankDateUtc < end
                          select new { p.BankDateUtc, p.Currency, p.AmountMinor }).ToListAsync(cancellationToken);

        static Dictionary<string, Figure> ByCurrency(IEnumerable<(string Currency, long Amount)> lines) => lines.GroupBy(l => l.Currency)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new Figure(g.Count(), Payments.Money.Format(g.Sum(l => l.Amount), g.Key)));

        var days = Enumerable.Range(0, last.DayNumber - first.DayNumber + 1).Select(first.AddDays);
        return [.. days.Select(day =>
        {
            var onDay = credits.Where(c => c.Day == day).ToList();
            return new ReportDay(day,
                ByCurrency(onDay.Select(c => (c.Currency, c.AmountMinor))),
                notified.Where(n => DateOnly.FromDateTime(n.Date) == day).GroupBy(n => n.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => new Figure(g.Sum(n => n.Count), Payments.Money.Format(g.Sum(n => n.Sum), g.Key))),
                ByCurrency(onDay.Where(c => c.Matched).Select(c => (c.Currency, c.AmountMinor))),
                Enum.GetValues<StatementBreak>().ToDictionary(
                    BreakNames.Of,
                    kind => kind == StatementBreak.NotOnStatement
                        ? ByCurrency(gaps.Where(g => DateOnly.FromDateTime(g.BankDateUtc) == day).Select(g => (g.Currency, g.AmountMinor)))
                        : ByCurrency(onDay.Where(c => c.OpenBreak == kind).Select(c => (c.Currency, c.AmountMinor)))));
        })];
    }
}

/// <summary>A count and its sum (a decimal string in the currency).</summary>
public sealed record Figure(int Count, string Amount);

/// <summary>One day of the report: each figure per currency.</summary>
public sealed record ReportDay(DateOnly Day, Dictionary<string, Figure> Credits, Dictionary<string, Figure> Notified,
    Dictionary<string, Figure> Matched, Dictionary<string, Dictionary<string, Figure>> OpenBreaks);
