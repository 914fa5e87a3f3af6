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
/// </list>
/// </summary>
internal sealed class SqliteConnectionSetup(int busyTimeoutMs) : DbConnectionInterceptor
{
    private readonly string _pragmas =
        $"PRAGMA busy_timeout = {busyTimeoutMs}; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;";

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
