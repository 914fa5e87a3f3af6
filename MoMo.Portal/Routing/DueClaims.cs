using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Data.Sqlite;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Routing;

/// <summary>
/// The router's questions about one partner's due payments, in SQL: claim a batch of them, and are there any; and which
/// partners have any. All pick by <see cref="PaymentRules.DueAt"/> for a partner that takes deliveries (enabled, and not
/// paused or with its probe due), written out once per database below.
/// <list type="bullet">
/// <item>The claim is one statement: mark the picked payments Delivering under the pass's token and read them back, in
/// one round trip where it used to take four. In steady traffic a lane claims a few payments at a time, so the claim
/// cost as much as the delivery itself (docs/BENCHMARKS.md, "Sustained capacity").</item>
/// <item>On PostgreSQL the pick locks with <c>SKIP LOCKED</c>: instances claiming at once never wait for, or take, each
/// other's rows, and rows being claimed elsewhere are not counted as due (counting them, a lane would spin).</item>
/// <item>On SQLite each kind of due payment is its own index range, already in (due time, id) order, merged up to the
/// limit: asked as one OR, SQLite read every payment the partner ever had, at every claim and whenever a lane ran dry.
/// The inbox is a range of the index by status (<see cref="PaymentConfiguration.RouterIndexesWithInbox"/>); the queued,
/// retrying and expired claims are ranges of the partner's index, which every such query names by its condition
/// (<see cref="PaymentRules.OutsideInbox"/>). The statement is atomic by itself (one writer), and a claim commits as a
/// lease (<see cref="SqliteLeaseWrites"/>).</item>
/// </list>
/// Every claim and question for one partner takes {0} partner, {1} now; the claims also {2} token, {3} claim expiry,
/// {4} batch size.
/// </summary>
internal static class DueClaims
{
    private static readonly string s_claimOnPostgres = $$"""
        UPDATE "Payments"
        SET "Status" = '{{nameof(PaymentStatus.Delivering)}}', "ClaimToken" = {2}, "ClaimExpiresAtUtc" = {3}
        WHERE "Id" IN ({{PostgresPick("{4}")}})
        RETURNING *
        """;

    private static readonly string s_anyDueOnPostgres = PostgresPick("1");

    private static readonly string s_claimOnSqlite = $$"""
        UPDATE "Payments"
        SET "Status" = '{{nameof(PaymentStatus.Delivering)}}', "ClaimToken" = {2}, "ClaimExpiresAtUtc" = {3}
        WHERE "Id" IN (SELECT "Id" FROM ({{SqliteRanges("{4}")}})) AND {{TakesDeliveries()}}
        RETURNING *
        """;

    private static readonly string s_anyDueOnSqlite = $"""SELECT EXISTS ({SqliteRanges("1")}) AND {TakesDeliveries()} AS "Value" """;

    /// <summary>The partner's row says it takes deliveries now (<see cref="Partners.Partner.TakesDeliveriesAt"/>, in SQL).</summary>
    private static string TakesDeliveries(string partner = "{0}", string now = "{1}") => $"""
        EXISTS (SELECT 1 FROM "Partners" AS partner
                WHERE partner."AccountId" = {partner} AND partner."IsActive"
                  AND (partner."PausedAtUtc" IS NULL OR partner."NextProbeAtUtc" <= {now}))
        """;

    public static async Task<List<Payment>> ClaimAsync(PortalDbContext db, WriteTurns turns, string partnerAccountId, Guid token,
        DateTime now, DateTime expiresAtUtc, int batchSize, CancellationToken cancellationToken)
    {
        // On SQLite the connection is opened and set up before the write turn, which then holds only the statement.
        var claimed = db.Database.IsNpgsql()
            ? await Claim(s_claimOnPostgres)
            : await SqliteLeaseWrites.RunAsync(db, () => turns.TakeAsync(() => Claim(s_claimOnSqlite), cancellationToken), cancellationToken);
        claimed.Sort((a, b) => a.Id.CompareTo(b.Id));
        return claimed;

        Task<List<Payment>> Claim(string statement) =>
            db.Payments.FromSqlRaw(statement, partnerAccountId, now, token, expiresAtUtc, batchSize).AsNoTracking().ToListAsync(cancellationToken);
    }

    /// <summary>Whether the partner has payments due now that this process could claim.</summary>
    public static async Task<bool> AnyDueAsync(PortalDbContext db, string partnerAccountId, DateTime now, CancellationToken cancellationToken) =>
        db.Database.IsNpgsql()
            ? (await db.Database.SqlQueryRaw<long>(s_anyDueOnPostgres, partnerAccountId, now).ToListAsync(cancellationToken)).Count > 0
            : await db.Database.SqlQueryRaw<bool>(s_anyDueOnSqlite, partnerAccountId, now).SingleAsync(cancellationToken);

