using Microsoft.Data.Sqlite;

namespace MoMo.Portal.Data.Sqlite;

/// <summary>
/// Copies new payments' keys into the keys file (<see cref="SqlitePaymentKeys"/>), up to
/// <see cref="SqlitePaymentKeys.CopyBatch"/> at a time, in sorted bulk: each leaf of the payer and amount indexes is
/// written once for all the keys that land on it, in a file whose lock no bank commit takes. Queries add the payments
/// it has not copied yet themselves (<see cref="Payments.PaymentKeys"/>), so a pause here makes them slower, not wrong.
/// </summary>
public sealed partial class SqlitePaymentKeysWriter(PortalDatabase database, ILogger<SqlitePaymentKeysWriter> logger)
    : BackgroundService
{
    /// <summary>How often the writer looks for new payments when it has caught up.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Files() is not ({ } databaseFile, { } keysPath))
        {
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    // The start compared the file with the database (ForgetOtherHistoryAsync) before banks were served.
                    await using var session = await KeysSession.OpenAsync(keysPath, databaseFile, stoppingToken);
                    while (true)
                    {
                        await session.CopyUntilCaughtUpAsync(stoppingToken);
                        await Task.Delay(Interval, stoppingToken);
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Queries read the payments the keys lack, so nothing is wrong meanwhile, only slower.
                    LogCopyFailed(exception);
                    await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>
    /// Starts the keys file over if it describes another history than the database's (a database restored from a
    /// backup, or another installation's put in place): run at start, before banks are served, since new payments would
    /// take the ids of keys past the database's last payment again.
    /// </summary>
    public async Task ForgetOtherHistoryAsync(CancellationToken cancellationToken)
    {
        // No database yet (MoMo:MigrateOnStart off, nothing migrated): no keys to compare with it either.
        if (Files() is ({ } databaseFile, { } keysPath) && File.Exists(databaseFile))
        {
            await using var session = await KeysSession.OpenAsync(keysPath, databaseFile, cancellationToken);
            await session.ForgetOtherHistoryAsync(cancellationToken);
        }
    }

    /// <summary>Copies every payment's keys not copied yet, now (the benchmark over a database it filled by hand); returns how many.</summary>
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        if (Files() is not ({ } databaseFile, { } keysPath))
        {
            return 0;
        }

        await using var session = await KeysSession.OpenAsync(keysPath, databaseFile, cancellationToken);
        await session.ForgetOtherHistoryAsync(cancellationToken);
        return await session.CopyUntilCaughtUpAsync(cancellationToken);
    }

    /// <summary>The database file and its keys file; nulls for a database that is not a plain file.</summary>
    private (string? Database, string? Keys) Files()
    {
        var dataSource = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource;
        return (SqlitePaymentKeys.DatabaseFile(dataSource), SqlitePaymentKeys.PathFor(dataSource));
    }

    /// <summary>The writer's own connection: the keys file as main, the database attached read-only.</summary>
    private sealed class KeysSession(SqliteConnection connection) : IAsyncDisposable
    {
        /// <summary>How many keys the start compares with their payments: point lookups, a few milliseconds however many payments.</summary>
        private const int Samples = 256;

        private readonly SqliteCommand _copy = Command(connection, $"""
            INSERT OR REPLACE INTO main."PaymentKeys" ("PaymentId", "PayerId", "Currency", "AmountMinor")
            SELECT p."Id", p."PayerId", p."Currency", p."AmountMinor" FROM portal."Payments" AS p
            WHERE p."Id" > (SELECT COALESCE(MAX("PaymentId"), 0) FROM main."PaymentKeys")
            ORDER BY p."Id"
            LIMIT {SqlitePaymentKeys.CopyBatch}
            """);

        public static async Task<KeysSession> OpenAsync(string keysPath, string databasePath, CancellationToken cancellationToken)
        {
            SqlitePaymentKeys.EnsureCreated(keysPath);
            // Opened from a URI, so that it may attach the database by one (read-only).
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = new Uri(keysPath).AbsoluteUri, Pooling = false }.ToString());
            try
            {
                await connection.OpenAsync(cancellationToken);
                await using var setup = Command(connection, """
                    PRAGMA busy_timeout = 5000;
                    PRAGMA synchronous = NORMAL;
                    ATTACH DATABASE $database AS portal;
                    """);
                // NORMAL: a power loss may take the last copies with it, which the next pass makes again; the file
                // stays consistent. Read-only: this connection never holds the database's write lock.
                setup.Parameters.AddWithValue("$database", SqlitePaymentKeys.ReadOnlyUri(databasePath));
                await setup.ExecuteNonQueryAsync(cancellationToken);
                return new KeysSession(connection);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        /// <summary>
        /// Starts the file over when its keys belong to another history than the database's:
        /// <list type="bullet">
        /// <item>keys past the database's last payment (a database restored from a backup): new payments would take
        /// those ids again;</item>
        /// <item>keys that disagree with the payments of the same ids (another installation's database put in place,
        /// or a copy that went its own way).</item>
        /// </list>
        /// The second is checked on the last key and on <see cref="Samples"/> keys spread evenly below it: a database
        /// from another history disagrees nearly everywhere, a copy that diverged disagrees at its end. Payments repaired
        /// out of suspense may disagree with their keys by design (queries read their own columns).
        /// </summary>
        public async Task ForgetOtherHistoryAsync(CancellationToken cancellationToken)
        {
            // A database not migrated yet (MoMo:MigrateOnStart off) has no payments to compare with.
            await using var migrated = Command(connection, """SELECT EXISTS (SELECT 1 FROM portal.sqlite_master WHERE "name" = 'Payments')""");
            if (await migrated.ExecuteScalarAsync(cancellationToken) is 0L)
            {
                return;
            }

            await using var check = Command(connection, $"""
                WITH RECURSIVE
                    "Spread" ("Last", "Step") AS (
                        SELECT MAX("PaymentId"), MAX(1, MAX("PaymentId") / {Samples}) FROM main."PaymentKeys"),
                    "Sample" ("Id") AS (
                        SELECT "Last" FROM "Spread" WHERE "Last" IS NOT NULL
                        UNION ALL
                        SELECT "Id" - "Step" FROM "Sample", "Spread" WHERE "Id" - "Step" > 0)
                SELECT
                    (SELECT COALESCE(MAX("PaymentId"), 0) FROM main."PaymentKeys")
                        > (SELECT COALESCE(MAX("Id"), 0) FROM portal."Payments")
                    OR EXISTS (
                        SELECT 1 FROM "Sample"
                        JOIN main."PaymentKeys" AS k ON k."PaymentId" = "Sample"."Id"
                        LEFT JOIN portal."Payments" AS p ON p."Id" = k."PaymentId"
                        WHERE (p."Id" IS NULL OR p."PayerId" IS NOT k."PayerId" OR p."Currency" IS NOT k."Currency"
                               OR p."AmountMinor" IS NOT k."AmountMinor")
                          AND k."PaymentId" NOT IN (
                              SELECT "PaymentId" FROM portal."SuspenseCases" WHERE "Resolution" = '{nameof(Suspense.SuspenseResolution.Repaired)}'))
                """);
            if (await check.ExecuteScalarAsync(cancellationToken) is 1L)
            {
                await using var forget = Command(connection, """DELETE FROM main."PaymentKeys" """);
                await forget.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        /// <summary>
        /// Copies the keys of every payment not copied yet, a batch a transaction: one when caught up, as many as it
        /// takes after a first start over an existing database. Returns how many.
        /// </summary>
        public async Task<int> CopyUntilCaughtUpAsync(CancellationToken cancellationToken)
        {
            var total = 0;
            int copied;
            do
            {
                copied = await CopyAsync(cancellationToken);
                total += copied;
            }
            while (copied == SqlitePaymentKeys.CopyBatch);

            return total;
        }

        /// <summary>Copies the next keys in one transaction that writes the keys file alone; returns how many.</summary>
        private async Task<int> CopyAsync(CancellationToken cancellationToken)
        {
            // The database is attached read-only, so the transaction takes the keys file's write lock alone.
            await using var transaction = connection.BeginTransaction();
            _copy.Transaction = transaction;
            var copied = await _copy.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return copied;
        }

        public async ValueTask DisposeAsync()
        {
            await _copy.DisposeAsync();
            await connection.DisposeAsync();
        }

        private static SqliteCommand Command(SqliteConnection connection, string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            return command;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not copy payment keys; the payer filter and the amount sort read the payments directly meanwhile")]
    private partial void LogCopyFailed(Exception exception);
}
