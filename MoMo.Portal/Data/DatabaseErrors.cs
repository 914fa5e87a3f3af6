using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data.Postgres;
using MoMo.Portal.Data.Sqlite;

namespace MoMo.Portal.Data;

/// <summary>Provider-neutral reading of database errors.</summary>
public static class DatabaseErrors
{
    /// <summary>True when a save failed because another row already holds a unique key (a lost insert race).</summary>
    public static bool IsUniqueViolation(Exception exception) =>
        Unwrap(exception) is var error && (SqliteDatabase.IsUniqueViolation(error) || PostgresDatabase.IsUniqueViolation(error));

    /// <summary>
    /// True when concurrent writers collided — a lost unique-key race, or on PostgreSQL a deadlock between two batches
    /// holding the same keys in different orders — so each write done alone will succeed or find the other's row.
    /// </summary>
    public static bool IsWriteConflict(Exception exception) =>
        IsUniqueViolation(exception) || PostgresDatabase.IsConcurrencyFailure(Unwrap(exception));

    /// <summary>
    /// True when the database could not do what was asked — a failed save, a provider error, or a connection or
    /// transaction EF Core could not use — as opposed to a bug: the callers answer "not stored, try again" and log it.
    /// </summary>
    public static bool IsStorageFailure(Exception exception) =>
        exception is DbUpdateException or System.Data.Common.DbException or InvalidOperationException;

    /// <summary>EF Core reports a failed save as a DbUpdateException around the provider's own error.</summary>
    private static Exception Unwrap(Exception exception) =>
        exception is DbUpdateException { InnerException: { } inner } ? inner : exception;
}
