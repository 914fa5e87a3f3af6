using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace MoMo.Portal.Data.Sqlite;

/// <summary>SQLite file-level settings and error codes (see <see cref="SqliteConnectionSetup"/> for the why).</summary>
internal static class SqliteDatabase
{
    /// <summary>The context factory on SQLite, every connection set up by <see cref="SqliteConnectionSetup"/>.</summary>
    public static PortalDatabase AddSqlitePortalDbContext(this IServiceCollection services, string? connectionString,
        DataDirectory dataDirectory, int busyTimeoutMs)
    {
        connectionString ??= DefaultConnectionString(dataDirectory.Path);
        EnsureDirectoryFor(connectionString);
        var connectionSetup = new SqliteConnectionSetup(busyTimeoutMs);
        // Microsoft.Data.Sqlite retries a busy statement on its own until the command timeout (30 s by default) runs
        // out, on top of SQLite's busy_timeout; matching the two makes the busy timeout the real limit.
        var commandTimeout = Math.Max(1, (int)Math.Ceiling(busyTimeoutMs / 1000.0));
        services.AddPortalDbContext<SqlitePortalDbContext>(db => db
            .UseSqlite(connectionString, sqlite => sqlite.CommandTimeout(commandTimeout))
            .AddInterceptors(connectionSetup));
        services.AddSingleton<SqlitePaymentKeysWriter>();
        services.AddHostedService(provider => provider.GetRequiredService<SqlitePaymentKeysWriter>());
        return new PortalDatabase(DatabaseProvider.Sqlite, connectionString);
    }

    /// <summary>
    /// Write-ahead logging lets readers (the portal) run beside the writer (ingestion) and makes commits cheaper.
    /// The mode is stored in the database file, so setting it once at start is enough.
    /// </summary>
    public static async Task EnableWriteAheadLogAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA main.journal_mode = WAL;";
            var mode = (string?)await command.ExecuteScalarAsync(cancellationToken);
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused write-ahead logging (journal mode is '{mode}').");
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>SQLITE_CONSTRAINT_UNIQUE and SQLITE_CONSTRAINT_PRIMARYKEY: an insert lost a race on a unique key.</summary>
    public static bool IsUniqueViolation(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    public static string DefaultConnectionString(string dataDirectory) =>
        new SqliteConnectionStringBuilder { DataSource = Path.Combine(dataDirectory, "momo.db") }.ToString();

    /// <summary>Creates the directory the database file lives in, so a connection string may name a new folder.</summary>
    public static void EnsureDirectoryFor(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (dataSource is "" or ":memory:" || dataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            return;
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
