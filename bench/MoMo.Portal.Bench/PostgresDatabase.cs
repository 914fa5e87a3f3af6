using Npgsql;

namespace MoMo.Portal.Bench;

/// <summary><c>create-database --postgres CS</c>: drops and creates the (empty) database CS names, for a fresh run.</summary>
internal static class PostgresDatabase
{
    public static async Task<int> RunAsync(string[] args)
    {
        var target = new NpgsqlConnectionStringBuilder(new Options(args).Postgres
            ?? throw new ArgumentException("create-database needs --postgres CONNECTION_STRING"));
        var name = target.Database ?? throw new ArgumentException("The connection string names no database.");
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres" }.ConnectionString);
        await connection.OpenAsync();
        foreach (var sql in new[] { $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", $"CREATE DATABASE \"{name}\"" })
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }

        Console.WriteLine($"created an empty database {name}");
        return 0;
    }
}
