using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace MoMo.Portal.Data.Postgres;

/// <summary>The PostgreSQL side of the data layer: registration and error codes.</summary>
internal static class PostgresDatabase
{
    /// <summary>The context factory on PostgreSQL; the connection string must be given (there is no embedded default).</summary>
    public static PortalDatabase AddPostgresPortalDbContext(this IServiceCollection services, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new StartupException(
                $"{DatabaseOptions.Section}:Provider is {DatabaseProvider.Postgres} but ConnectionStrings:MoMo is not set. " +
                "Give an Npgsql connection string, e.g. ConnectionStrings__MoMo=\"Host=db;Database=momo;Username=momo;Password=...\".");
        }

        try
        {
            connectionString = WithPreparedStatements(connectionString);
        }
        catch (ArgumentException exception)
        {
            throw new StartupException($"ConnectionStrings:MoMo is not a valid PostgreSQL connection string: {exception.Message}", exception);
        }

        services.AddPortalDbContext<PostgresPortalDbContext>(db => db.UseNpgsql(connectionString));
        return new PortalDatabase(DatabaseProvider.Postgres, connectionString);
    }

    /// <summary>How many statements each connection keeps prepared when the connection string does not say.</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>
    /// The connection string with Npgsql's automatic preparation on, unless it says otherwise (<c>Max Auto Prepare=0</c>
    /// turns it off). The portal sends the same few statements thousands of times a second — the banks' inserts, the
    /// router's claims and outcomes — and unprepared, PostgreSQL parsed and planned every one of them: a fifth of the
    /// server's CPU in the drain, which prepared runs half as fast again (docs/BENCHMARKS.md, "Scale-out profile").
    /// A statement is prepared on a connection after its fifth use there; a schema change by a newer instance's
    /// migration fails a prepared statement whose result shape it changes once, after which Npgsql prepares it anew.
    /// </summary>
    public static string WithPreparedStatements(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.Keys.Cast<string>().Any(key => key.Replace(" ", "", StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        }

        return builder.ConnectionString;
    }

    /// <summary>23505 unique_violation: an insert lost a race on a unique key.</summary>
    public static bool IsUniqueViolation(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    /// <summary>40P01 deadlock_detected, 40001 serialization_failure: the transaction lost to a concurrent one.</summary>
    public static bool IsConcurrencyFailure(Exception exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure };

    /// <summary>
    /// Creates EF Core's migration history table before migrating. Left to itself, EF Core first queries the missing table
    /// on a new database and logs that failure as an error — alarming in an operator's log for a normal first start
    /// (npgsql/efcore.pg#3407: the provider cannot tell whether the table exists, so it tries and catches).
    /// </summary>
    public static async Task CreateMigrationHistoryAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.GetService<IHistoryRepository>().CreateIfNotExistsAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
        {
            // Another instance starting at the same moment created it.
        }
    }

    /// <summary>Where the database is, for messages: server and database, never the password.</summary>
    public static string Describe(PortalDbContext db)
    {
        var connection = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
        return $"PostgreSQL at {connection.Host}:{connection.Port} (database {connection.Database})";
    }
}
