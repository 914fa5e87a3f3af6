using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data.Sqlite;

namespace MoMo.Portal.Data;

public static class DataExtensions
{
    /// <summary>
    /// The data directory, the database connection and <see cref="PortalDbContext"/> (a factory for components and jobs,
    /// and a scoped context for Identity's stores).
    /// </summary>
    public static WebApplicationBuilder AddPortalData(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>() ?? new PortalOptions();

        var dataDirectory = new DataDirectory(
            Path.GetFullPath(Path.Combine(builder.Environment.ContentRootPath, options.DataDirectory)));
        try
        {
            Directory.CreateDirectory(dataDirectory.Path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new StartupException(
                $"The data directory '{dataDirectory.Path}' cannot be created: {exception.Message} " +
                $"Set {PortalOptions.Section}:DataDirectory (environment variable MoMo__DataDirectory) to a writable folder.",
                exception);
        }

        builder.Services.AddSingleton(dataDirectory);
        // Sign-in cookies and antiforgery tokens stay valid across restarts because their keys live with the data.
        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(dataDirectory.File("keys")))
            .SetApplicationName("MoMo.Portal");

        var connectionString = builder.Configuration.GetConnectionString("MoMo")
                               ?? SqliteDatabase.DefaultConnectionString(dataDirectory.Path);
        SqliteDatabase.EnsureDirectoryFor(connectionString);
        var connectionSetup = new SqliteConnectionSetup(options.SqliteBusyTimeoutMs);
        // Microsoft.Data.Sqlite retries a busy statement on its own until the command timeout (30 s by default) runs
        // out, on top of SQLite's busy_timeout; matching the two makes the busy timeout the real limit.
        var commandTimeout = Math.Max(1, (int)Math.Ceiling(options.SqliteBusyTimeoutMs / 1000.0));
        builder.Services.AddDbContextFactory<PortalDbContext>(db => db
            .UseSqlite(connectionString, sqlite => sqlite.CommandTimeout(commandTimeout))
            .AddInterceptors(connectionSetup));
        return builder;
    }

    /// <summary>Migrates the database unless <see cref="PortalOptions.MigrateOnStart"/> is off (then run <c>migrate</c>).</summary>
    public static async Task MigrateIfEnabledAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        if (services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PortalOptions>>().Value.MigrateOnStart)
        {
            await services.MigrateDatabaseAsync(cancellationToken);
        }
    }

    /// <summary>Creates or upgrades the database: write-ahead logging on, then every pending migration.</summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        // Building an index over millions of payments takes longer than any request may.
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        await SqliteDatabase.EnableWriteAheadLogAsync(db, cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
    }
}
