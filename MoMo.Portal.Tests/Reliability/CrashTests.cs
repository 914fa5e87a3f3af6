using System.Collections.Concurrent;
using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Reliability;

/// <summary>
/// The portal is killed with SIGKILL while banks POST and the router delivers, then restarted, several times. Banks
/// behave as the API asks: a request without an answer is sent again with the same transaction_id. In the end every
/// payment exists exactly once, with its proof, and has reached the partner — a repeat only ever under the same
/// webhook-id.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class CrashTests : IAsyncDisposable
{
    private const string ApiKey = "mbk_crash_test_key_0123456789abcdef";
    private const int Banks = 8;
    private const int Cycles = 3;

    private readonly TempDirectory _data = new();
    private readonly ConcurrentDictionary<string, long> _acknowledged = new();
    private readonly ConcurrentDictionary<string, byte> _sent = new();

    [Fact]
    public async Task Payments_acknowledged_before_a_kill_survive_it_exactly_once_and_are_delivered()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = new PortalProcess(_data.Path, new Dictionary<string, string>
        {
            ["Routing:AllowPrivateNetworks"] = "true",
            ["Routing:DeliveryTimeout"] = "00:00:01",
            ["Routing:ClaimLease"] = "00:00:03",
            ["Routing:RetrySchedule"] = "1s,1s,1s,1s,1s",
        });
        Assert.Equal(0, await portal.RunCommandAsync("bank", "add", "--code", "africa_bank", "--name", "Africa Bank", "--api-key", ApiKey));
        Assert.Equal(0, await portal.RunCommandAsync("partner", "add", "--account-id", "shop", "--name", "Shop", "--notify", "api",
            "--contact", receiver.Url("shop")));
        Assert.Equal(0, await portal.RunCommandAsync("payer", "add", "--id", "payer1", "--name", "Payer One"));

        var random = new Random(7);
        for (var cycle = 0; cycle < Cycles; cycle++)
        {
            await portal.StartAsync();
            using var stop = new CancellationTokenSource();
            var banks = Enumerable.Range(0, Banks).Select(b => BankAsync(portal.BaseAddress, $"c{cycle}-b{b}", stop.Token)).ToList();
            await Task.Delay(TimeSpan.FromMilliseconds(random.Next(400, 1500)), Xunit.TestContext.Current.CancellationToken);
            await portal.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(banks);
        }

        // The last start: banks send again whatever got no answer; the router finishes the deliveries.
        await portal.StartAsync();
        await ResendUnansweredAsync(portal.BaseAddress);
        try
        {
            await PortalFactory.WaitUntilAsync(async () => await CountAsync("Status <> 'Delivered'") == 0,
                "every payment is delivered", TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"not delivered: {await CountAsync("Status <> 'Delivered'")} of {await CountAsync("1=1")}; errored {await CountAsync("Status = 'Errored'")}, " +
                        $"retrying {await CountAsync("Status = 'RetryScheduled'")}, received {await CountAsync("Status = 'Received'")}, delivering {await CountAsync("Status = 'Delivering'")}");
        }

        Assert.True(_acknowledged.Count > Banks * Cycles, $"only {_acknowledged.Count} payments were acknowledged");
        await using var db = Open();
        var payments = await db.Payments.AsNoTracking().Select(p => new { p.Id, p.BankReference, p.DeliveryId, p.ProofKey })
            .ToListAsync(Xunit.TestContext.Current.CancellationToken);
        // Exactly once: one row per transaction id, and every acknowledged id is the row the bank was told about.
        Assert.Equal(payments.Count, payments.Select(p => p.BankReference).Distinct().Count());
        Assert.Equal(_sent.Count, payments.Count);
        foreach (var (reference, id) in _acknowledged)
        {
            Assert.Equal(id, payments.Single(p => p.BankReference == reference).Id);
        }

        // Nothing half-written: every payment has its proof.
        var proofs = (await db.RequestProofs.Select(p => p.Key).ToListAsync(Xunit.TestContext.Current.CancellationToken)).ToHashSet();
        Assert.All(payments, p => Assert.Contains(p.ProofKey, proofs));

        // Delivered at least once each, and a repeat only under the payment's own webhook-id.
        var deliveredIds = receiver.Received.Select(r => r.Id).ToHashSet();
        Assert.All(payments, p => Assert.Contains(p.DeliveryId, deliveredIds));
        Assert.Subset(payments.Select(p => p.DeliveryId).ToHashSet(), deliveredIds);
    }

    /// <summary>A bank sending payments one after another until told to stop; each id is remembered before it is sent.</summary>
    private async Task BankAsync(Uri portal, string name, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = portal, Timeout = TimeSpan.FromSeconds(5) };
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var reference = $"{name}-{i}";
            _sent[reference] = 0;
            if (!await SendAsync(http, reference))
            {
                return; // the portal is gone; this request is resent after the restart
            }
        }
    }

    private async Task ResendUnansweredAsync(Uri portal)
    {
        using var http = new HttpClient { BaseAddress = portal, Timeout = TimeSpan.FromSeconds(10) };
        foreach (var reference in _sent.Keys.Where(r => !_acknowledged.ContainsKey(r)).ToList())
        {
            Assert.True(await SendAsync(http, reference), $"the resend of {reference} failed");
        }
    }

    private async Task<bool> SendAsync(HttpClient http, string reference)
    {
        try
        {
            using var request = BankRequests.Post(BankRequests.Body("payer1", "shop", "10.00", transactionId: reference), ApiKey);
            request.RequestUri = new Uri("/africa_bank", UriKind.Relative);
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK,
                $"{reference} was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            _acknowledged[reference] = (await response.JsonAsync()).GetProperty("id").GetInt64();
            return true;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
        {
            return false;
        }
    }

    private async Task<int> CountAsync(string where)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_data.Path, "momo.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM Payments WHERE {where};";
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private PortalDbContext Open() => _data.OpenDatabase();

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
        return ValueTask.CompletedTask;
    }
}
