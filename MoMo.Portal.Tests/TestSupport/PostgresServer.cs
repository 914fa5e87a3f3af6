using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Data.Postgres;
using Npgsql;

namespace MoMo.Portal.Tests.TestSupport;

/// <summary>
/// The PostgreSQL server the scale-out tests run against: <c>MOMO_TEST_POSTGRES</c> names it (a connection string with
/// the right to create databases; <c>.ci/postgres start</c> starts a throw-away one and prints it), or else, where
/// Debian's PostgreSQL is installed, a cluster the test run starts for itself (<see cref="OwnPostgresCluster"/>). Every
/// portal gets a database of its own, dropped afterwards. Without either the tests are skipped with the command that
/// installs PostgreSQL — except in CI, where a missing server is a failure, so a broken setup cannot pass as "skipped".
/// </summary>
public static class PostgresServer
{
    public const string Variable = "MOMO_TEST_POSTGRES";

    public static string? AdminConnectionString => s_server.Value;

    private static readonly Lazy<string?> s_server = new(() =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } named ? named
        : OwnPostgresCluster.BinDirectory is { } bin ? OwnPostgresCluster.Start(bin)
        : null);

    /// <summary>Call first in a PostgreSQL test: skips it (or fails it in CI) when no server was given.</summary>
    public static void Require()
    {
        if (AdminConnectionString is not null)
        {
            return;
        }

        var reason = "PostgreSQL tests need PostgreSQL: install it with `sudo apt-get install postgresql` and the tests start a " +
                     $"throw-away cluster of their own, or export {Variable} with a server's connection string (`.ci/postgres start` prints one).";
        if (Environment.GetEnvironmentVariable("CI") is { Length: > 0 })
        {
            Assert.Fail(reason + " (CI is set, so the tests must run.)");
        }

        Assert.Skip(reason);
    }

    /// <summary><see cref="Require"/>, for a test class handing its fixture to a base class.</summary>
    public static T Required<T>(T fixture)
    {
        Require();
        return fixture;
    }

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static string CreateDatabase()
    {
        var admin = new NpgsqlConnectionStringBuilder(AdminConnectionString);
        var name = $"momo_test_{Guid.NewGuid():N}";
        using (var connection = new NpgsqlConnection(admin.ConnectionString))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Drops a database made by <see cref="CreateDatabase"/>, closing whatever still uses it.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using (var pooled = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A context on a database made by <see cref="CreateDatabase"/>.</summary>
    public static PortalDbContext OpenDatabase(string connectionString) => new PostgresPortalDbContext(
        new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(connectionString).Options);

    public static async Task<long> ScalarAsync(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
