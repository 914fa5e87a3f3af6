using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Routing;

/// <summary>
/// The router's claim as one statement: pick a partner's due payments, mark them Delivering under the pass's token and
/// read them back, in one round trip where it used to take four. In steady traffic a lane claims a few payments at a
/// time, so the claim cost as much as the delivery itself (docs/BENCHMARKS.md, "Sustained capacity").
/// The pick is <see cref="PaymentRules.DueAt"/> for a partner that takes deliveries (enabled, and not paused or with its
/// probe due), written out in SQL. On PostgreSQL it locks with <c>SKIP LOCKED</c>, so instances claiming at once never
/// wait for, or take, each other's rows; on SQLite the statement is atomic by itself (one writer).
/// </summary>
internal static class DueClaims
{
    private static readonly string s_sqlite = Statement(lockClause: "");
    private static readonly string s_postgres = Statement(lockClause: "FOR UPDATE OF p SKIP LOCKED");

    public static async Task<List<Payment>> ClaimAsync(PortalDbContext db, string partnerAccountId, Guid token, DateTime now,
        DateTime expiresAtUtc, int batchSize, CancellationToken cancellationToken)
    {
        var claimed = await db.Payments.FromSqlRaw(db.Database.IsNpgsql() ? s_postgres : s_sqlite,
                partnerAccountId, now, token, expiresAtUtc, batchSize)
            .AsNoTracking().ToListAsync(cancellationToken);
        claimed.Sort((a, b) => a.Id.CompareTo(b.Id));
        return claimed;
    }

    /// <summary>The statement; its parameters are {0} partner, {1} now, {2} token, {3} claim expiry, {4} batch size.</summary>
    private static string Statement(string lockClause) => $$"""
            UPDATE "Payments"
            SET "Status" = '{{nameof(PaymentStatus.Delivering)}}', "ClaimToken" = {2}, "ClaimExpiresAtUtc" = {3}
            WHERE "Id" IN (
                SELECT p."Id"
                FROM "Payments" AS p
                JOIN "Partners" AS partner ON partner."AccountId" = p."PartnerAccountId"
                WHERE p."PartnerAccountId" = {0} AND partner."IsActive"
                  AND (partner."PausedAtUtc" IS NULL OR partner."NextProbeAtUtc" <= {1})
                  AND ((p."Status" IN ('{{nameof(PaymentStatus.Received)}}', '{{nameof(PaymentStatus.RetryScheduled)}}') AND p."NextAttemptAtUtc" <= {1})
                       OR (p."Status" = '{{nameof(PaymentStatus.Delivering)}}' AND p."ClaimExpiresAtUtc" <= {1}))
                ORDER BY p."NextAttemptAtUtc", p."Id"
                LIMIT {4}
                {{lockClause}})
            RETURNING *
            """;
}
