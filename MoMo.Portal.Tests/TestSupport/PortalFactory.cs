using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MoMo.Portal.Banks;
using MoMo.Portal.Data;
using MoMo.Portal.Partners;
using MoMo.Portal.Payers;

namespace MoMo.Portal.Tests.TestSupport;

/// <summary>
/// The real app on the real HTTP pipeline, with its own SQLite file in a fresh data directory, and one bank,
/// partner and payer whose keys the tests know.
/// </summary>
public class PortalFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public const string BankCode = "test_bank";
    public const string OtherBankCode = "other_bank";
    public const string DisabledBankCode = "closed_bank";
    public const string PartnerId = "merchant-1";
    public const string PayerId = "payer-1";

    private readonly TempDirectory _data = new();
    private readonly Dictionary<string, string> _settings = new()
    {
        ["MoMo:MigrateOnStart"] = "true",
        // Keep test output to what matters; failures still show warnings and errors.
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public string DataDirectory => _data.Path;
    public string BankApiKey { get; private set; } = "";
    public string OtherBankApiKey { get; private set; } = "";
    public string DisabledBankApiKey { get; private set; } = "";

    /// <summary>Adds or replaces a setting before the server starts.</summary>
    public PortalFactory With(string key, string value)
    {
        _settings[key] = value;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("MoMo:DataDirectory", _data.Path);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public async ValueTask InitializeAsync()
    {
        var banks = Services.GetRequiredService<BankService>();
        BankApiKey = (await banks.CreateAsync(BankCode, "Test Bank", null, "test", default)).Value!.ApiKey;
        OtherBankApiKey = (await banks.CreateAsync(OtherBankCode, "Other Bank", null, "test", default)).Value!.ApiKey;
        DisabledBankApiKey = (await banks.CreateAsync(DisabledBankCode, "Closed Bank", null, "test", default)).Value!.ApiKey;
        await using (var db = CreateDbContext())
        {
            await db.Banks.Where(b => b.Code == DisabledBankCode).ExecuteUpdateAsync(s => s.SetProperty(b => b.IsActive, false));
        }

        await Services.GetRequiredService<PartnerService>().CreateAsync(
            PartnerId, "Merchant One", NotifyMethod.Api, "https://merchant.example/hooks", null, "test", default);
        await Services.GetRequiredService<PayerService>().CreateAsync(PayerId, "Payer One", null, "test", default);
    }

    public PortalDbContext CreateDbContext() =>
        Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
        GC.SuppressFinalize(this);
    }
}
