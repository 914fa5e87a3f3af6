using System.Collections.Concurrent;
using System.Net;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Payments;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Reliability;

/// <summary>
/// The scale-out profile for real: several portal processes on one PostgreSQL database, as behind a load balancer.
/// Banks POST to every instance at once, a bank that loses its instance sends the same payment to another, and every
/// instance runs the router. Each payment is stored once and delivered once; a killed instance's claims are taken
/// over by the others; a sign-in on one instance is honoured by the others.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class ScaleOutTests : IAsyncDisposable
{
    private const string ApiKey = "mbk_scale_out_test_key_0123456789ab";
    private const string AdminEmail = "admin@momo.test";
    private const string AdminPassword = "correct horse battery";

    private readonly string _database;
    private readonly List<TempDirectory> _directories = [];
    private readonly List<PortalProcess> _instances = [];
    private readonly ConcurrentDictionary<string, long> _acknowledged = new();

    public ScaleOutTests()
    {
        PostgresServer.Require();
        _database = PostgresServer.CreateDatabase();
    }

    [Fact]
    public async Task Three_instances_store_each_payment_once_deliver_it_once_and_run_the_recurring_job_once_per_tick()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await StartInstancesAsync(3, receiver, new Dictionary<string, string>
        {
            ["Routing:DeliveryTimeout"] = "00:00:05",
            ["Routing:ClaimLease"] = "00:00:15",
            ["Routing:Cron"] = "* * * * * *",
        });

        // 12 banks, each spreading its payments over the three instances and sending every tenth one again to the
        // next instance: the second answer must name the same payment.
        var banks = Enumerable.Range(0, 12).Select(b => Task.Run(() => BankAsync($"b{b}", b, 60, repeatEvery: 10), Ct));
        await Task.WhenAll(banks);

        Assert.Equal(12 * 60, _acknowledged.Count);
        await WaitUntilDeliveredAsync();
        var payments = await LoadPaymentsAsync();
        Assert.Equal(12 * 60, payments.Count);
        Assert.All(payments, p => Assert.Equal(_acknowledged[p.BankReference!], p.Id));

        // Delivered exactly once: one webhook per payment, one attempt on record each.
        Assert.Equal(payments.Count, receiver.Received.Count);
        Assert.Equal(payments.Select(p => p.DeliveryId).Order(), receiver.Received.Select(r => r.Id).Order());
        Assert.All(payments, p => Assert.Single(p.Attempts));

        // Every instance runs a Hangfire server, and the every-second job was created once per tick, not once per server.
        Assert.Equal(3, await PostgresServer.ScalarAsync(_database, "SELECT COUNT(*) FROM hangfire.server"));
        var from = DateTime.UtcNow;
        await Task.Delay(TimeSpan.FromSeconds(6), Ct);
        var to = DateTime.UtcNow;
        var created = await PostgresServer.ScalarAsync(_database,
            "SELECT COUNT(*) FROM hangfire.job WHERE invocationdata::text LIKE '%RoutePaymentsJob%' AND createdat >= $1 AND createdat < $2",
            from, to);
        // One job per tick: at most a tick per started second of the window, plus one created just after a tick that
        // came before it (a job is created a moment after its tick, on a busy machine up to a second later).
        Assert.InRange(created, 3, (long)Math.Ceiling((to - from).TotalSeconds) + 1);

        foreach (var instance in _instances)
        {
            using var http = new HttpClient { BaseAddress = instance.BaseAddress };
            var ready = await http.GetAsync("/health/ready", Ct);
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
    }

    [Fact]
    public async Task An_instance_killed_mid_run_loses_nothing_and_the_others_deliver_what_it_had_claimed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // Slow enough that the killed instance is holding claimed payments in flight when it dies.
        receiver.Respond = _ => new Reply(200, Delay: TimeSpan.FromMilliseconds(300));
        await StartInstancesAsync(2, receiver, new Dictionary<string, string>
        {
            ["Routing:DeliveryTimeout"] = "00:00:02",
            ["Routing:ClaimLease"] = "00:00:06",
            ["Routing:RetrySchedule"] = "1s,1s,1s,1s,1s",
        });

        var banks = Enumerable.Range(0, 8).Select(b => Task.Run(() => BankAsync($"k{b}", b, 80, repeatEvery: 0), Ct)).ToList();
        await PortalFactory.WaitUntilAsync(async () => await CountAsync("\"Status\" = 'Delivering'") > 0 && receiver.Received.Count > 20,
            "deliveries are under way", TimeSpan.FromSeconds(30));
        await _instances[0].KillAsync();
        var inFlightAtKill = await DeliveringAsync();
        await Task.WhenAll(banks);

        Assert.Equal(8 * 80, _acknowledged.Count);
        await WaitUntilDeliveredAsync(TimeSpan.FromSeconds(90));
        var payments = await LoadPaymentsAsync();
        Assert.Equal(8 * 80, payments.Count);
        Assert.Equal(payments.Count, payments.Select(p => p.BankReference).Distinct().Count());
        Assert.All(payments, p => Assert.Equal(_acknowledged[p.BankReference!], p.Id));
        Assert.NotEmpty(inFlightAtKill);
        Assert.All(inFlightAtKill, id => Assert.Equal(PaymentStatus.Delivered, payments.Single(p => p.Id == id).Status));

        // The partner saw every payment; a repeat only ever under the payment's own webhook-id.
        var delivered = receiver.Received.Select(r => r.Id).ToHashSet();
        Assert.Equal(payments.Select(p => p.DeliveryId).ToHashSet(), delivered);
    }

    [Fact]
    public async Task Behind_a_tls_balancer_a_sign_in_and_an_antiforgery_token_from_one_instance_are_accepted_by_another()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await StartInstancesAsync(2, receiver, []);
        var browser = new Dictionary<string, string>();
        using var a = new HttpClient(new TlsTerminatingBalancer(browser)) { BaseAddress = _instances[0].BaseAddress };
        using var b = new HttpClient(new TlsTerminatingBalancer(browser)) { BaseAddress = _instances[1].BaseAddress };

        // The form (and its antiforgery cookie) comes from A; the sign-in is posted to B.
        var form = await a.GetStringAsync("/Account/Login", Ct);
        var signIn = await SignIn.PostLoginFormAsync(b, form, AdminEmail, AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Contains(browser.Keys, name => name.StartsWith(".AspNetCore.Identity", StringComparison.Ordinal));

        // B's sign-in cookie opens the portal on A.
        var users = await a.GetAsync("/users", Ct);
        Assert.Equal(HttpStatusCode.OK, users.StatusCode);
        Assert.Contains(AdminEmail, await users.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private async Task StartInstancesAsync(int count, WebhookReceiver receiver, Dictionary<string, string> routing)
    {
        var settings = new Dictionary<string, string>(routing)
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:MoMo"] = _database,
            ["Routing:AllowPrivateNetworks"] = "true",
        };
        for (var i = 0; i < count; i++)
        {
            var directory = new TempDirectory();
            _directories.Add(directory);
            _instances.Add(new PortalProcess(directory.Path, settings));
        }

        var setup = _instances[0];
        Assert.Equal(0, await setup.RunCommandAsync("bank", "add", "--code", "africa_bank", "--name", "Africa Bank", "--api-key", ApiKey));
        Assert.Equal(0, await setup.RunCommandAsync("payer", "add", "--id", "payer1", "--name", "Payer One"));
        Assert.Equal(0, await setup.RunCommandAsync("user", "add", "--email", AdminEmail, "--role", "Admin", "--password", AdminPassword));
        foreach (var partner in new[] { "shop0", "shop1", "shop2", "shop3" })
        {
            Assert.Equal(0, await setup.RunCommandAsync("partner", "add", "--account-id", partner, "--name", partner, "--notify", "api",
                "--contact", receiver.Url(partner)));
        }

        // All at once, as after a deployment: migrations and Hangfire's schema must cope with it.
        await Task.WhenAll(_instances.Select(instance => instance.StartAsync()));
    }

    /// <summary>
    /// A bank sending <paramref name="count"/> payments round-robin over the instances, as a load balancer would spread
    /// them; a payment whose instance does not answer goes to the next one with the same transaction_id.
    /// </summary>
    private async Task BankAsync(string name, int offset, int count, int repeatEvery)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        for (var i = 0; i < count; i++)
        {
            var reference = $"{name}-{i}";
            var id = await SendAsync(http, reference, $"shop{i % 4}", offset + i);
            if (repeatEvery > 0 && i % repeatEvery == 0)
            {
                Assert.Equal(id, await SendAsync(http, reference, $"shop{i % 4}", offset + i + 1));
            }
        }
    }

    private async Task<long> SendAsync(HttpClient http, string reference, string partner, int turn)
    {
        for (var attempt = 0; attempt < 2 * _instances.Count; attempt++)
        {
            var instance = _instances[(turn + attempt) % _instances.Count];
            try
            {
                using var request = BankRequests.Post(BankRequests.Body("payer1", partner, "10.00", transactionId: reference), ApiKey);
                request.RequestUri = new Uri(instance.BaseAddress, "/africa_bank");
                using var response = await http.SendAsync(request);
                Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK,
                    $"{reference} was answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                var id = (await response.JsonAsync()).GetProperty("id").GetInt64();
                _acknowledged[reference] = id;
                return id;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or IOException)
            {
                // That instance is gone: the balancer sends the request to the next one.
            }
        }

        throw new InvalidOperationException($"No instance took {reference}.");
    }

    private async Task WaitUntilDeliveredAsync(TimeSpan? timeout = null)
    {
        try
        {
            await PortalFactory.WaitUntilAsync(async () => await CountAsync("\"Status\" <> 'Delivered'") == 0,
                "every payment is delivered", timeout ?? TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            Assert.Fail($"not delivered: {await CountAsync("\"Status\" <> 'Delivered'")} of {await CountAsync("TRUE")}");
        }
    }

    private async Task<List<Payment>> LoadPaymentsAsync()
    {
        await using var db = PostgresServer.OpenDatabase(_database);
        return await db.Payments.AsNoTracking().Include(p => p.Attempts).ToListAsync(Ct);
    }

    private Task<long> CountAsync(string where) =>
        PostgresServer.ScalarAsync(_database, $"SELECT COUNT(*) FROM \"Payments\" WHERE {where}");

    private async Task<List<long>> DeliveringAsync()
    {
        await using var db = PostgresServer.OpenDatabase(_database);
        return await db.Payments.Where(p => p.Status == PaymentStatus.Delivering).Select(p => p.Id).ToListAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await PostgresServer.DropDatabaseAsync(_database);
        foreach (var directory in _directories)
        {
            directory.Dispose();
        }
    }

    /// <summary>
    /// What a load balancer ending TLS does, with the browser's cookie jar in front of it: the instance gets plain http
    /// with X-Forwarded-Proto: https, and (secure-only) cookies go to whichever instance the next request reaches.
    /// </summary>
    private sealed class TlsTerminatingBalancer(Dictionary<string, string> cookies)
        : DelegatingHandler(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false })
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add("X-Forwarded-Proto", "https");
            if (cookies.Count > 0)
            {
                request.Headers.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Key}={c.Value}")));
            }

            var response = await base.SendAsync(request, cancellationToken);
            foreach (var header in response.Headers.TryGetValues("Set-Cookie", out var values) ? values : [])
            {
                Assert.Contains("secure", header, StringComparison.OrdinalIgnoreCase);
                var pair = header.Split(';')[0].Split('=', 2);
                cookies[pair[0]] = pair[1];
            }

            return response;
        }
    }
}
