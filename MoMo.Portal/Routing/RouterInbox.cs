using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Data.Sqlite;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Routing;

/// <summary>
/// The router's inbox, on SQLite: a new payment waits there from the bank's commit until a lane claims it, found by the
/// index by status, so that the one writer's commits of the banks' payments write no index by partner
/// (<see cref="PaymentConfiguration.RouterIndexesWithInbox"/>). A payment that waited longer than
/// <see cref="RoutingOptions.InboxWait"/> (its partner is slow, paused or disabled, or no router ran) is filed into its
/// partner's queue (<see cref="PaymentRules.IsQueued"/>): its due time is cleared, which puts it in the partner's index
/// and takes it out of the range every lane reads. So the inbox holds a moment's traffic however long a partner is away,
/// and filing costs only the payments that wait.
/// PostgreSQL has no inbox to file from: its index by partner holds every payment (its writers commit side by side).
/// </summary>
internal static class RouterInbox
{
    private static readonly string s_anyWaited = $$"""
        SELECT EXISTS (SELECT 1 FROM "Payments" AS p
                       WHERE p."Status" = '{{nameof(PaymentStatus.Received)}}' AND p."NextAttemptAtUtc" <= {0}) AS "Value"
        """;

    private static readonly string s_file = $$"""
        UPDATE "Payments" SET "NextAttemptAtUtc" = NULL
        WHERE "Status" = '{{nameof(PaymentStatus.Received)}}' AND "NextAttemptAtUtc" <= {0}
        """;

    /// <summary>
    /// Files the payments that have been in the inbox since <paramref name="waitedSince"/> or before; returns how many.
    /// A read decides first, so a pass with nothing to file does not take a write turn.
    /// </summary>
    public static async Task<int> FileAsync(PortalDbContext db, WriteTurns turns, DateTime waitedSince,
        CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite() || !await db.Database.SqlQueryRaw<bool>(s_anyWaited, waitedSince).SingleAsync(cancellationToken))
        {
            return 0;
        }

        // A lease write: should the power go, the payments are back in the inbox, and filed again by the next pass.
        return await SqliteLeaseWrites.RunAsync(db, () => turns.TakeAsync(
            () => db.Database.ExecuteSqlRawAsync(s_file, [waitedSince], cancellationToken), cancellationToken), cancellationToken);
    }
}
