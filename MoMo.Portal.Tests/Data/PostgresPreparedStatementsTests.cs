using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Data.Postgres;
using MoMo.Portal.Tests.TestSupport;
using Npgsql;

namespace MoMo.Portal.Tests.Data;

/// <summary>On PostgreSQL the statements the portal repeats are prepared on the server, unless the operator says not to.</summary>
public sealed class PostgresPreparedStatementsTests
{
    [Theory]
    [InlineData("Host=db;Database=momo", PostgresDatabase.DefaultMaxAutoPrepare)]
    [InlineData("Host=db;Database=momo;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;Database=momo;maxautoprepare=12", 12)]
    public void Automatic_preparation_is_on_unless_the_connection_string_sets_it(string given, int expected)
    {
        var used = new NpgsqlConnectionStringBuilder(PostgresDatabase.WithPreparedStatements(given));

        Assert.Equal((expected, "db", "momo"), (used.MaxAutoPrepare, used.Host, used.Database));
    }

    [Fact]
    public async Task A_query_the_portal_repeats_is_prepared_on_its_connection()
    {
        await using var portal = PortalFactory.On(DatabaseProvider.Postgres);
        await portal.InitializeAsync();
        await using var db = portal.CreateDbContext();
        await db.Database.OpenConnectionAsync(Ct);

        for (var since = 0L; since < 6; since++)
        {
            await db.Payments.CountAsync(p => p.Id > since, Ct);
        }

        var prepared = await db.Database
            .SqlQueryRaw<string>("""SELECT statement AS "Value" FROM pg_prepared_statements""")
            .ToListAsync(Ct);
        Assert.Contains(prepared, statement => statement.Contains("\"Payments\"", StringComparison.Ordinal));
    }
}
