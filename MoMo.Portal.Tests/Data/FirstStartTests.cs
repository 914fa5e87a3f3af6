using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MoMo.Portal.Data;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Data;

public sealed class FirstStartTests : IDisposable
{
    private readonly TempDirectory _data = new();
    [Fact]
    public async Task First_development_start_creates_sample_data_and_prints_how_to_sign_in_once()
    {
        var first = new StringWriter();
        var second = new StringWriter();

        await using (var app = CommandLineRunner.BuildApp("Development", _data.Path))
        {
            await app.PrepareDatabaseAsync(first);
        }

        await using (var app = CommandLineRunner.BuildApp("Development", _data.Path))
        {
            await app.PrepareDatabaseAsync(second);
            var factory = app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
            await using var db = await factory.CreateDbContextAsync(Ct);
            Assert.Equal(2, await db.Payers.CountAsync(Ct));
        }

        Assert.Contains($"Sign in as {SampleData.AdminEmail}", first.ToString(), StringComparison.Ordinal);
        Assert.Contains("API key (shown once): mbk_", first.ToString(), StringComparison.Ordinal);
        Assert.Equal("", second.ToString());
    }

    [Fact]
    public async Task Production_start_creates_no_sample_data()
    {
        var output = new StringWriter();
        await using var app = CommandLineRunner.BuildApp("Production", _data.Path);

        await app.PrepareDatabaseAsync(output);

        Assert.Equal("", output.ToString());
        Assert.True(await SampleData.IsEmptyAsync(app.Services, Ct));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }
}
