using System.Data.Common;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MoMo.Portal.Data.Postgres;
using MoMo.Portal.Data.Sqlite;
using MoMo.Portal.Partners;

namespace MoMo.Portal.Data;

public static class DataExtensions
{
    /// <summary>
    /// The database (SQLite under the data directory, or PostgreSQL), <see cref="PortalDbContext"/> (a factory for
    /// components and jobs, and a scoped context for Identity's stores) and the data-protection keys kept in it.
    /// </summary>
    public static WebApplicationBuilder AddPortalData(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PortalOptions>().BindConfiguration(PortalOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        var options = builder.Configuration.GetSection(PortalOptions.Section).Get<PortalOptions>() ?? new PortalOptions();
        var database = ReadDatabaseOptions(builder.Configuration);

        var dataDirectory = new DataDirectory(
            Path.GetFullPath(Path.Combine(builder.Environment.ContentRootPath, options.DataDirectory)));
        builder.Services.AddSingleton(dataDirectory);
        var connectionString = builder.Configuration.GetConnectionString("MoMo");
        var portalDatabase = database.Provider switch
        {
            DatabaseProvider.Postgres => builder.Services.AddPostgresPortalDbContext(connectionString),
            _ => builder.Services.AddSqlitePortalDbContext(connectionString, CreateDataDirectory(dataDirectory), options.SqliteBusyTimeoutMs),
        };
        builder.Services.AddSingleton(portalDatabase);
        builder.Services.AddSingleton<WriteTurns>();

        // In the database, not in files: every instance signs and reads the same cookies and antiforgery tokens, and
        // sign-ins survive restarts and redeployments.
        var dataProtection = builder.Services.AddDataProtection().PersistKeysToDbContext<PortalDbContext>().SetApplicationName("MoMo.Portal");
        if (options.KeyProtectionCertificate is { Length: > 0 } certificate)
        {
            dataProtection.ProtectKeysWithCertificate(LoadCertificate(certificate, options.KeyProtectionCertificatePassword));
        }
        else if (builder.Environment.IsProduction() && !options.AllowUnprotectedKeys)
        {
            // The keys encrypt the webhook secrets and sign the sign-in cookies: in clear beside the data they protect,
            // a copy of the database would be enough to forge a session or sign as MoMo Portal.
            throw new StartupException(
                $"{PortalOptions.Section}:KeyProtectionCertificate is not set, so the data-protection keys (which encrypt webhook " +
                "secrets and sign sign-in cookies) would be stored in clear in the database. Set it to a .pfx file kept outside " +
                $"the database (docs/DEPLOYMENT.md), or set {PortalOptions.Section}:AllowUnprotectedKeys=true to run without it on purpose.");
        }

        return builder;
    }

    private static X509Certificate2 LoadCertificate(string path, string? password)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
            return certificate.HasPrivateKey
                ? certificate
                : throw new StartupException($"{PortalOptions.Section}:KeyProtectionCertificate '{path}' has no private key: the keys could not be read back.");
        }
        catch (Exception exception) when (exception is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new StartupException(
                $"{PortalOptions.Section}:KeyProtectionCertificate '{path}' cannot be loaded: {exception.Message} " +
                $"(a .pfx file; its password goes in {PortalOptions.Section}:KeyProtectionCertificatePassword).", exception);
        }
    }

    /// <summary>
    /// Registers the provider's own context type and serves it as <see cref="PortalDbContext"/>, which is all the rest
    /// of the app asks for.
    /// </summary>
    internal static void AddPortalDbContext<TContext>(this IServiceCollection services, Action<DbContextOptionsBuilder> configure)
        where TContext : PortalDbContext
    {
        services.AddDbContextFactory<TContext>(configure);
        services.AddSingleton<IDbContextFactory<PortalDbContext>, PortalDbContextFactory<TContext>>();
        services.AddScoped<PortalDbContext>(provider => provider.GetRequiredService<TContext>());
    }

    /// <summary>Migrates the database unless <see cref="PortalOptions.MigrateOnStart"/> is off (then run <c>migrate</c>).</summary>
    public static async Task MigrateIfEnabledAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        if (services.GetRequiredService<IOptions<PortalOptions>>().Value.MigrateOnStart)
        {
            await services.MigrateDatabaseAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Creates or upgrades the database with the provider's own migration set (on SQLite, write-ahead logging first).
    /// Instances starting together are safe: EF Core holds a database lock while it migrates.
    /// </summary>
    public static async Task MigrateDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var factory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        // Building an index over millions of payments takes longer than any request may.
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(30));
        try
        {
            if (db is SqlitePortalDbContext sqlite)
            {
                sqlite.AttachesKeys = false;
                await SqliteDatabase.EnableWriteAheadLogAsync(db, cancellationToken);
            }
            else if (db.Database.IsNpgsql())
            {
                await PostgresDatabase.CreateMigrationHistoryAsync(db, cancellationToken);
            }

            await db.Database.MigrateAsync(cancellationToken);
            // Data the schema change cannot convert itself: webhook secrets written in clear by earlier versions.
            await services.GetRequiredService<WebhookSecretVault>().ProtectStoredAsync(factory, cancellationToken);
        }
        // EF Core wraps an error it deems transient (a refused connection) in an InvalidOperationException.
        catch (Exception exception) when ((exception as DbException ?? exception.InnerException as DbException) is { } error)
        {
            // One line an operator can act on (a full disk, a server that is down), not a stack trace in a restart loop.
            throw new StartupException(db.Database.IsNpgsql()
                ? $"{PostgresDatabase.Describe(db)} cannot be reached or prepared: {error.Message}. " +
                  "Check that the server runs and that ConnectionStrings:MoMo is right."
                : $"The SQLite database '{db.Database.GetDbConnection().DataSource}' cannot be prepared: {error.Message} " +
                  $"Check that the disk has room and that {PortalOptions.Section}:DataDirectory is writable.",
                exception);
        }
    }

    private static DatabaseOptions ReadDatabaseOptions(IConfiguration configuration)
    {
        try
        {
            return configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        }
        catch (InvalidOperationException exception)
        {
            throw new StartupException(
                $"{DatabaseOptions.Section}:Provider must be {DatabaseProvider.Sqlite} or {DatabaseProvider.Postgres}: {exception.Message}",
                exception);
        }
    }

    private static DataDirectory CreateDataDirectory(DataDirectory dataDirectory)
    {
        try
        {
            Directory.CreateDirectory(dataDirectory.Path);
            return dataDirectory;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new StartupException(
                $"The data directory '{dataDirectory.Path}' cannot be created: {exception.Message} " +
                $"Set {PortalOptions.Section}:DataDirectory (environment variable MoMo__DataDirectory) to a writable folder.",
                exception);
        }
    }

    private sealed class PortalDbContextFactory<TContext>(IDbContextFactory<TContext> factory) : IDbContextFactory<PortalDbContext>
        where TContext : PortalDbContext
    {
        public PortalDbContext CreateDbContext() => factory.CreateDbContext();

        public async Task<PortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
            await factory.CreateDbContextAsync(cancellationToken);
    }
}
