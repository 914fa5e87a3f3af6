using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Days;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Statements;

/// <summary>
/// What was paid to a partner over closed business days. Built only from facts that never change — a payment's amount,
/// payer and ids, and the time of its first acknowledged delivery — so the same statement built again is the same, byte
/// for byte: a payment delivered by its day's close is on the statement; one delivered later is listed apart as an
/// adjustment, up to <c>asOf</c> (by default the last close of the period).
/// </summary>
public sealed class PartnerStatements(IDbContextFactory<PortalDbContext> dbFactory, BusinessCalendar calendar)
{
    public async Task<ChangeResult<PartnerStatement>> BuildAsync(
        string partnerAccountId, DateOnly from, DateOnly to, DateTime? asOfUtc, CancellationToken cancellationToken)
    {
        if (from > to)
        {
            return ChangeResult<PartnerStatement>.Failure("Period", $"The period starts ({from:yyyy-MM-dd}) after it ends ({to:yyyy-MM-dd}).");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var partner = await db.Partners.AsNoTracking().SingleOrDefaultAsync(p => p.AccountId == partnerAccountId, cancellationToken);
        if (partner is null)
        {
            return ChangeResult<PartnerStatement>.Failure("Partner", $"No partner has the account number '{partnerAccountId}'.");
        }

        var closes = await db.BusinessDays.AsNoTracking().Where(d => d.Day >= from && d.Day <= to)
            .ToDictionaryAsync(d => d.Day, d => d.ClosedAtUtc, cancellationToken);
        var open = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(from.AddDays).Where(d => !closes.ContainsKey(d)).ToList();
        if (open.Count > 0)
        {
            return ChangeResult<PartnerStatement>.Failure("Period",
                $"A statement covers closed business days only, and {string.Join(", ", open.Take(5).Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))}" +
                $"{(open.Count > 5 ? $" and {open.Count - 5} more" : "")} {(open.Count == 1 ? "is" : "are")} open. Close {(open.Count == 1 ? "it" : "them")} first.");
        }

        // The command line and the download both hand the time through as given; it is made UTC here, once.
        var asOf = asOfUtc is { } at ? DateTime.SpecifyKind(at.ToUniversalTime(), DateTimeKind.Utc) : closes.Values.Max();
        var start = calendar.StartUtc(from);
        var end = calendar.EndUtc(to);
        // Delivered payments are never in the router's inbox: saying so lets SQLite read the partner's index.
        var rows = await (from p in db.Payments.AsNoTracking().Where(PaymentRules.OutsideInbox)
                          where p.PartnerAccountId == partnerAccountId && p.ReceivedAtUtc >= start && p.ReceivedAtUtc < end
                          let delivered = db.DeliveryAttempts.Where(a => a.PaymentId == p.Id && a.Outcome == DeliveryOutcome.Delivered)
                              .Min(a => (DateTime?)a.StartedAtUtc)
                          where delivered != null && delivered <= asOf
                          select new { p.Id, p.BankReference, p.PayerId, p.AmountMinor, p.Currency, p.ReceivedAtUtc, Delivered = delivered!.Value, p.DeliveryId })
            .ToListAsync(cancellationToken);

        var lines = rows.Select(r =>
        {
            var day = calendar.DayOf(r.ReceivedAtUtc);
            return new StatementLine(day, r.Id, r.BankReference, r.PayerId, r.AmountMinor, r.Currency, r.ReceivedAtUtc, r.Delivered,
                r.DeliveryId, Adjustment: r.Delivered > closes[day]);
        }).OrderBy(l => l.Adjustment).ThenBy(l => l.Day).ThenBy(l => l.ReceivedAtUtc).ThenBy(l => l.PaymentId).ToList();
        return ChangeResult<PartnerStatement>.Success(new PartnerStatement(partner.AccountId, partner.Name, from, to, asOf, lines));
    }
}

/// <summary>A partner's statement: the payments delivered by their day's close, then the adjustments.</summary>
public sealed record PartnerStatement(string PartnerAccountId, string PartnerName, DateOnly From, DateOnly To, DateTime AsOfUtc,
    IReadOnlyList<StatementLine> Lines)
{
    /// <summary>Count and amount per currency of the payments (<paramref name="adjustments"/> false) or of the adjustments.</summary>
    public IEnumerable<(string Currency, int Count, long AmountMinor)> Totals(bool adjustments) =>
        Lines.Where(l => l.Adjustment == adjustments).GroupBy(l => l.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count(), g.Sum(l => l.AmountMinor)));
}

/// <summary>One payment on a statement; <see cref="Adjustment"/> when first delivered after its business day closed.</summary>
public sealed record StatementLine(DateOnly Day, long PaymentId, string? TransactionId, string PayerId, long AmountMinor, string Currency,
    DateTime ReceivedAtUtc, DateTime DeliveredAtUtc, string DeliveryId, bool Adjustment);
