using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using MoMo.Portal.Banks;
using MoMo.Portal.Partners;
using MoMo.Portal.Payers;

namespace MoMo.Portal.Bench;

/// <summary>
/// <c>sustain [--seconds 60] [--start 1000] [--connections 256] [--rates R1,R2,...] [--partners 10] [--warmup-seconds 15] [--postgres CS]</c>: the highest bank
/// rate one instance sustains with the router on. Each trial starts a fresh portal (Kestrel on loopback, the background
/// router and Hangfire on, as in production) and a loopback partner receiver, sends payments at a steady rate for the
/// given seconds over up to --connections (256) bank connections, and passes only when every payment got its 201 (p99 under 1 s: the banks
/// were not queueing) and reached its partner within 5 s of that 201 (the router's backlog stayed bounded). Without --rates the rate grows by half until a trial fails, then
/// is bisected to within a tenth. Everything shares this machine's cores: the banks, the portal and the partner. The
/// percentiles leave out the first quarter of the trial, at most 5 s (warming up); the verdict counts every payment.
/// A first trial of --warmup-seconds (15; 0: none) at the first rate is not reported: the portals of all trials run in
/// this process, and without it the first reported trial was the one that compiled the code, and failed.
/// </summary>
internal static class SustainedBenchmark
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(5);

    /// <summary>The banks must not queue: a 201 p99 beyond this means the portal fell behind the offered rate.</summary>
    private static readonly TimeSpan s_ackBound = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var seconds = options.Get("seconds", 60);
        var partners = options.Get("partners", 10);
        var fixedRates = options.Get("rates", "") is { Length: > 0 } list
            ? list.Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToList()
            : null;

        var warmupSeconds = options.Get("warmup-seconds", 15);
        Console.WriteLine($"database: {(options.Postgres is null ? "SQLite (embedded default)" : "PostgreSQL")}; " +
                          $"{seconds} s per trial, {partners} webhook partners, bound {s_bound.TotalSeconds:0} s from 201 to receipt");
        if (warmupSeconds > 0)
        {
            var warmupRate = fixedRates?.FirstOrDefault() ?? options.Get("start", 1000);
            Console.WriteLine($"warm-up: {warmupSeconds} s at {warmupRate:N0}/s, not reported");
            await TrialAsync(options, warmupRate, warmupSeconds, partners, report: false);
        }

        Console.WriteLine("| offered rate | sent/s | 201s | delivered | 201 p99 ms | receipt p50 ms | receipt p99 ms | receipt max ms | verdict |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---|");

        int? best = null;
        if (fixedRates is not null)
        {
            foreach (var rate in fixedRates)
            {
                if (await TrialAsync(options, rate, seconds, partners))
                {
                    best = Math.Max(best ?? 0, rate);
                }
            }
        }
        else
        {
            var low = 0;
            int? high = null;
            var rate = options.Get("start", 1000);
            while (high is null || high - low > Math.Max(100, low / 10))
            {
                if (await TrialAsync(options, rate, seconds, partners))
                {
                    low = rate;
                }
                else
                {
                    high = rate;
                }

                rate = high is { } failed ? (low + failed) / 2 : rate * 3 / 2;
            }

            best = low == 0 ? null : low;
        }

        Console.WriteLine();
        Console.WriteLine(best is { } sustained
            ? $"highest sustained rate: {sustained:N0} payments/s for {seconds} s"
            : "no rate tried was sustained");
        return best is null ? 1 : 0;
    }

    /// <summary>One trial at <paramref name="rate"/>; true when every payment was acknowledged and delivered within the bound.</summary>
    private static async Task<bool> TrialAsync(Options options, int rate, int seconds, int partnerCount, bool report = true)
    {
        var connections = options.Get("connections", 256);
        var clock = Stopwatch.StartNew();
        var received = new ConcurrentDictionary<long, long>();
        await using var receiver = await LoopbackPartner.StartAsync(received, clock);
        if (options.Postgres is { } postgres)
        {
            await PostgresDatabase.RecreateAsync(postgres);
        }

        using var scratch = ScratchDirectory.Create("sustain");
        var builder = BenchPortal.CreateBuilder(scratch.Path, logLevel: "Error");
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AllowLoopbackPartners();
        builder.Configuration["Intake:RequestsPerSecondPerBank"] = "1000000";
        options.UseDatabase(builder.Configuration);
        builder.AddPortal();
        await using var app = builder.Build();
        await app.PrepareDatabaseAsync(TextWriter.Null);
        app.UsePortal();
        var key = BankApiKeys.Generate();
        await app.Services.GetRequiredService<BankService>().CreateAsync("africa_bank", "Africa Bank", key, "bench", CancellationToken.None);
        var partners = app.Services.GetRequiredService<PartnerService>();
        for (var p = 1; p <= partnerCount; p++)
        {
            await partners.CreateAsync($"partner{p}", $"Partner {p}", NotifyMethod.Api, $"{receiver.Url}/hooks/{p}", null, "bench", CancellationToken.None);
        }

        await app.Services.GetRequiredService<PayerService>().CreateAsync("payer1", "Payer", null, "bench", CancellationToken.None);
        await app.StartAsync();
        var portal = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

        // The banks never wait for one another (an open loop), over at most this many connections at once.
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = connections }) { BaseAddress = new Uri(portal) };
        var acknowledged = new ConcurrentDictionary<long, (long At, bool Measured)>();
        var ackLatencies = new ConcurrentBag<double>();
        // The percentiles leave out the first seconds (the JIT and the caches warming up); the verdict counts every payment.
        var warmUp = rate * Math.Min(5, seconds / 4);
        var refused = 0;
        var sends = new List<Task>(rate * seconds);
        var interval = TimeSpan.FromSeconds(1.0 / rate);
        var start = clock.Elapsed;
        for (var i = 0; i < rate * seconds; i++)
        {
            var due = start + interval * i;
            if (due - clock.Elapsed > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(due - clock.Elapsed);
            }

            var n = i;
            sends.Add(Task.Run(async () =>
            {
                var sentAt = clock.ElapsedTicks;
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/africa_bank")
                    {
                        Content = new StringContent(
                            $$"""{"reference_number":"payer1","account_number":"partner{{n % partnerCount + 1}}","amount":"1.00","currency":"USD","transaction_id":"s-{{n}}"}""",
                            Encoding.UTF8, "application/json"),
                    };
                    request.Headers.Add("X-Api-Key", key);
                    using var response = await http.SendAsync(request);
                    var at = clock.ElapsedTicks;
                    if ((int)response.StatusCode != 201)
                    {
                        Interlocked.Increment(ref refused);
                        return;
                    }

                    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                    acknowledged[json.RootElement.GetProperty("id").GetInt64()] = (at, n >= warmUp);
                    if (n >= warmUp)
                    {
                        ackLatencies.Add((at - sentAt) * 1000.0 / Stopwatch.Frequency);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref refused);
                }
            }));
        }

        var offeredFor = clock.Elapsed - start;
        await Task.WhenAll(sends);
        var deadline = clock.Elapsed + s_bound + TimeSpan.FromSeconds(5);
        while (received.Count < acknowledged.Count && clock.Elapsed < deadline)
        {
            await Task.Delay(100);
        }

        var latencies = acknowledged.Select(a => received.TryGetValue(a.Key, out var at) ? (at - a.Value.At) * 1000.0 / Stopwatch.Frequency : double.PositiveInfinity)
            .Order().ToList();
        var measured = acknowledged.Where(a => a.Value.Measured)
            .Select(a => received.TryGetValue(a.Key, out var at) ? (at - a.Value.At) * 1000.0 / Stopwatch.Frequency : double.PositiveInfinity)
            .Order().ToList();
        var acks = ackLatencies.Order().ToList();
        var sentPerSecond = rate * seconds / offeredFor.TotalSeconds;
        var delivered = latencies.Count(l => !double.IsInfinity(l));
        // The banks must have kept the pace (a slow generator would flatter the portal), every payment must be
        // acknowledged, and each one delivered within the bound.
        var passed = refused == 0 && sentPerSecond >= rate * 0.98 && delivered == rate * seconds
                     && latencies.Count > 0 && latencies[^1] <= s_bound.TotalMilliseconds
                     && Percentile(acks, 0.99) <= s_ackBound.TotalMilliseconds;
        if (report)
        {
            Console.WriteLine($"| {rate:N0}/s | {sentPerSecond:N0} | {acknowledged.Count:N0} | {delivered:N0} | {Percentile(acks, 0.99):0} | " +
                              $"{Percentile(measured, 0.5):0} | {Percentile(measured, 0.99):0} | {(latencies.Count > 0 ? latencies[^1] : 0):0} | " +
                              $"{(passed ? "sustained" : refused > 0 ? $"{refused:N0} refused" : "not sustained")} |");
        }

        await app.StopAsync();
        return passed;
    }

    private static double Percentile(List<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * q))];
}
