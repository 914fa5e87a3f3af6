using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data.Postgres;
using MoMo.Portal.Data.Sqlite;

namespace MoMo.Portal.Data;

/// <summary>Provider-neutral reading of database errors.</summary>
public static class DatabaseErrors
{
    /// <summary>True when a save failed because another row already holds a unique key (a lost insert race).</summary>
    public static bool IsUniqueViolation(Exception exception) => exception switch
    {
        DbUpdateException { InnerException: { } inner } => IsUniqueViolation(inner),
        _ => SqliteDatabase.IsUniqueViolation(exception) || PostgresDatabase.IsUniqueViolation(exception),
    };

    /// <summary>
    /// True when concurrent writers collided — a lost unique-key race, or on PostgreSQL a deadlock between two batches
    /// holding the same keys in different orders — so each write done alone will succeed or find the other's row.
    /// </summary>
    public static bool IsWriteConflict(Exception exception) => exception switch
    {
        DbUpdateException { InnerException: { } inner } => IsWriteConflict(inner),
        _ => IsUniqueViolation(exception) || PostgresDatabase.IsConcurrencyFailure(exception),
    };
}
