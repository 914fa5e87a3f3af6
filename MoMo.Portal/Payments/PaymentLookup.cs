using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;

namespace MoMo.Portal.Payments;

/// <summary>Finding stored payments by what banks call them.</summary>
public static class PaymentLookup
{
    /// <summary>The payment a bank's transaction id names, if stored: one per bank, by the unique index on both.</summary>
    public static Task<Payment?> ByBankReferenceAsync(PortalDbContext db, string bankCode, string bankReference) =>
        db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.BankCode == bankCode && p.BankReference == bankReference);
}
