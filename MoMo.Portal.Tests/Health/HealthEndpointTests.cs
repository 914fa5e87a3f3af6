using System.Net;
using MoMo.Portal.Data;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Health;

/// <summary>The load balancer's view: anonymous probes that say whether the instance lives and can work.</summary>
public abstract class HealthEndpointTests(DatabaseProvider provider) : IAsyncLifetime
{
    private readonly PortalFactory _portal = PortalFactory.On(provider);

    public async ValueTask InitializeAsync() => await _portal.InitializeAsync();

    [Fact]
    public async Task Live_and_ready_answer_anonymously_with_each_check()
    {
        using var client = SignIn.Anonymous(_portal);

        var live = await client.GetAsync("/health/live", Ct);
        var ready = await client.GetAsync("/health/ready", Ct);

        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("Healthy", (await live.JsonAsync()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var checks = (await ready.JsonAsync()).GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database").GetString());
        Assert.Equal("Healthy", checks.GetProperty("hangfire").GetString());
    }

    [Fact]
    public async Task Ready_fails_while_the_database_is_gone_and_live_still_answers()
    {
        using var client = SignIn.Anonymous(_portal);
        await MakeDatabaseUnreachableAsync();

        var ready = await client.GetAsync("/health/ready", Ct);
        var live = await client.GetAsync("/health/live", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"database\":\"Unhealthy\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    private async Task MakeDatabaseUnreachableAsync()
    {
        if (_portal.ConnectionString is { } connectionString)
        {
            await PostgresServer.DropDatabaseAsync(connectionString);
            return;
        }

        // A directory where the database file was: SQLite cannot open it.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var file = Path.Combine(_portal.DataDirectory, "momo.db");
        foreach (var path in new[] { file, file + "-wal", file + "-shm" })
        {
            File.Delete(path);
        }

        Directory.CreateDirectory(file);
    }

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();
}

public sealed class HealthEndpointOnSqliteTests() : HealthEndpointTests(DatabaseProvider.Sqlite);

public sealed class HealthEndpointOnPostgresTests() : HealthEndpointTests(DatabaseProvider.Postgres);
