using Microsoft.EntityFrameworkCore;

namespace MoMo.Portal.Data.Sqlite;

/// <summary>
/// Commits a write that need not survive a power loss without a sync of its own. A router claim is such a write: it is
/// a lease, and a claim lost with the power only makes its payments due again, delivered with the same webhook-id. With
/// <c>synchronous=NORMAL</c> the write-ahead log stays consistent, and the next FULL commit (every payment and every
/// outcome) syncs the claim with it. Otherwise each commit is an fsync, and in steady traffic the lanes' small claims
/// held the one write lock most of the time while banks waited (docs/BENCHMARKS.md, "Sustained capacity").
/// </summary>
internal static class SqliteLeaseWrites
{
    public static async Task<T> RunAsync<T>(PortalDbContext db, Func<Task<T>> write, CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous = NORMAL", cancellationToken);
            return await write();
        }
        finally
        {
            // Should this fail, the pooled connection is still safe: every open sets FULL again (SqliteConnectionSetup).
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous = FULL", CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }
    }
}
