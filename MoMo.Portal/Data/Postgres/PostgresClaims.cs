using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Data.Postgres;

/// <summary>
/// Whether a partner has due payments that no other instance is claiming right now, on PostgreSQL: the pick of the
/// router's claim (<c>Routing/DueClaims</c>) with <c>FOR UPDATE SKIP LOCKED</c>, so rows being claimed elsewhere are not
/// counted (counting them, a lane would spin).
/// </summary>
internal static class PostgresClaims
{
    /// <summary>
    /// Up to <paramref name="batchSize"/> due payments (<see cref="PaymentRules.DueAt"/>, written out in SQL for the lock clause) of the partner that no one else is claiming. Inside a transaction
    /// they stay locked until it ends; alone, the answer only says whether such payments exist.
    /// </summary>
    public static Task<List<long>> PickDueAsync(
        PortalDbContext db, string partnerAccountId, DateTime now, int batchSize, CancellationToken cancellationToken) =>
        db.Database.SqlQuery<long>($"""
            SELECT p."Id" AS "Value"
            FROM "Payments" AS p
            JOIN "Partners" AS partner ON partner."AccountId" = p."PartnerAccountId"
            WHERE p."PartnerAccountId" = {partnerAccountId} AND partner."IsActive"
              AND (partner."PausedAtUtc" IS NULL OR partner."NextProbeAtUtc" <= {now})
              AND ((p."Status" IN ({nameof(PaymentStatus.Received)}, {nameof(PaymentStatus.RetryScheduled)}) AND p."NextAttemptAtUtc" <= {now})
                   OR (p."Status" = {nameof(PaymentStatus.Delivering)} AND p."ClaimExpiresAtUtc" <= {now}))
            ORDER BY p."NextAttemptAtUtc", p."Id"
            LIMIT {batchSize}
            FOR UPDATE OF p SKIP LOCKED
            """).ToListAsync(cancellationToken);
}
