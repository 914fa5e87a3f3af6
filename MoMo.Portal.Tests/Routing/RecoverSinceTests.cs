using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Routing;

/// <summary>"Recover since": a partner's errored payments since a time re-queued with their delivery ids, on each database.</summary>
public abstract class RecoverSinceTests(DatabaseProvider provider)
{
    [Fact]
    public async Task The_command_line_requeues_the_partners_errored_payments_since_a_time_and_the_partner_gets_the_same_webhook_ids()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = PortalFactory.On(provider);
        await portal.InitializeAsync();
        await portal.AddWebhookPartnerAsync("shop", receiver.Url("shop"));
        await portal.AddWebhookPartnerAsync("other", receiver.Url("other"));
        receiver.Respond = _ => new Reply(410); // the endpoint is gone: every attempt fails for good
        var old = await portal.PostPaymentAsync("shop", "1.00", "R-old");
        var first = await portal.PostPaymentAsync("shop", "2.00", "R-1");
        var second = await portal.PostPaymentAsync("shop", "3.00", "R-2");
        var elsewhere = await portal.PostPaymentAsync("other", "4.00", "R-3");
        await portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct);
        var since = DateTime.UtcNow.AddMinutes(-30);
        await using (var db = portal.CreateDbContext())
        {
            await db.Payments.Where(p => p.Id == old).ExecuteUpdateAsync(s => s.SetProperty(p => p.ReceivedAtUtc, since.AddHours(-1)), Ct);
        }

        var firstIds = receiver.Received.ToDictionary(w => w.Body.Contains("R-1", StringComparison.Ordinal) ? "R-1" : w.Id, w => w.Id);
        receiver.Respond = _ => new Reply(200); // fixed

        var count = await portal.Services.GetRequiredService<PaymentRetryService>().CountRecoverableAsync("shop", since, Ct);
        var run = await CommandLineRunner.RunOnAsync(portal.Services, "payments", "retry", "--partner", "shop", "--since", since.ToString("O"));
        await portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct);

        Assert.Equal(2, count);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Retried 2 payment(s).", run.Output, StringComparison.Ordinal);
        var statuses = await StatusesAsync(portal);
        Assert.Equal(PaymentStatus.Errored, statuses[old]); // received before the time
        Assert.Equal(PaymentStatus.Delivered, statuses[first]);
        Assert.Equal(PaymentStatus.Delivered, statuses[second]);
        Assert.Equal(PaymentStatus.Errored, statuses[elsewhere]); // another partner's
        var redelivered = receiver.Received.Where(w => w.Body.Contains("R-1", StringComparison.Ordinal)).Select(w => w.Id).Distinct().ToList();
        Assert.Equal([firstIds["R-1"]], redelivered);
        await using var check = portal.CreateDbContext();
        var audit = await check.AuditEntries.SingleAsync(a => a.Action == "partner.recover", Ct);
        Assert.Equal("shop", audit.EntityId);
    }

    [Fact]
    public async Task Partner_without_since_is_a_usage_error()
    {
        await using var portal = PortalFactory.On(provider);
        await portal.InitializeAsync();

        var run = await CommandLineRunner.RunOnAsync(portal.Services, "payments", "retry", "--partner", "shop");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--partner and --since go together", run.Error, StringComparison.Ordinal);
    }

    private static async Task<Dictionary<long, PaymentStatus>> StatusesAsync(PortalFactory portal)
    {
        await using var db = portal.CreateDbContext();
        return await db.Payments.ToDictionaryAsync(p => p.Id, p => p.Status, Ct);
    }
}

public sealed class RecoverSinceOnSqliteTests() : RecoverSinceTests(DatabaseProvider.Sqlite);

public sealed class RecoverSinceOnPostgresTests() : RecoverSinceTests(DatabaseProvider.Postgres);
