using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;

namespace MoMo.Portal.Payments;

/// <summary>
/// A payment's payer, currency and amount, indexed apart from the payment and maintained in bulk by the running totals'
/// fold (<see cref="Days.TotalsFolder"/>): the payer filter, the search and the sorts by payer and amount read them.
/// <para>
/// Why apart: a payer or an amount index on the payments themselves costs every ingestion commit a leaf page per
/// payment (the keys are scattered), which is what held ingestion at 42 % of the group-commit anchor. Written a few
/// thousand at a time, each leaf is written once per fold instead (docs/BENCHMARKS.md, "Data path, round two").
/// </para>
/// <para>
/// Results stay exact: a payment whose key is not current yet — not folded since it arrived or changed — is read from
/// the payments directly (<see cref="Current"/>), a short tail found by primary key and the fold's partial index.
/// </para>
/// </summary>
public sealed class PaymentKey
{
    public required long PaymentId { get; init; }
    public required string PayerId { get; init; }
    public required string Currency { get; init; }
    public required long AmountMinor { get; init; }

    /// <summary>
    /// Up to which payment id the keys can be current: on SQLite the fold's watermark (new payments past it have no key
    /// yet), on PostgreSQL every id (a new payment waits in the fold's partial index instead, see <see cref="Current"/>).
    /// </summary>
    public static async Task<long> ThroughAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        db.Database.IsSqlite()
            ? await db.TotalsLocks.AsNoTracking().Where(l => l.Id == Days.TotalsLock.TheOne).Select(l => l.CountedThroughPaymentId)
                .SingleOrDefaultAsync(cancellationToken)
            : long.MaxValue;

    // Four parameters a row; SQLite allows 32,766 in one statement.
    private const int RowsPerStatement = 1_000;

    /// <summary>
    /// Writes the keys of payments as they are now, in a few multi-row statements: new keys inserted, a changed payer
    /// (a repair) updated. The fold calls it in the transaction that records the payments as counted.
    /// </summary>
    internal static async Task WriteAsync(PortalDbContext db, IReadOnlyList<PaymentKey> keys, CancellationToken cancellationToken)
    {
        foreach (var chunk in keys.Chunk(RowsPerStatement))
        {
            var sql = new System.Text.StringBuilder(
                "INSERT INTO \"PaymentKeys\" (\"PaymentId\", \"PayerId\", \"Currency\", \"AmountMinor\") VALUES ");
            var parameters = new object[chunk.Length * 4];
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "(" : ", (").Append($"{{{4 * i}}}, {{{4 * i + 1}}}, {{{4 * i + 2}}}, {{{4 * i + 3}}})");
                (parameters[4 * i], parameters[4 * i + 1], parameters[4 * i + 2], parameters[4 * i + 3]) =
                    (chunk[i].PaymentId, chunk[i].PayerId, chunk[i].Currency, chunk[i].AmountMinor);
            }

            sql.Append(" ON CONFLICT (\"PaymentId\") DO UPDATE SET \"PayerId\" = excluded.\"PayerId\"");
            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
        }
    }

    /// <summary>The payment's key is as the payment is now: folded since it arrived and since its last change.</summary>
    public static Expression<Func<Payment, bool>> Current(long through) => p => p.Id <= through && p.FoldedVersion == p.BucketVersion;

    /// <summary>The payment's key is missing or stale: the tail read from the payments themselves.</summary>
    public static Expression<Func<Payment, bool>> NotCurrent(long through) => p => p.Id > through || p.FoldedVersion != p.BucketVersion;
}

/// <summary>What a payments query needs to read <see cref="PaymentKey"/>s: the table and how far they are current.</summary>
public sealed record PaymentKeys(IQueryable<PaymentKey> Keys, long Through)
{
    public static async Task<PaymentKeys> ReadAsync(PortalDbContext db, CancellationToken cancellationToken) =>
        new(db.PaymentKeys.AsNoTracking(), await PaymentKey.ThroughAsync(db, cancellationToken));

    /// <summary>
    /// The payments of <paramref name="payerId"/>: those whose key says so and is current, and those of the tail whose
    /// own column says so. Written as three alternatives so each finds its rows by an index (the key's, the primary
    /// key's range past the watermark, the fold's partial index).
    /// </summary>
    public IQueryable<Payment> OfPayer(IQueryable<Payment> payments, string payerId)
    {
        var through = Through;
        var keyed = Keys.Where(k => k.PayerId == payerId).Select(k => k.PaymentId);
        return payments.Where(p => (keyed.Contains(p.Id) && p.Id <= through && p.FoldedVersion == p.BucketVersion)
                                   || (p.Id > through && p.PayerId == payerId)
                                   || (p.FoldedVersion != p.BucketVersion && p.PayerId == payerId));
    }
}
