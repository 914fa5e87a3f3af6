using MoMo.Portal.Banks;
using MoMo.Portal.Data;
using MoMo.Portal.Partners;
using MoMo.Portal.Payers;

namespace MoMo.Portal.Bench;

/// <summary>
/// <c>seed-ingest --data DIR [--postgres CS] --key K --n N [--unknown-reference hold]</c>: a fresh database with bank
/// africa_bank (key K; holding payments for unknown payers in suspense when asked) and partners and payers
/// partner1..N / payer1..N, as the load generator's requests name them.
/// </summary>
internal static class IngestSeed
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var builder = BenchPortal.CreateBuilder(options.Get("data", "bench-data"));
        options.UseDatabase(builder.Configuration);
        builder.AddPortal();
        await using var app = builder.Build();
        await app.Services.MigrateDatabaseAsync();

        var key = options.Get("key", BankApiKeys.Generate());
        var banks = app.Services.GetRequiredService<BankService>();
        await banks.CreateAsync("africa_bank", "Africa Bank", key, "bench", CancellationToken.None);
        if (options.Get("unknown-reference", "reject") == "hold")
        {
            await banks.SetUnknownReferenceAsync("africa_bank", UnknownReferencePolicy.Hold, "bench", CancellationToken.None);
        }

        var partners = app.Services.GetRequiredService<PartnerService>();
        var payers = app.Services.GetRequiredService<PayerService>();
        var count = options.Get("n", 100);
        for (var i = 1; i <= count; i++)
        {
            // Webhooks to a closed loopback port: the router is off during the ingestion benchmark anyway.
            await partners.CreateAsync($"partner{i}", $"Partner {i}", NotifyMethod.Api, $"http://127.0.0.1:9/hooks/{i}", null, "bench", CancellationToken.None);
            await payers.CreateAsync($"payer{i}", $"Payer {i}", null, "bench", CancellationToken.None);
        }

        Console.WriteLine($"seeded africa_bank, {count} partners and {count} payers");
        return 0;
    }
}
