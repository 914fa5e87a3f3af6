using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.Extensions.DependencyInjection;
using MoMo.Portal.Data;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Data;

public sealed class MigrationTests
{
    [Fact]
    public async Task Starting_on_an_empty_data_directory_creates_the_schema_in_wal_mode()
    {
        await using var portal = new PortalFactory();
        await portal.InitializeAsync();

        var file = Path.Combine(portal.DataDirectory, "momo.db");
        Assert.True(File.Exists(file));
        await using var connection = new SqliteConnection($"Data Source={file}");
        await connection.OpenAsync(Ct);
        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode;"));

        var tables = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name;";
            await using var reader = await command.ExecuteReaderAsync(Ct);
            while (await reader.ReadAsync(Ct))
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var table in new[] { "Payments", "DeliveryAttempts", "Partners", "Payers", "Banks", "RequestProofs",
                                      "IntakeRecords", "AuditEntries", "AspNetUsers", "AspNetRoles", "__EFMigrationsHistory" })
        {
            Assert.Contains(table, tables);
        }
    }

    [Fact]
    public async Task Every_connection_enforces_foreign_keys_and_full_sync_with_a_busy_timeout_and_a_larger_checkpoint()
    {
        await using var portal = new PortalFactory().With("MoMo:SqliteBusyTimeoutMs", "1234");
        await portal.InitializeAsync();
        await using var db = portal.CreateDbContext();
        await db.Database.OpenConnectionAsync(Ct);
        var connection = db.Database.GetDbConnection();

        Assert.Equal("1", await ScalarAsync(connection, "PRAGMA foreign_keys;"));
        Assert.Equal("2", await ScalarAsync(connection, "PRAGMA synchronous;")); // 2 = FULL
        Assert.Equal("1234", await ScalarAsync(connection, "PRAGMA busy_timeout;"));
        Assert.Equal("4000", await ScalarAsync(connection, "PRAGMA wal_autocheckpoint;"));
    }

    [Fact]
    public async Task Committed_migrations_match_the_model()
    {
        await using var portal = new PortalFactory();
        await portal.InitializeAsync();
        await using var db = portal.CreateDbContext();

        Assert.False(db.Database.HasPendingModelChanges(), "The model changed without a migration: run 'dotnet ef migrations add'.");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
    }

    [Fact]
    public void Each_providers_migration_set_matches_the_shared_model()
    {
        using var sqlite = new MoMo.Portal.Data.Sqlite.SqlitePortalDbContextDesignFactory().CreateDbContext([]);
        using var postgres = new MoMo.Portal.Data.Postgres.PostgresPortalDbContextDesignFactory().CreateDbContext([]);

        Assert.False(sqlite.Database.HasPendingModelChanges(),
            "The model changed without a SQLite migration: see README (To change the schema).");
        Assert.False(postgres.Database.HasPendingModelChanges(),
            "The model changed without a PostgreSQL migration: see README (To change the schema).");
        Assert.Equal(Migrated(sqlite), Migrated(postgres));
        // SQLite keeps the payments' payer and amount keys in a file of its own, not in its migrations (SqlitePaymentKeys).
        Assert.Equal(["PaymentKeys"], DesignModel(sqlite).GetEntityTypes().Where(e => e.IsTableExcludedFromMigrations()).Select(e => e.GetTableName()));

        static IModel DesignModel(DbContext db) => db.GetService<IDesignTimeModel>().Model;
        static IEnumerable<string?> Migrated(DbContext db) =>
            DesignModel(db).GetEntityTypes().Where(e => !e.IsTableExcludedFromMigrations()).Select(e => e.GetTableName()).Order();
    }

    [Fact]
    public async Task Connection_string_setting_overrides_the_database_location()
    {
        using var elsewhere = new TempDirectory();
        var file = Path.Combine(elsewhere.Path, "nested", "custom.db");
        await using var portal = new PortalFactory().With("ConnectionStrings:MoMo", $"Data Source={file}");
        await portal.InitializeAsync();

        Assert.True(File.Exists(file));
        Assert.False(File.Exists(Path.Combine(portal.DataDirectory, "momo.db")));
        SqliteConnection.ClearAllPools();
    }

    [Fact]
    public async Task With_migration_on_start_turned_off_the_app_leaves_the_database_alone()
    {
        await using var portal = new PortalFactory().With("MoMo:MigrateOnStart", "false");
        _ = portal.Services;

        await using var db = portal.CreateDbContext();
        Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync(Ct));
    }

    private static async Task<string?> ScalarAsync(System.Data.Common.DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
