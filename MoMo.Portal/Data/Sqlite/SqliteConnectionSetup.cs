using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MoMo.Portal.Data.Sqlite;

// SQLite-only SQL lives in this folder and nowhere else: a PostgreSQL provider needs none of it.

/// <summary>
/// Applies the per-connection settings that make SQLite safe and fast for many concurrent requests:
/// <list type="bullet">
/// <item><c>busy_timeout</c>: a writer waits inside SQLite for the lock, instead of going through Microsoft.Data.Sqlite's
/// own retry loop, which stalls requests by ~150 ms under load.</item>
/// <item><c>synchronous=FULL</c>: with WAL, every commit is fsynced, so a payment acknowledged to a bank survives power
/// loss, not only a crash of the process.</item>
/// <item><c>foreign_keys=ON</c>: references between payments, payers, partners and banks are enforced.</item>
/// <item><c>wal_autocheckpoint=4000</c> pages (about 16 MB of log) instead of SQLite's 1,000: the commit that crosses the
/// threshold copies the log into the database file while the payment writer waits, and a payment touches about five
/// pages, most of them index leaves that the next payments touch again. Copying less often copies each such page once
/// for many commits: +10-35 % ingestion at 64 connections. Larger is faster still but each copy is a longer pause for
/// the banks waiting: at 6,000 pages p99 reached 21-26 ms against the 25 ms target, at 4,000 it is 16-18 ms
/// (docs/BENCHMARKS.md).</item>
/// </list>
/// </summary>
internal sealed class SqliteConnectionSetup(int busyTimeoutMs) : DbConnectionInterceptor
{
    /// <summary>Write-ahead log pages after which a commit checkpoints the log into the database file.</summary>
    public const int CheckpointPages = 4000;

    private readonly string _pragmas = $"PRAGMA busy_timeout = {busyTimeoutMs}; PRAGMA synchronous = FULL; " +
                                       $"PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = {CheckpointPages};";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(
        DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
