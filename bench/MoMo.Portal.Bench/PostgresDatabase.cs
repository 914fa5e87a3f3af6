using Npgsql;

namespace MoMo.Portal.Bench;

/// <summary><c>create-database --postgres CS</c>: drops and creates the (empty) database CS names, for a fresh run.</summary>
internal static class PostgresDatabase
{
    public static async Task<int> RunAsync(string[] args)
    {
        var name = await RecreateAsync(new Options(args).Postgres
            ?? throw new ArgumentException("create-database needs --postgres CONNECTION_STRING"));
        Console.WriteLine($"created an empty database {name}");
        return 0;
    }

    /// <summary>Drops (if it exists) and creates the database <paramref name="connectionString"/> names; returns its name.</summary>
    public static async Task<string> RecreateAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database
                   ?? throw new ArgumentException("The connection string names no database.");
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres" }.ConnectionString);
        await connection.OpenAsync();
        foreach (var sql in new[] { $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", $"CREATE DATABASE \"{name}\"" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        // Connections pooled for an earlier database of that name were ended by the drop.
        NpgsqlConnection.ClearAllPools();
        return name;
    }
}
