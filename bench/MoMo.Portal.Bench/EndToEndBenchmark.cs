using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using MoMo.Portal.Banks;
using MoMo.Portal.Partners;
using MoMo.Portal.Payers;

namespace MoMo.Portal.Bench;

/// <summary>
/// <c>e2e [--rate 200] [--seconds 20]</c>: banks POST at a steady rate to the full portal (Kestrel on loopback, the
/// background router on); a loopback partner notes when each webhook arrives. Latency = partner receipt − bank's 201.
/// </summary>
internal static class EndToEndBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var rate = options.Get("rate", 200);
        var seconds = options.Get("seconds", 20);
        var received = new ConcurrentDictionary<long, long>();
        var clock = Stopwatch.StartNew();

        await using var partner = await LoopbackPartner.StartAsync(received, clock);
        using var scratch = ScratchDirectory.Create("e2e");
        var builder = BenchPortal.CreateBuilder(scratch.Path);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AllowLoopbackPartners();
        builder.AddPortal();
        await using var app = builder.Build();
        await app.PrepareDatabaseAsync(TextWriter.Null);
        app.UsePortal();
        var key = BankApiKeys.Generate();
        await app.Services.GetRequiredService<BankService>().CreateAsync("africa_bank", "Africa Bank", key, "bench", CancellationToken.None);
        await app.Services.GetRequiredService<PartnerService>().CreateAsync("shop", "Shop", NotifyMethod.Api, partner.Url + "/hooks", null, "bench", CancellationToken.None);
        await app.Services.GetRequiredService<PayerService>().CreateAsync("payer1", "Payer", null, "bench", CancellationToken.None);
        await app.StartAsync();
        var portal = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        using var http = new HttpClient { BaseAddress = new Uri(portal) };
        var acknowledged = new ConcurrentDictionary<long, long>();
        var sends = new List<Task>();
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var start = clock.Elapsed;
        for (var i = 0; i < rate * seconds; i++)
        {
            var due = start + interval * i;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var n = i;
            sends.Add(Task.Run(async () =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/africa_bank")
                {
                    Content = new StringContent($$"""{"reference_number":"payer1","account_number":"shop","amount":"1.00","currency":"USD","transaction_id":"e2e-{{n}}"}""",
                        Encoding.UTF8, "application/json"),
                };
                request.Headers.Add("X-Api-Key", key);
                using var response = await http.SendAsync(request);
                var at = clock.ElapsedTicks;
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                acknowledged[json.RootElement.GetProperty("id").GetInt64()] = at;
            }));
        }

        await Task.WhenAll(sends);
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(30);
        while (received.Count < acknowledged.Count && clock.Elapsed < deadline)
        {
            await Task.Delay(100);
        }

        var latencies = acknowledged.Where(a => received.ContainsKey(a.Key))
            .Select(a => (received[a.Key] - a.Value) * 1000.0 / Stopwatch.Frequency).Order().ToList();
        Console.WriteLine();
        Console.WriteLine("| rate | payments | delivered | p50 ms | p99 ms | max ms |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|");
        Console.WriteLine($"| {rate}/s for {seconds} s | {acknowledged.Count:N0} | {latencies.Count:N0} | {latencies[latencies.Count / 2]:0} | " +
                          $"{latencies[(int)(latencies.Count * 0.99)]:0} | {latencies[^1]:0} |");
        await app.StopAsync();
        return latencies.Count == acknowledged.Count ? 0 : 1;
    }
}
