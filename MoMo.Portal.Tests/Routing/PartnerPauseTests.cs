using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Alerts;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Tests.TestSupport;
using netDumbster.smtp;

namespace MoMo.Portal.Tests.Routing;

/// <summary>A failing partner paused by the router, probed, and resumed, against a loopback receiver and SMTP server, on each database.</summary>
public abstract class PartnerPauseTests(DatabaseProvider provider)
{
    [Fact]
    public async Task A_failing_partner_is_paused_after_the_failures_probed_once_per_interval_and_resumed_by_a_success_with_one_alert_each_way()
    {
        using var smtp = SimpleSmtpServer.Start(LoopbackPort.Free());
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = PortalFactory.On(provider)
            .With("Routing:RetrySchedule", "1s,1s,1s,1s,1s")
            .With("Routing:PauseAfterFailures", "3")
            .With("Routing:PauseAfterPeriod", "00:00:00")
            .With("Routing:ProbeInterval", "00:00:05") // 3.5 s of margin after the retries: the pass may run late on a busy machine
            .WithSmtp(smtp.Configuration.Port)
            .With("Alerts:Email", "ops@momo.test");
        await portal.InitializeAsync();
        await portal.AddWebhookPartnerAsync("shop", receiver.Url("shop"));
        receiver.Respond = _ => new Reply(503);
        for (var i = 0; i < 4; i++)
        {
            await portal.PostPaymentAsync("shop", "1.00", $"P-{i}");
        }

        var router = portal.Services.GetRequiredService<PaymentRouter>();
        var alerts = portal.Services.GetRequiredService<AlertEvaluator>();
        await router.RunPassAsync(Ct);
        var paused = await PartnerAsync(portal);
        await alerts.EvaluateAsync(Ct);
        var attemptsWhenPaused = receiver.For("shop").Count();

        await Task.Delay(TimeSpan.FromSeconds(1.5), Ct); // the retries are due; the probe is not
        await router.RunPassAsync(Ct);
        var whilePaused = receiver.For("shop").Count() - attemptsWhenPaused;

        receiver.Respond = _ => new Reply(200); // the partner fixed its endpoint
        await Task.Delay(TimeSpan.FromSeconds(4), Ct); // the probe is due
        await router.RunPassAsync(Ct); // the probe gets through and resumes the partner
        var resumed = await PartnerAsync(portal);
        await router.RunPassAsync(Ct);
        await alerts.EvaluateAsync(Ct);

        Assert.NotNull(paused.PausedAtUtc);
        Assert.Contains("503", paused.PauseReason, StringComparison.Ordinal);
        Assert.Equal(4, attemptsWhenPaused); // the claimed batch was tried; the fourth failure found it paused already
        Assert.Equal(0, whilePaused);
        Assert.Null(resumed.PausedAtUtc);
        Assert.Equal(0, resumed.ConsecutiveFailures);
        await using var db = portal.CreateDbContext();
        Assert.Equal(4, await db.Payments.CountAsync(p => p.Status == PaymentStatus.Delivered, Ct));
        Assert.Equal(["partner.pause", "partner.resume"],
            await db.AuditEntries.Where(a => a.EntityId == "shop" && (a.Action == "partner.pause" || a.Action == "partner.resume"))
                .OrderBy(a => a.Id).Select(a => a.Action).ToArrayAsync(Ct));
        Assert.Equal(["[ALERT] partner_paused shop", "[CLEARED] partner_paused shop"],
            smtp.ReceivedEmail.Select(m => m.Headers["Subject"]).Order(StringComparer.Ordinal).ToArray());
    }

    [Fact]
    public async Task Staff_pause_holds_the_payments_without_probes_until_they_resume()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = PortalFactory.On(provider).With("Routing:ProbeInterval", "00:00:01");
        await portal.InitializeAsync();
        await portal.AddWebhookPartnerAsync("shop", receiver.Url("shop"));

        var pause = await CommandLineRunner.RunOnAsync(portal.Services, "partner", "pause", "--account-id", "shop");
        await portal.PostPaymentAsync("shop", "1.00", "M-1");
        await Task.Delay(TimeSpan.FromSeconds(1.2), Ct);
        await portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct);
        var whilePaused = receiver.For("shop").Count();
        var held = await CountHeldAsync(portal);
        var resume = await CommandLineRunner.RunOnAsync(portal.Services, "partner", "resume", "--account-id", "shop");
        await portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct);

        Assert.Equal((0, 0), (pause.ExitCode, resume.ExitCode));
        Assert.Equal(0, whilePaused);
        Assert.Equal(1, held);
        Assert.Single(receiver.For("shop"));
    }

    private static async Task<int> CountHeldAsync(PortalFactory portal)
    {
        await using var db = portal.CreateDbContext();
        return await new PaymentFilter { Status = PaymentFilter.HeldStatus }.Apply(db.Payments, db.Partners, await PaymentKeys.ReadAsync(db, Ct)).CountAsync(Ct);
    }

    private static async Task<Portal.Partners.Partner> PartnerAsync(PortalFactory portal)
    {
        await using var db = portal.CreateDbContext();
        return await db.Partners.AsNoTracking().SingleAsync(p => p.AccountId == "shop", Ct);
    }
}

public sealed class PartnerPauseOnSqliteTests() : PartnerPauseTests(DatabaseProvider.Sqlite);

public sealed class PartnerPauseOnPostgresTests() : PartnerPauseTests(DatabaseProvider.Postgres);
