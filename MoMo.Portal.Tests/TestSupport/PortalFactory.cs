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
/// The real app on the real HTTP pipeline, with a database of its own — a SQLite file in a fresh data directory, or a
/// fresh PostgreSQL database (<see cref="PostgresServer"/>) — and one bank, partner and payer whose keys the tests know.
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
        // Most tests look at ingestion alone; router tests turn the background router on.
        ["Routing:RunBackgroundJobs"] = "false",
        ["Routing:AllowPrivateNetworks"] = "true",
        // Admins must set up a second factor by default; the tests of that requirement turn it on again.
        ["MoMo:RequireTwoFactor:0"] = "none",
        // Every test's requests come from one address; tests of the limits set their own.
        ["Intake:FailuresPerMinutePerAddress"] = "1000000",
        // Tests that look at the running totals fold when they mean to.
        ["Close:FoldInterval"] = "00:00:00",
        // Keep test output to what matters; failures still show warnings and errors.
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>A portal on the embedded default, SQLite.</summary>
    public PortalFactory()
        : this(DatabaseProvider.Sqlite)
    {
    }

    /// <summary>A portal on <paramref name="provider"/>; on PostgreSQL the test is skipped when there is no server.</summary>
    public static PortalFactory On(DatabaseProvider provider)
    {
        if (provider == DatabaseProvider.Postgres)
        {
            PostgresServer.Require();
            return new PostgresPortalFactory();
        }

        return new PortalFactory();
    }

    /// <summary>
    /// On PostgreSQL without a server the portal stays unstarted (a class fixture must not fail); the test class then
    /// calls <see cref="PostgresServer.Require"/> to be skipped.
    /// </summary>
    protected PortalFactory(DatabaseProvider provider)
    {
        Provider = provider;
        if (provider == DatabaseProvider.Postgres && PostgresServer.AdminConnectionString is not null)
        {
            ConnectionString = PostgresServer.CreateDatabase();
            _settings["Database:Provider"] = "Postgres";
            _settings["ConnectionStrings:MoMo"] = ConnectionString;
        }
    }

    public DatabaseProvider Provider { get; }

    /// <summary>The PostgreSQL database of this portal, or null on SQLite.</summary>
    public string? ConnectionString { get; }

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

    /// <summary>E-mail through a plain-SMTP server on 127.0.0.1:<paramref name="port"/> (a loopback test server, or none).</summary>
    public PortalFactory WithSmtp(int port, string from = "MoMo Portal <payments@momo.test>") =>
        With("Smtp:Host", "127.0.0.1")
            .With("Smtp:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("Smtp:Security", "None")
            .With("Smtp:From", from);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Outside Development the host only serves published static assets; tests run from a build, so point it at
        // the build's manifest (MudBlazor's _content/, blazor.web.js, the app's own files).
        builder.UseStaticWebAssets();
        builder.UseSetting("MoMo:DataDirectory", _data.Path);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public async ValueTask InitializeAsync()
    {
        if (Provider == DatabaseProvider.Postgres && ConnectionString is null)
        {
            return;
        }

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

    /// <summary>Serves on a real loopback socket (so requests have a remote address) and seeds the test data.</summary>
    public async Task<PortalFactory> StartOnKestrelAsync()
    {
        UseKestrel(0);
        StartServer();
        await InitializeAsync();
        return this;
    }

    /// <summary>Runs <paramref name="sql"/> on this portal's database (SQLite or PostgreSQL).</summary>
    public async Task ExecuteSqlAsync(string sql)
    {
        await using var db = CreateDbContext();
        await db.Database.ExecuteSqlRawAsync(sql);
    }

    /// <summary>Adds a partner notified by webhook at <paramref name="url"/>; returns its secret.</summary>
    public async Task<string> AddWebhookPartnerAsync(string accountId, string url)
    {
        var result = await Services.GetRequiredService<PartnerService>().CreateAsync(
            accountId, $"Partner {accountId}", NotifyMethod.Api, url, null, "test", default);
        return result.Value?.WebhookSecret ?? throw new InvalidOperationException(string.Join("; ", result.Errors.Values));
    }

    /// <summary>Sends a payment through the bank API, as a bank would, and returns its id (it must be answered 201).</summary>
    public async Task<long> PostPaymentAsync(string partner = PartnerId, string amount = "10.00", string? transactionId = null,
        string payer = PayerId)
    {
        using var client = CreateClient();
        var response = await client.SendAsync(BankRequests.Post(
            BankRequests.Body(payer: payer, partner: partner, amount: amount, transactionId: transactionId), BankApiKey));
        if (response.StatusCode != System.Net.HttpStatusCode.Created)
        {
            throw new InvalidOperationException($"The bank API answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        return (await response.JsonAsync()).GetProperty("id").GetInt64();
    }

    public async Task<MoMo.Portal.Payments.Payment> LoadPaymentAsync(long id)
    {
        await using var db = CreateDbContext();
        return await db.Payments.AsNoTracking().Include(p => p.Attempts).SingleAsync(p => p.Id == id);
    }

    /// <summary>Polls until <paramref name="condition"/> holds; fails the test with <paramref name="what"/> after the timeout.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(25);
        }
    }

    public PortalDbContext CreateDbContext() =>
        Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (ConnectionString is not null)
        {
            await PostgresServer.DropDatabaseAsync(ConnectionString);
        }

        _data.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A <see cref="PortalFactory"/> on PostgreSQL, for class fixtures.</summary>
public sealed class PostgresPortalFactory() : PortalFactory(DatabaseProvider.Postgres);
