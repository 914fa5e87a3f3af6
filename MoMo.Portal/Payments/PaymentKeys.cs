using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;

namespace MoMo.Portal.Payments;

/// <summary>
/// A payment's payer, currency and amount, indexed apart from the payment: on SQLite the payer filter, the search and
/// the sorts by payer and amount read these instead of indexes on the payments, which cost every bank commit a page per
/// payment (see <see cref="Data.Sqlite.SqlitePaymentKeys"/> for where they live and why).
/// </summary>
public sealed class PaymentKey
{
    public required long PaymentId { get; init; }
    public required string PayerId { get; init; }
    public required string Currency { get; init; }
    public required long AmountMinor { get; init; }
}

/// <summary>
/// How a payments query finds a payer's payments and orders by payer or amount. On PostgreSQL, where writers commit side
/// by side, the payments have their own payer and amount indexes and <see cref="Keys"/> is null. On SQLite the keys
/// are written in bulk a moment after their payments, so a query reads them and adds the tail the keys do not cover
/// yet, and results stay exact:
/// <list type="bullet">
/// <item>payments past <see cref="Through"/>, the last one copied (the one SQLite writer hands out ids in commit order,
/// so every payment up to it is copied), found by primary key;</item>
/// <item>payments repaired out of suspense, the only ones whose payer ever changes after they are stored
/// (<see cref="Changed"/>): their own columns are read, whatever their key still says.</item>
/// </list>
/// </summary>
public sealed record PaymentKeys(IQueryable<PaymentKey>? Keys, long Through, IQueryable<long> Changed)
{
    /// <summary>What <paramref name="db"/> offers: the keys and how far they reach on SQLite, the payments' own indexes elsewhere.</summary>
    public static async Task<PaymentKeys> ReadAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var changed = db.SuspenseCases.Where(c => c.Resolution == Suspense.SuspenseResolution.Repaired).Select(c => c.PaymentId);
        if (!db.Database.IsSqlite())
        {
            return new PaymentKeys(null, long.MaxValue, changed);
        }

        var through = await db.Database.SqlQueryRaw<long>("""SELECT COALESCE(MAX("PaymentId"), 0) AS "Value" FROM "PaymentKeys" """)
            .SingleAsync(cancellationToken);
        return new PaymentKeys(db.Set<PaymentKey>().AsNoTracking(), through, changed);
    }

    /// <summary>The payments of <paramref name="payerId"/>.</summary>
    public IQueryable<Payment> OfPayer(IQueryable<Payment> payments, string payerId)
    {
        if (Keys is null)
        {
            return payments.Where(p => p.PayerId == payerId);
        }

        // Three alternatives, each found by the primary key (keyed ids, the range past the watermark, the repaired
        // ones); the payment's own column decides, so a key left behind by a repair never counts. Asked as "id in
        // (these)": as a plain condition, SQLite walked the newest-first index past a million payments to fill a page.
        var keyed = Keys.Where(k => k.PayerId == payerId).Select(k => k.PaymentId);
        var through = Through;
        var changed = Changed;
        var ofPayer = payments.Where(p => p.PayerId == payerId && (keyed.Contains(p.Id) || p.Id > through || changed.Contains(p.Id)))
            .Select(p => p.Id);
        return payments.Where(p => ofPayer.Contains(p.Id));
    }

    /// <summary>
    /// For a payment that has a key (every one up to <see cref="Through"/>): the key is as the payment is now. Joined to
    /// the keys, which hold nothing past <see cref="Through"/>; said again here, SQLite read every payment to sort them.
    /// </summary>
    public Expression<Func<Payment, bool>> KeyCurrent()
    {
        var changed = Changed;
        return p => !changed.Contains(p.Id);
    }

    /// <summary>The payment has no key yet, or one its repair may have left behind: read from its own columns.</summary>
    public Expression<Func<Payment, bool>> Tail()
    {
        var through = Through;
        var changed = Changed;
        return p => p.Id > through || changed.Contains(p.Id);
    }
}
