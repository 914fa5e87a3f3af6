using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Data.Sqlite;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Routing;

/// <summary>
/// The router's claim as one statement: pick a partner's due payments, mark them Delivering under the pass's token and
/// read them back, in one round trip where it used to take four. In steady traffic a lane claims a few payments at a
/// time, so the claim cost as much as the delivery itself (docs/BENCHMARKS.md, "Sustained capacity").
/// The pick is <see cref="PaymentRules.DueAt"/> for a partner that takes deliveries (enabled, and not paused or with its
/// probe due), written out in SQL. On PostgreSQL it locks with <c>SKIP LOCKED</c>, so instances claiming at once never
/// wait for, or take, each other's rows; on SQLite the statement is atomic by itself (one writer), and commits as a lease
/// (<see cref="SqliteLeaseWrites"/>).
/// </summary>
internal static class DueClaims
{
    private static readonly string s_postgres = PostgresStatement();
    private static readonly string s_sqlite = SqliteStatement();
    private static readonly string s_anyDueOnSqlite = AnyDueOnSqliteStatement();

    public static async Task<List<Payment>> ClaimAsync(PortalDbContext db, WriteTurns turns, string partnerAccountId, Guid token,
        DateTime now, DateTime expiresAtUtc, int batchSize, CancellationToken cancellationToken)
    {
        // On SQLite the connection is opened and set up before the write turn, which then holds only the statement.
        var claimed = db.Database.IsNpgsql()
            ? await Claim(s_postgres)
            : await SqliteLeaseWrites.RunAsync(db, () => turns.TakeAsync(() => Claim(s_sqlite), cancellationToken), cancellationToken);
        claimed.Sort((a, b) => a.Id.CompareTo(b.Id));
        return claimed;

        Task<List<Payment>> Claim(string statement) =>
            db.Payments.FromSqlRaw(statement, partnerAccountId, now, token, expiresAtUtc, batchSize).AsNoTracking().ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Whether the partner has payments due now, on SQLite (PostgreSQL asks with its <c>SKIP LOCKED</c> pick, so rows
    /// another instance is claiming do not count). Each status is its own range of the partner's index, for the reason
    /// the claim gives: asked as one OR, SQLite read every payment the partner ever had whenever a lane ran dry.
    /// </summary>
    public static async Task<bool> AnyDueOnSqliteAsync(PortalDbContext db, string partnerAccountId, DateTime now,
        CancellationToken cancellationToken) =>
        await db.Database.SqlQueryRaw<bool>(s_anyDueOnSqlite, partnerAccountId, now).SingleAsync(cancellationToken);

    private static string AnyDueOnSqliteStatement() => $$"""
        SELECT (EXISTS (SELECT 1 FROM "Payments" AS p
                        WHERE p."PartnerAccountId" = {0} AND p."Status" = '{{nameof(PaymentStatus.Received)}}' AND p."NextAttemptAtUtc" <= {1})
                OR EXISTS (SELECT 1 FROM "Payments" AS p
                           WHERE p."PartnerAccountId" = {0} AND p."Status" = '{{nameof(PaymentStatus.RetryScheduled)}}' AND p."NextAttemptAtUtc" <= {1})
                OR EXISTS (SELECT 1 FROM "Payments" AS p
                           WHERE p."PartnerAccountId" = {0} AND p."Status" = '{{nameof(PaymentStatus.Delivering)}}' AND p."ClaimExpiresAtUtc" <= {1}))
           AND EXISTS (SELECT 1 FROM "Partners" AS partner
                       WHERE partner."AccountId" = {0} AND partner."IsActive"
                         AND (partner."PausedAtUtc" IS NULL OR partner."NextProbeAtUtc" <= {1})) AS "Value"
        """;

    // Both claim statements take {0} partner, {1} now, {2} token, {3} claim expiry, {4} batch size.

    private static string PostgresStatement() => $$"""
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
            FOR UPDATE OF p SKIP LOCKED)
        RETURNING *
        """;

    /// <remarks>
    /// SQLite cannot use the partner's index for the OR across statuses: it read every payment the partner ever had,
    /// at every claim. Here each status is its own range of that index, already in (due time, id) order, and the ranges
    /// are merged up to the batch size, so a claim reads only what it takes.
    /// </remarks>
    private static string SqliteStatement() => $$"""
        UPDATE "Payments"
        SET "Status" = '{{nameof(PaymentStatus.Delivering)}}', "ClaimToken" = {2}, "ClaimExpiresAtUtc" = {3}
        WHERE "Id" IN (SELECT "Id" FROM (
                SELECT p."Id", p."NextAttemptAtUtc" FROM "Payments" AS p
                WHERE p."PartnerAccountId" = {0} AND p."Status" = '{{nameof(PaymentStatus.Received)}}' AND p."NextAttemptAtUtc" <= {1}
                UNION ALL
                SELECT p."Id", p."NextAttemptAtUtc" FROM "Payments" AS p
                WHERE p."PartnerAccountId" = {0} AND p."Status" = '{{nameof(PaymentStatus.RetryScheduled)}}' AND p."NextAttemptAtUtc" <= {1}
                UNION ALL
                SELECT p."Id", p."NextAttemptAtUtc" FROM "Payments" AS p
                WHERE p."PartnerAccountId" = {0} AND p."Status" = '{{nameof(PaymentStatus.Delivering)}}' AND p."ClaimExpiresAtUtc" <= {1}
                ORDER BY 2, 1
                LIMIT {4}))
          AND EXISTS (SELECT 1 FROM "Partners" AS partner
                      WHERE partner."AccountId" = {0} AND partner."IsActive"
                        AND (partner."PausedAtUtc" IS NULL OR partner."NextProbeAtUtc" <= {1}))
        RETURNING *
        """;
}