    /// <summary>
    /// The partners with payments due now that this process could claim, on SQLite ({0} now): those in the inbox, read
    /// from the index by status, and those with queued, retrying or expired payments, asked of each partner's index.
    /// </summary>
    public static async Task<List<string>> PartnersWithDueOnSqliteAsync(PortalDbContext db, DateTime now,
        CancellationToken cancellationToken) =>
        await db.Database.SqlQueryRaw<string>(s_partnersWithDueOnSqlite, now).ToListAsync(cancellationToken);

    private const string PartnerOfPayment = "p.\"PartnerAccountId\"";
    private const string PartnerAccount = "partner.\"AccountId\"";

    private static readonly string s_partnersWithDueOnSqlite = $$"""
        SELECT DISTINCT p."PartnerAccountId" AS "Value" FROM "Payments" AS p
        WHERE p."Status" = '{{nameof(PaymentStatus.Received)}}' AND p."NextAttemptAtUtc" <= {0}
          AND {{TakesDeliveries(PartnerOfPayment, "{0}")}}
        UNION
        SELECT partner."AccountId" FROM "Partners" AS partner
        WHERE partner."IsActive" AND (partner."PausedAtUtc" IS NULL OR partner."NextProbeAtUtc" <= {0})
          AND EXISTS ({{SqlitePartnerRanges(PartnerAccount, "{0}")}})
        """;

    /// <summary>
    /// The ids of up to <paramref name="limit"/> due payments, queued first, then oldest due, locked for this transaction.
    /// </summary>
    private static string PostgresPick(string limit) => $$"""
        SELECT p."Id" AS "Value"
        FROM "Payments" AS p
        WHERE p."PartnerAccountId" = {0} AND {{TakesDeliveries()}}
          AND ((p."Status" IN ('{{nameof(PaymentStatus.Received)}}', '{{nameof(PaymentStatus.RetryScheduled)}}') AND p."NextAttemptAtUtc" <= {1})
               OR (p."Status" = '{{nameof(PaymentStatus.Received)}}' AND p."NextAttemptAtUtc" IS NULL)
               OR (p."Status" = '{{nameof(PaymentStatus.Delivering)}}' AND p."ClaimExpiresAtUtc" <= {1}))
        ORDER BY p."NextAttemptAtUtc" NULLS FIRST, p."Id"
        LIMIT {{limit}}
        FOR UPDATE OF p SKIP LOCKED
        """;

    /// <summary>
    /// Up to <paramref name="limit"/> due payments (id, due time), queued first (their due time sorts as ''), then
    /// oldest due: the partner's part of the inbox, and one range of the partner's index per kind.
    /// </summary>
    private static string SqliteRanges(string limit) => $$"""
        SELECT p."Id", p."NextAttemptAtUtc" FROM "Payments" AS p
        WHERE p."Status" = '{{nameof(PaymentStatus.Received)}}' AND p."NextAttemptAtUtc" <= {1} AND p."PartnerAccountId" = {0}
        UNION ALL
        {{SqlitePartnerRanges("{0}", "{1}")}}
        ORDER BY 2, 1
        LIMIT {{limit}}
        """;

    /// <summary>The queued, retrying and expired-claim ranges of the partner's index (a compound SELECT of id and due time).</summary>
    private static string SqlitePartnerRanges(string partner, string now) => $$"""
        SELECT p."Id", '' FROM "Payments" AS p
        WHERE p."PartnerAccountId" = {{partner}} AND p."Status" = '{{nameof(PaymentStatus.Received)}}'
          AND p."NextAttemptAtUtc" IS NULL AND {{OutsideInbox}}
        UNION ALL
        SELECT p."Id", p."NextAttemptAtUtc" FROM "Payments" AS p
        WHERE p."PartnerAccountId" = {{partner}} AND p."Status" = '{{nameof(PaymentStatus.RetryScheduled)}}'
          AND p."NextAttemptAtUtc" <= {{now}} AND {{OutsideInbox}}
        UNION ALL
        SELECT p."Id", p."NextAttemptAtUtc" FROM "Payments" AS p
        WHERE p."PartnerAccountId" = {{partner}} AND p."Status" = '{{nameof(PaymentStatus.Delivering)}}'
          AND p."ClaimExpiresAtUtc" <= {{now}} AND {{OutsideInbox}}
        """;

    /// <summary><see cref="PaymentRules.OutsideInbox"/>, as the partner index's filter says it.</summary>
    private const string OutsideInbox = $"""(p."Status" <> '{nameof(PaymentStatus.Received)}' OR p."NextAttemptAtUtc" IS NULL)""";
}
