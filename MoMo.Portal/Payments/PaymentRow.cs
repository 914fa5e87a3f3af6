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

    /// <summary>
    /// Sorts by a grid column; every sortable column has an index, on the payments or, for payer and amount on SQLite,
    /// on their <see cref="PaymentKey"/>s (<see cref="PageAsync"/> merges those with the tail sorted here).
    /// </summary>
    public static IQueryable<Payment> Sort(IQueryable<Payment> payments, string? column, bool descending) => column switch
    {
        nameof(Id) => descending ? payments.OrderByDescending(p => p.Id) : payments.OrderBy(p => p.Id),
        // By partner, in the halves SQLite indexes apart: it merges the partner's index, in order, with the few payments
        // in the router's inbox, sorted; as one query it sorted every payment.
        nameof(PartnerAccountId) => PaymentRules.InHalves(payments) is var halves && descending
            ? halves.OrderByDescending(p => p.PartnerAccountId).ThenByDescending(p => p.ReceivedAtUtc)
            : halves.OrderBy(p => p.PartnerAccountId).ThenBy(p => p.ReceivedAtUtc),
        nameof(PayerId) => descending
            ? payments.OrderByDescending(p => p.PayerId).ThenByDescending(p => p.Id)
            : payments.OrderBy(p => p.PayerId).ThenBy(p => p.Id),
        nameof(Status) => descending
            ? payments.OrderByDescending(p => p.Status).ThenByDescending(p => p.NextAttemptAtUtc)
            : payments.OrderBy(p => p.Status).ThenBy(p => p.NextAttemptAtUtc),
        nameof(Amount) => descending
            ? payments.OrderByDescending(p => p.Currency).ThenByDescending(p => p.AmountMinor).ThenByDescending(p => p.Id)
            : payments.OrderBy(p => p.Currency).ThenBy(p => p.AmountMinor).ThenBy(p => p.Id),
        nameof(ReceivedAtUtc) when !descending => payments.OrderBy(p => p.ReceivedAtUtc).ThenBy(p => p.Id),
        _ => payments.OrderByDescending(p => p.ReceivedAtUtc).ThenByDescending(p => p.Id),
    };

    /// <summary>One page of the payments list and the number of payments matching the filter: what the page shows.</summary>
    public static async Task<(List<PaymentRow> Rows, int Total)> PageAsync(
        PortalDbContext db, PaymentFilter filter, string? sortBy, bool descending, int page, int pageSize,
        CancellationToken cancellationToken)
    {
        var keys = await PaymentKeys.ReadAsync(db, cancellationToken);
        var payments = filter.Apply(db.Payments.AsNoTracking(), db.Partners, keys);
        var total = await payments.CountAsync(cancellationToken);
        if (keys.Keys is not null && sortBy is nameof(PayerId) or nameof(Amount))
        {
            return (await ByKeyAsync(db, payments, keys, sortBy, descending, page * pageSize, pageSize, cancellationToken), total);
        }

        var rows = await Sort(payments, sortBy, descending).Skip(page * pageSize).Take(pageSize)
            .Select(Projection(db.Partners)).ToListAsync(cancellationToken);
        return (rows, total);
    }

    /// <summary>
    /// Sorted by payer or amount on SQLite: the first <paramref name="skip"/> + <paramref name="take"/> keyed payments in
    /// the key index's order, merged with as many of the tail (<see cref="PaymentKeys.Tail"/>) sorted by the payments'
    /// own columns: the same order either way, so the page is exact.
    /// </summary>
    private static async Task<List<PaymentRow>> ByKeyAsync(PortalDbContext db, IQueryable<Payment> payments, PaymentKeys keys,
        string sortBy, bool descending, int skip, int take, CancellationToken cancellationToken)
    {
        var keyed = from k in keys.Keys!
                    join p in payments.Where(keys.KeyCurrent()) on k.PaymentId equals p.Id
                    select new { k.PayerId, k.Currency, k.AmountMinor, k.PaymentId, Payment = p };
        var ordered = (sortBy, descending) switch
        {
            (nameof(PayerId), false) => keyed.OrderBy(x => x.PayerId).ThenBy(x => x.PaymentId),
            (nameof(PayerId), true) => keyed.OrderByDescending(x => x.PayerId).ThenByDescending(x => x.PaymentId),
            (_, false) => keyed.OrderBy(x => x.Currency).ThenBy(x => x.AmountMinor).ThenBy(x => x.PaymentId),
            (_, true) => keyed.OrderByDescending(x => x.Currency).ThenByDescending(x => x.AmountMinor).ThenByDescending(x => x.PaymentId),
        };
        var head = await ordered.Select(x => x.Payment).Take(skip + take).Select(Projection(db.Partners)).ToListAsync(cancellationToken);
        var tail = await Sort(payments.Where(keys.Tail()), sortBy, descending).Take(skip + take)
            .Select(Projection(db.Partners)).ToListAsync(cancellationToken);
        // A payment copied between the reading of the watermark and the head's query is in both: once is enough.
        // Ordinal, as SQLite compares text.
        IEnumerable<PaymentRow> merged = head.Concat(tail).DistinctBy(r => r.Id);
        merged = (sortBy, descending) switch
        {
            (nameof(PayerId), false) => merged.OrderBy(r => r.PayerId, StringComparer.Ordinal).ThenBy(r => r.Id),
            (nameof(PayerId), true) => merged.OrderByDescending(r => r.PayerId, StringComparer.Ordinal).ThenByDescending(r => r.Id),
            (_, false) => merged.OrderBy(r => r.Currency, StringComparer.Ordinal).ThenBy(r => r.AmountMinor).ThenBy(r => r.Id),
            (_, true) => merged.OrderByDescending(r => r.Currency, StringComparer.Ordinal).ThenByDescending(r => r.AmountMinor).ThenByDescending(r => r.Id),
        };
        return [.. merged.Skip(skip).Take(take)];
    }
}
