namespace MoMo.Portal.Data;

/// <summary>The <c>Database</c> configuration section: which database holds the portal's data and Hangfire's jobs.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>
    /// <see cref="DatabaseProvider.Sqlite"/> (the embedded default: files under the data directory, one instance) or
    /// <see cref="DatabaseProvider.Postgres"/> (several instances on one database; <c>ConnectionStrings:MoMo</c> is then
    /// an Npgsql connection string).
    /// </summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;
}

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The database this process uses, decided once at start from <see cref="DatabaseOptions"/> and
/// <c>ConnectionStrings:MoMo</c>: everything that depends on the provider (Hangfire's storage, the ingestion writer)
/// asks this instead of reading the settings again.
/// </summary>
public sealed record PortalDatabase(DatabaseProvider Provider, string ConnectionString);
