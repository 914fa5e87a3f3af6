using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace MoMo.Portal.Data.Sqlite;

/// <summary>
/// On SQLite the payments' payer and amount keys (<see cref="Payments.PaymentKey"/>) live in a file of their own beside
/// the database (<c>momo.db</c> → <c>momo.keys.db</c>), written by <see cref="SqlitePaymentKeysWriter"/> alone.
/// <para>
/// Why a file of its own: SQLite has one writer per file. As indexes on the payments, the payer and the amount cost
/// every bank commit a leaf page per payment (their keys are scattered), about a third of the ingestion writer's pages.
/// Written in bulk into another file, they take nothing from the banks' commits and never wait for them
/// (docs/BENCHMARKS.md, "Payer and amount keys in a file of their own").
/// </para>
/// <para>
/// Every connection of the portal attaches the file read-only as <see cref="Schema"/>, so queries join it like any
/// table (SQLite finds <c>PaymentKeys</c> there by name). Read-only matters: a transaction begun IMMEDIATE — the bank
/// writer's, the router's, every EF Core save — takes the write lock of every attached file it may write, and would
/// queue behind the keys writer (and it behind them).
/// </para>
/// The file holds nothing that the database does not: lost or deleted, it is written again from the payments.
/// </summary>
internal static class SqlitePaymentKeys
{
    public const string Schema = "keys";

    /// <summary>Payments copied per keys-writer transaction.</summary>
    public const int CopyBatch = 20_000;

    private const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS "PaymentKeys" (
            "PaymentId" INTEGER NOT NULL PRIMARY KEY,
            "PayerId" TEXT NOT NULL,
            "Currency" TEXT NOT NULL,
            "AmountMinor" INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS "IX_PaymentKeys_PayerId_PaymentId" ON "PaymentKeys" ("PayerId", "PaymentId");
        CREATE INDEX IF NOT EXISTS "IX_PaymentKeys_Currency_AmountMinor_PaymentId" ON "PaymentKeys" ("Currency", "AmountMinor", "PaymentId");
        """;

    // Files whose schema this process has made sure of, and connections (by native handle, which a pooled connection
    // keeps between opens) that have the file attached.
    private static readonly ConcurrentDictionary<string, bool> s_created = new(StringComparer.Ordinal);
    private static readonly ConditionalWeakTable<object, object> s_attached = [];

    /// <summary>
    /// The same connection string with the database named by a <c>file:</c> URI, which is what lets a connection attach
    /// another file read-only (<c>?mode=ro</c> is a URI parameter, and SQLite reads URIs in ATTACH only on a connection
    /// opened from one). Databases that are not plain files are left as they are.
    /// </summary>
    public static string AsUri(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is "" or ":memory:" || builder.DataSource.StartsWith("file:", StringComparison.Ordinal))
        {
            return connectionString;
        }

        builder.DataSource = new Uri(Path.GetFullPath(builder.DataSource)).AbsoluteUri;
        return builder.ToString();
    }

    /// <summary>
    /// The database file a data source (a path or a <c>file:</c> URI) names, or null when the database is not a plain
    /// file (in memory): such a database gets an empty keys table of its own, and every payment is read from the
    /// payments themselves.
    /// </summary>
    public static string? DatabaseFile(string dataSource)
    {
        if (dataSource is "" || dataSource.Contains(":memory:", StringComparison.Ordinal)
            || dataSource.Contains("mode=memory", StringComparison.Ordinal))
        {
            return null;
        }

        return dataSource.StartsWith("file:", StringComparison.Ordinal)
            ? Uri.TryCreate(dataSource.Split('?')[0], UriKind.Absolute, out var uri) && uri.IsFile ? uri.LocalPath : null
            : Path.GetFullPath(dataSource);
    }

    /// <summary>The keys file beside the database a data source names (momo.db: momo.keys.db), or null (see <see cref="DatabaseFile"/>).</summary>
    public static string? PathFor(string dataSource) =>
        DatabaseFile(dataSource) is { } file ? Path.ChangeExtension(file, ".keys.db") : null;

    /// <summary>A file as a URI that SQLite opens or attaches read-only.</summary>
    public static string ReadOnlyUri(string path) => new Uri(path).AbsoluteUri + "?mode=ro";

    /// <summary>Creates the keys file with its schema if it is missing.</summary>
    public static void EnsureCreated(string path)
    {
        // Checked again when the file is gone: an operator may delete it for the portal to write it anew.
        if (s_created.ContainsKey(path) && File.Exists(path))
        {
            return;
        }

        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            // Write-ahead logging, as the database: readers never wait for the keys writer.
            command.CommandText = $"PRAGMA busy_timeout = 5000; PRAGMA journal_mode = WAL; {CreateSchema}";
            command.ExecuteNonQuery();
        }

        s_created[path] = true;
    }

    /// <summary>Attaches the keys file to <paramref name="connection"/> read-only, once per underlying connection.</summary>
    public static void Attach(SqliteConnection connection)
    {
        if (connection.Handle is not { } handle || s_attached.TryGetValue(handle, out _))
        {
            return;
        }

        // A read-only connection (EF Core's check that the database exists) reads no payments.
        var settings = new SqliteConnectionStringBuilder(connection.ConnectionString);
        if (settings.Mode == SqliteOpenMode.ReadOnly)
        {
            return;
        }

        // As the connection string names it: an open connection's DataSource is the file's path, whichever way it was named.
        var dataSource = settings.DataSource;
        using var command = connection.CreateCommand();
        if (dataSource.StartsWith("file:", StringComparison.Ordinal) && PathFor(dataSource) is { } path)
        {
            EnsureCreated(path);
            command.CommandText = $"ATTACH DATABASE $file AS {Schema}";
            command.Parameters.AddWithValue("$file", ReadOnlyUri(path));
        }
        else
        {
            // Opened some other way (a connection handed to the context, a database in memory): an empty keys table,
            // so every payment counts as not copied yet and is read from its own columns. Exact, only slower.
            var schema = CreateSchema.Replace("EXISTS \"", $"EXISTS {Schema}.\"", StringComparison.Ordinal);
            command.CommandText = $"ATTACH DATABASE ':memory:' AS {Schema}; {schema}";
        }

        command.ExecuteNonQuery();
        s_attached.AddOrUpdate(handle, true);
    }

    /// <summary>
    /// Attaches the keys file to every connection a <see cref="SqlitePortalDbContext"/> opens, but for one that migrates
    /// the database: EF Core sets the journal mode of every attached file when it creates a database, which a
    /// read-only file refuses.
    /// </summary>
    internal sealed class Attacher : DbConnectionInterceptor
    {
        public static readonly Attacher Instance = new();

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            if (eventData.Context is SqlitePortalDbContext { AttachesKeys: true })
            {
                Attach((SqliteConnection)connection);
            }
        }

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
            CancellationToken cancellationToken = default)
        {
            ConnectionOpened(connection, eventData);
            return Task.CompletedTask;
        }
    }
}
