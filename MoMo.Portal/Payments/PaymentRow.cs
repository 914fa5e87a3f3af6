using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Partners;

namespace MoMo.Portal.Payments;

/// <summary>One line of the payments list; <see cref="PartnerName"/> is null when the partner does not exist (suspense).</summary>
public sealed record PaymentRow(
    long Id, DateTime ReceivedAtUtc, DateTime BankDateUtc, string BankCode, string? BankReference, string PayerId,
    string PartnerAccountId, string? PartnerName, long AmountMinor, string Currency, PaymentStatus Status, bool PartnerHoldsPayments,
    int AttemptCount, string? LastError)
{
    /// <summary>Shown as "Held" (<see cref="PaymentRules.IsHeld(PaymentStatus, bool)"/>).</summary>
    public bool Held => PaymentRules.IsHeld(Status, PartnerHoldsPayments);

    public string Amount => Money.Format(AmountMinor, Currency);

    /// <summary>
    /// A row per payment, with its partner's name looked up in <paramref name="partners"/> (by primary key, only for
    /// the rows read).
    /// </summary>
    public static Expression<Func<Payment, PaymentRow>> Projection(IQueryable<Partner> partners) => p => new PaymentRow(
        p.Id, p.ReceivedAtUtc, p.BankDateUtc, p.BankCode, p.BankReference, p.PayerId, p.PartnerAccountId,
        partners.Where(partner => partner.AccountId == p.PartnerAccountId).Select(partner => partner.Name).FirstOrDefault(),
        p.AmountMinor, p.Currency, p.Status,
        partners.Any(partner => partner.AccountId == p.PartnerAccountId && (!partner.IsActive || partner.PausedAtUtc != null)),
        p.AttemptCount, p.LastError);

    /// <summary>Sorts by a grid column; every sortable column has an index.</summary>
    public static IQueryable<Payment> Sort(IQueryable<Payment> payments, string? column, bool descending) => column switch
    {
        nameof(Id) => descending ? payments.OrderByDescending(p => p.Id) : payments.OrderBy(p => p.Id),
        nameof(PartnerAccountId) => descending
            ? payments.OrderByDescending(p => p.PartnerAccountId).ThenByDescending(p => p.ReceivedAtUtc)
            : payments.OrderBy(p => p.PartnerAccountId).ThenBy(p => p.ReceivedAtUtc),
        nameof(PayerId) => descending
            ? payments.OrderByDescending(p => p.PayerId).ThenByDescending(p => p.ReceivedAtUtc)
            : payments.OrderBy(p => p.PayerId).ThenBy(p => p.ReceivedAtUtc),
        nameof(Status) => descending
            ? payments.OrderByDescending(p => p.Status).ThenByDescending(p => p.NextAttemptAtUtc)
            : payments.OrderBy(p => p.Status).ThenBy(p => p.NextAttemptAtUtc),
        nameof(Amount) => descending
            ? payments.OrderByDescending(p => p.Currency).ThenByDescending(p => p.AmountMinor)
            : payments.OrderBy(p => p.Currency).ThenBy(p => p.AmountMinor),
        nameof(ReceivedAtUtc) when !descending => payments.OrderBy(p => p.ReceivedAtUtc).ThenBy(p => p.Id),
        _ => payments.OrderByDescending(p => p.ReceivedAtUtc).ThenByDescending(p => p.Id),
    };

    /// <summary>One page of the payments list and the number of payments matching the filter: what the page shows.</summary>
    public static async Task<(List<PaymentRow> Rows, int Total)> PageAsync(
        PortalDbContext db, PaymentFilter filter, string? sortBy, bool descending, int page, int pageSize,
        CancellationToken cancellationToken)
    {
        var payments = filter.Apply(db.Payments.AsNoTracking(), db.Partners);
        var total = await payments.CountAsync(cancellationToken);
        var rows = await Sort(payments, sortBy, descending).Skip(page * pageSize).Take(pageSize)
            .Select(Projection(db.Partners)).ToListAsync(cancellationToken);
        return (rows, total);
    }
}
