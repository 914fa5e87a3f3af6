using System.Net;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Notifiers;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Data;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Routing;

/// <summary>Concurrency limits, isolation of slow partners, wake-up latency and outbound safety.</summary>
public abstract class RoutingBehaviourTests(DatabaseProvider provider)
{
    [Fact]
    public async Task No_partner_gets_more_than_MaxPerPartner_at_once_and_the_total_stays_under_MaxParallelDeliveries()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = _ => new Reply(200, Delay: TimeSpan.FromMilliseconds(100));
        await using var portal = PortalFactory.On(provider)
            .With("Routing:MaxPerPartner", "2")
            .With("Routing:MaxParallelDeliveries", "5");
        await portal.InitializeAsync();
        foreach (var partner in new[] { "a", "b", "c", "d" })
        {
            await portal.AddWebhookPartnerAsync(partner, receiver.Url(partner));
            for (var i = 0; i < 6; i++)
            {
                await portal.PostPaymentAsync(partner);
            }
        }

        var summary = await portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct);

        Assert.Equal(24, summary.Delivered);
        Assert.All(receiver.MaxInFlightByPath.Values, max => Assert.InRange(max, 1, 2));
        Assert.InRange(receiver.MaxInFlight, 2, 5);
    }

    [Fact]
    public async Task A_slow_partner_does_not_hold_up_the_others()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = webhook => webhook.Path == "/slow"
            ? new Reply(200, Delay: TimeSpan.FromSeconds(2))
            : new Reply(200);
        await using var portal = PortalFactory.On(provider).With("Routing:DeliveryTimeout", "00:00:05");
        await portal.InitializeAsync();
        await portal.AddWebhookPartnerAsync("slow", receiver.Url("slow"));
        await portal.AddWebhookPartnerAsync("fast", receiver.Url("fast"));
        for (var i = 0; i < 8; i++)
        {
            await portal.PostPaymentAsync("slow");
        }

        for (var i = 0; i < 40; i++)
        {
            await portal.PostPaymentAsync("fast");
        }

        var started = DateTime.UtcNow;
        var pass = portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct);
        await PortalFactory.WaitUntilAsync(() => Task.FromResult(receiver.For("fast").Count() == 40), "the fast partner has everything");
        var fastDone = DateTime.UtcNow - started;
        await pass;
        var slowDone = DateTime.UtcNow - started;

        // The slow partner needs 8 / 4 lanes × 2 s = 4 s; the fast one must not wait for it.
        Assert.True(fastDone < TimeSpan.FromSeconds(2), $"the fast partner took {fastDone.TotalSeconds:0.0} s");
        Assert.True(slowDone >= TimeSpan.FromSeconds(3.9), $"the slow partner took {slowDone.TotalSeconds:0.0} s");
        Assert.Equal(8, receiver.For("slow").Count());
    }

    [Fact]
    public async Task With_the_background_router_a_payment_reaches_its_partner_within_two_seconds_of_the_201()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = PortalFactory.On(provider).With("Routing:RunBackgroundJobs", "true");
        await portal.InitializeAsync();
        await portal.AddWebhookPartnerAsync("live", receiver.Url("live"));
        var latencies = new List<TimeSpan>();

        for (var i = 0; i < 5; i++)
        {
            var acknowledged = DateTime.UtcNow;
            await portal.PostPaymentAsync("live");
            var count = i + 1;
            await PortalFactory.WaitUntilAsync(() => Task.FromResult(receiver.For("live").Count() >= count), "the partner receives it");
            latencies.Add(receiver.For("live").Last().AtUtc - acknowledged);
        }

        latencies.Sort();
        Assert.True(latencies[2] < TimeSpan.FromSeconds(2), $"median latency {latencies[2].TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task Webhooks_to_private_addresses_are_refused_unless_allowed()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = PortalFactory.On(provider).With("Routing:AllowPrivateNetworks", "false");
        await portal.InitializeAsync();
        await portal.AddWebhookPartnerAsync("inside", receiver.Url("inside"));
        await portal.AddWebhookPartnerAsync("named", receiver.Url("named").Replace("127.0.0.1", "localhost", StringComparison.Ordinal));
        var literal = await portal.PostPaymentAsync("inside");
        var byName = await portal.PostPaymentAsync("named");

        await portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct);

        Assert.Empty(receiver.Received);
        foreach (var id in new[] { literal, byName })
        {
            var payment = await portal.LoadPaymentAsync(id);
            Assert.Equal(PaymentStatus.Errored, payment.Status);
            Assert.Contains("Refused to connect", payment.LastError, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00:ec2::254", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("64:ff9b:1::a00:1", false)]
    [InlineData("::10.0.0.1", false)]
    [InlineData("::127.0.0.1", false)]
    [InlineData("2002:a00:1::1", false)]
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2", false)]
    [InlineData("8.8.8.8", true)]
    [InlineData("172.32.0.1", true)]
    [InlineData("2a00:1450:4001:80b::200e", true)]
    public void Only_public_addresses_pass_the_outbound_policy(string address, bool isPublic) =>
        Assert.Equal(isPublic, OutboundAddressPolicy.IsPublic(IPAddress.Parse(address)));

    [Fact]
    public async Task The_recurring_job_is_registered_and_the_dashboard_refuses_anonymous_visitors()
    {
        await using var portal = PortalFactory.On(provider);
        await portal.InitializeAsync();
        var client = portal.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var dashboard = await client.GetAsync("/hangfire", Ct);

        Assert.Contains(dashboard.StatusCode, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Redirect, HttpStatusCode.Found });
        if (dashboard.Headers.Location is { } location)
        {
            Assert.Contains("/Account/Login", location.ToString(), StringComparison.Ordinal);
        }

        // Registered just after the start, off the start path (RecurringJobsRegistrar).
        using var connection = portal.Services.GetRequiredService<Hangfire.JobStorage>().GetConnection();
        await PortalFactory.WaitUntilAsync(() => Task.FromResult(Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection)
            .Any(j => j.Id == MoMo.Portal.Ingestion.PurgeIntakeJob.Id)), "the recurring jobs are registered");
        var job = Assert.Single(Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection), j => j.Id == RoutePaymentsJob.Id);
        Assert.Equal("*/15 * * * * *", job.Cron);
    }

    [Fact]
    public async Task Payments_errored_in_bulk_can_all_be_retried_by_staff()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = _ => new Reply(410);
        await using var portal = PortalFactory.On(provider);
        await portal.InitializeAsync();
        await portal.AddWebhookPartnerAsync("bulk", receiver.Url("bulk"));
        for (var i = 0; i < 5; i++)
        {
            await portal.PostPaymentAsync("bulk");
        }

        var router = portal.Services.GetRequiredService<PaymentRouter>();
        await router.RunPassAsync(Ct);
        receiver.Respond = _ => new Reply(204);
        var retried = await portal.Services.GetRequiredService<PaymentRetryService>().RetryAllErroredAsync("ops@momo.test", Ct);
        var summary = await router.RunPassAsync(Ct);

        Assert.Equal(5, retried.Retried);
        Assert.Equal(5, summary.Delivered);
        await using var db = portal.CreateDbContext();
        Assert.Equal(5, await db.AuditEntries.CountAsync(a => a.Action == "payment.retry" && a.Actor == "ops@momo.test", Ct));
    }
}

public sealed class RoutingBehaviourOnSqliteTests() : RoutingBehaviourTests(DatabaseProvider.Sqlite);

public sealed class RoutingBehaviourOnPostgresTests() : RoutingBehaviourTests(DatabaseProvider.Postgres);
