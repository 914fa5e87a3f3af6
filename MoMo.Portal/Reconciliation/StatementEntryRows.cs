using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Reconciliation;

/// <summary>One entry of a statement beside the payment it is, as the statement page lists them.</summary>
public sealed record StatementEntryRow(
    long Id, int EntryIndex, int DetailIndex, DateOnly? BookingDate, long AmountMinor, string Currency, bool IsCredit, bool IsReversal,
    string Status, string? Reference, string? DebtorName, string? Remittance, StatementBreak? Break, bool BreakClosed, long? SuggestedPaymentId,
    long? PaymentId, PaymentStatus? PaymentStatus, long? PaymentAmountMinor, string? PaymentCurrency, string? PartnerAccountId, string? PayerId)
{
    /// <summary>A page of <paramref name="statementId"/>'s entries in statement order; only those with an open break when <paramref name="openBreaksOnly"/>.</summary>
    public static async Task<(List<StatementEntryRow> Rows, int Total)> PageAsync(PortalDbContext db, long statementId, bool openBreaksOnly,
        int page, int pageSize, CancellationToken cancellationToken)
    {
        var entries = db.StatementEntries.AsNoTracking().Where(e => e.BankStatementId == statementId);
        if (openBreaksOnly)
        {
            entries = entries.Where(e => e.Break != null && e.BreakClosedAtUtc == null);
        }

        var total = await entries.CountAsync(cancellationToken);
        var rows = await (from e in entries
                          join p in db.Payments on e.PaymentId equals (long?)p.Id into matched
                          from p in matched.DefaultIfEmpty()
                          orderby e.EntryIndex, e.DetailIndex
                          select new StatementEntryRow(e.Id, e.EntryIndex, e.DetailIndex, e.BookingDate, e.AmountMinor, e.Currency, e.IsCredit,
                              e.IsReversal, e.Status,
                              e.EndToEndId ?? e.TransactionId ?? e.InstructionId ?? e.Uetr ?? e.AccountServicerReference ?? e.EntryReference,
                              e.DebtorName, e.Remittance, e.Break, e.BreakClosedAtUtc != null, e.SuggestedPaymentId,
                              e.PaymentId, p == null ? null : p.Status, p == null ? null : p.AmountMinor, p == null ? null : p.Currency,
                              p == null ? null : p.PartnerAccountId, p == null ? null : p.PayerId))
            .Skip(page * pageSize).Take(pageSize).ToListAsync(cancellationToken);
        return (rows, total);
    }
}
