using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Partners;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Components.Pages.Partners;

/// <summary>
/// A partner as the partners list shows it, with how its deliveries are going: its failure streak as the router keeps it
/// on the partner's row (<see cref="Routing.EndpointHealth"/>), and its payments waiting and errored and its last success
/// from two grouped queries — the same three queries for 5 partners or 500.
/// </summary>
public sealed record PartnerHealth(
    string AccountId, string Name, NotifyMethod NotifyMethod, string ContactPath, bool IsActive, DateTime CreatedAtUtc,
    DateTime? LastSuccessUtc, int ConsecutiveFailures, int Waiting, int Errored, string? StatementEmail = null,
    DateTime? PausedAtUtc = null, string? PauseReason = null)
{
    public static async Task<List<PartnerHealth>> LoadAsync(PortalDbContext db, string? search, CancellationToken cancellationToken)
    {
        var partners = db.Partners.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim();
            partners = partners.Where(p => p.AccountId.Contains(term) || p.Name.Contains(term));
        }

        var list = await partners.OrderBy(p => p.AccountId).Take(500).ToListAsync(cancellationToken);
        var ids = list.Select(p => p.AccountId).ToList();
        // Counted by status in the database, only the statuses shown (on its way, errored): each is a range of the
        // partner's index, where "not delivered" read all of it. The router's inbox is counted apart, by status (SQLite
        // indexes it apart), and is a moment's traffic. Which statuses are "waiting" is the rule's to say.
        var outside = db.Payments.Where(PaymentRules.OutsideInbox).Where(p => ids.Contains(p.PartnerAccountId)
            && (p.Status == PaymentStatus.Received || p.Status == PaymentStatus.RetryScheduled
                || p.Status == PaymentStatus.Delivering || p.Status == PaymentStatus.Errored));
        var inbox = db.Payments.Where(PaymentRules.InsideInbox).Where(p => ids.Contains(p.PartnerAccountId));
        var counts = new[] { await CountAsync(outside), await CountAsync(inbox) }.SelectMany(c => c)
            .Select(c => new { c.PartnerAccountId, Waiting = PaymentRules.IsOnItsWay(c.Status), Errored = c.Status == PaymentStatus.Errored, c.Count })
            .ToList();
        var lastSuccess = await (from a in db.DeliveryAttempts
                                 // A payment delivered once is never back in the router's inbox: its partner's index has it.
                                 join p in db.Payments.Where(PaymentRules.OutsideInbox) on a.PaymentId equals p.Id
                                 where ids.Contains(p.PartnerAccountId) && a.Outcome == DeliveryOutcome.Delivered
                                 group a by p.PartnerAccountId into g
                                 select new { PartnerAccountId = g.Key, At = g.Max(a => a.StartedAtUtc) })
            .ToDictionaryAsync(x => x.PartnerAccountId, x => (DateTime?)x.At, cancellationToken);
        return list.Select(p =>
        {
            var last = lastSuccess.GetValueOrDefault(p.AccountId);
            return new PartnerHealth(p.AccountId, p.Name, p.NotifyMethod, p.ContactPath, p.IsActive, p.CreatedAtUtc, last,
                p.ConsecutiveFailures,
                counts.Where(c => c.PartnerAccountId == p.AccountId && c.Waiting).Sum(c => c.Count),
                counts.Where(c => c.PartnerAccountId == p.AccountId && c.Errored).Sum(c => c.Count), p.StatementEmail,
                p.PausedAtUtc, p.PauseReason);
        }).ToList();

        Task<List<StatusCount>> CountAsync(IQueryable<Payment> payments) =>
            payments.GroupBy(p => new { p.PartnerAccountId, p.Status })
                .Select(g => new StatusCount(g.Key.PartnerAccountId, g.Key.Status, g.Count())).ToListAsync(cancellationToken);
    }

    private sealed record StatusCount(string PartnerAccountId, PaymentStatus Status, int Count);
}
