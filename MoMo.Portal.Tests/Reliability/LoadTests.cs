using System.Net;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Reliability;

/// <summary>64 banks POSTing for 60 s while the router delivers: no error answers, and memory levels off.</summary>
[Collection(ReliabilityCollection.Name)]
public sealed class LoadTests : IDisposable
{
    private const string ApiKey = "mbk_load_test_key_0123456789abcdef";
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task Sixty_seconds_of_64_concurrent_banks_with_the_router_running()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = new PortalProcess(_data.Path, new Dictionary<string, string> { ["Routing:AllowPrivateNetworks"] = "true" });
        Assert.Equal(0, await portal.RunCommandAsync("bank", "add", "--code", "africa_bank", "--name", "Africa Bank", "--api-key", ApiKey));
        Assert.Equal(0, await portal.RunCommandAsync("partner", "add", "--account-id", "shop", "--name", "Shop", "--notify", "api",
            "--contact", receiver.Url("shop")));
        Assert.Equal(0, await portal.RunCommandAsync("payer", "add", "--id", "payer1", "--name", "Payer One"));
        await portal.StartAsync();

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var answers = new System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, int>();
        using var http = new HttpClient { BaseAddress = portal.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var banks = Enumerable.Range(0, 64).Select(b => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                using var request = BankRequests.Post(BankRequests.Body("payer1", "shop", "1.00", transactionId: $"load-{b}-{i}"), ApiKey);
                request.RequestUri = new Uri("/africa_bank", UriKind.Relative);
                using var response = await http.SendAsync(request, ct);
                answers.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
            }
        }, ct)).ToList();

        var memory = new List<long>();
        while (!stop.IsCancellationRequested)
        {
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
            memory.Add(portal.ResidentMegabytes());
        }

        await Task.WhenAll(banks);
        var report = Path.Combine(AppContext.BaseDirectory, "TestResults", "load.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(report)!);
        await File.WriteAllTextAsync(report, $"answers: {string.Join(", ", answers)}\nresident MB every 5 s: {string.Join(", ", memory)}\n", ct);

        Assert.Equal([HttpStatusCode.Created], answers.Keys);
        Assert.True(answers[HttpStatusCode.Created] > 10_000, $"only {answers[HttpStatusCode.Created]} payments in 60 s");
        // Flat: the last 20 s hold on average less than 25 % more memory than the 20 s after warm-up (averages, because
        // each sample lands anywhere in a garbage-collection cycle).
        var afterWarmUp = memory.Skip(1).Take(4).Average();
        var atTheEnd = memory.TakeLast(4).Average();
        Assert.True(atTheEnd < afterWarmUp * 1.25, $"resident memory {string.Join(", ", memory)} MB");
        await EveryPaymentArrivesAsync(receiver, answers[HttpStatusCode.Created], ct);
    }

    /// <summary>
    /// Waits until the partner has <paramref name="expected"/> payments. One partner takes a few in flight at a time, so
    /// what the banks sent faster than that drains after the load at the partner's pace: the wait fails when arrivals
    /// stop for 30 s, not after a fixed time that a faster ingestion would outgrow (358,000 payments in a minute).
    /// </summary>
    private static async Task EveryPaymentArrivesAsync(WebhookReceiver receiver, int expected, CancellationToken ct)
    {
        var arrived = receiver.For("shop").Count();
        var lastArrival = DateTime.UtcNow;
        while (arrived < expected)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var now = receiver.For("shop").Count();
            if (now > arrived)
            {
                (arrived, lastArrival) = (now, DateTime.UtcNow);
            }
            else if (DateTime.UtcNow - lastArrival > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"The partner has {arrived} of {expected} payments and got none for 30 s.");
            }
        }
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }
}
