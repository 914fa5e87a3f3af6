using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Alerts;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Tests.Routing;
using MoMo.Portal.Tests.TestSupport;
using netDumbster.smtp;

namespace MoMo.Portal.Tests.Alerts;

/// <summary>Alerts opened and cleared from the real database, sent to a loopback SMTP server and webhook, on each database.</summary>
public abstract class AlertTests(DatabaseProvider provider)
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    [Fact]
    public async Task A_stuck_backlog_alerts_once_when_it_starts_and_once_when_it_clears_by_email_and_signed_webhook()
    {
        using var smtp = SimpleSmtpServer.Start(LoopbackPort.Free());
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = await StartAsync(smtp.Configuration.Port, receiver.Url("ops"));
        var id = await portal.PostPaymentAsync(PortalFactory.PartnerId, "5.00", "A-1");
        await using (var db = portal.CreateDbContext())
        {
            // Due ten minutes ago and not delivered: the router is stuck.
            await db.Payments.Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.NextAttemptAtUtc, DateTime.UtcNow.AddMinutes(-10)), Ct);
        }

        // Two instances evaluating at the same moment, then the next evaluation: still one alert, told once.
        var evaluators = new[] { portal.Services.GetRequiredService<AlertEvaluator>(), NewEvaluator(portal) };
        await Task.WhenAll(evaluators.Select(e => Task.Run(() => e.EvaluateAsync(Ct))));
        await evaluators[0].EvaluateAsync(Ct);

        await using (var db = portal.CreateDbContext())
        {
            var alert = await db.Alerts.SingleAsync(Ct);
            Assert.Equal((AlertConditions.BacklogDue, AlertState.Open), (alert.Condition, alert.State));
            Assert.Contains("1 payment(s) due for delivery, the oldest for 10 min", alert.Detail, StringComparison.Ordinal);
            Assert.NotNull(alert.OpenSentAtUtc);
            await db.Payments.Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PaymentStatus.Delivered), Ct);
        }

        Assert.Single(smtp.ReceivedEmail);
        var opened = Assert.Single(receiver.For("ops"));
        await evaluators[1].EvaluateAsync(Ct);
        await evaluators[0].EvaluateAsync(Ct);

        await using var check = portal.CreateDbContext();
        var cleared = await check.Alerts.SingleAsync(Ct);
        Assert.Equal(AlertState.Cleared, cleared.State);
        Assert.NotNull(cleared.ClearSentAtUtc);
        // The test server keeps messages in no particular order.
        Assert.Equal(["[ALERT] routing_backlog_due", "[CLEARED] routing_backlog_due"],
            smtp.ReceivedEmail.Select(m => m.Headers["Subject"]).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("ops@momo.test", smtp.ReceivedEmail[0].ToAddresses.Single().Address);
        var webhooks = receiver.For("ops").ToList();
        Assert.Equal(2, webhooks.Count);
        Assert.True(WebhookDeliveryTests.SignatureIsValid(Secret, opened), "the operations webhook is signed");
        Assert.Equal(["alert.opened", "alert.cleared"], webhooks.OrderBy(w => w.AtUtc)
            .Select(w => JsonDocument.Parse(w.Body).RootElement.GetProperty("type").GetString()).ToArray());
    }

    [Fact]
    public async Task An_alert_that_could_not_be_sent_stays_open_with_the_reason_and_is_sent_at_a_later_evaluation()
    {
        var port = LoopbackPort.Free();
        await using var portal = await StartAsync(port, webhook: null);
        var id = await portal.PostPaymentAsync(PortalFactory.PartnerId, "5.00", "A-2");
        await using (var db = portal.CreateDbContext())
        {
            await db.Payments.Where(p => p.Id == id).ExecuteUpdateAsync(s => s.SetProperty(p => p.NextAttemptAtUtc, DateTime.UtcNow.AddMinutes(-10)), Ct);
        }

        var evaluator = portal.Services.GetRequiredService<AlertEvaluator>();
        await evaluator.EvaluateAsync(Ct); // no mail server on the port yet
        await using (var db = portal.CreateDbContext())
        {
            var unsent = await db.Alerts.SingleAsync(Ct);
            Assert.Null(unsent.OpenSentAtUtc);
            Assert.Contains("e-mail to ops@momo.test", unsent.LastSendError, StringComparison.Ordinal);
        }

        using var smtp = SimpleSmtpServer.Start(port);
        await evaluator.EvaluateAsync(Ct);

        Assert.Single(smtp.ReceivedEmail);
        await using var check = portal.CreateDbContext();
        Assert.NotNull((await check.Alerts.SingleAsync(Ct)).OpenSentAtUtc);
    }

    [Fact]
    public async Task A_silent_bank_alerts_after_its_window_and_clears_on_its_next_payment()
    {
        using var smtp = SimpleSmtpServer.Start(LoopbackPort.Free());
        await using var portal = await StartAsync(smtp.Configuration.Port, webhook: null);
        var run = await CommandLineRunner.RunOnAsync(portal.Services, "bank", "set", "--code", PortalFactory.BankCode, "--silence-alert", "2s");
        Assert.Equal(0, run.ExitCode);
        await portal.PostPaymentAsync(PortalFactory.PartnerId, "1.00", "S-1");
        var evaluator = portal.Services.GetRequiredService<AlertEvaluator>();

        await evaluator.EvaluateAsync(Ct);
        var quietBefore = await OpenAlertsAsync(portal);
        await Task.Delay(TimeSpan.FromSeconds(2.5), Ct);
        await evaluator.EvaluateAsync(Ct);
        var silent = await OpenAlertsAsync(portal);
        await portal.PostPaymentAsync(PortalFactory.PartnerId, "1.00", "S-2");
        await evaluator.EvaluateAsync(Ct);

        Assert.Empty(quietBefore);
        var alert = Assert.Single(silent);
        Assert.Equal((AlertConditions.BankSilent, PortalFactory.BankCode), (alert.Condition, alert.Subject));
        Assert.Empty(await OpenAlertsAsync(portal));
        Assert.Equal([$"[ALERT] bank_silent {PortalFactory.BankCode}", $"[CLEARED] bank_silent {PortalFactory.BankCode}"],
            smtp.ReceivedEmail.Select(m => m.Headers["Subject"]).Order(StringComparer.Ordinal).ToArray());
    }

    private static async Task<List<Alert>> OpenAlertsAsync(PortalFactory portal)
    {
        await using var db = portal.CreateDbContext();
        return await db.Alerts.Where(a => a.State == AlertState.Open).ToListAsync(Ct);
    }

    private async Task<PortalFactory> StartAsync(int smtpPort, string? webhook)
    {
        var portal = PortalFactory.On(provider)
            .WithSmtp(smtpPort, "MoMo Portal <alerts@momo.test>")
            .With("Alerts:Email", "ops@momo.test")
            .With("Alerts:BacklogAge", "00:01:00");
        if (webhook is not null)
        {
            portal.With("Alerts:Webhook", webhook).With("Alerts:WebhookSecret", Secret);
        }

        await portal.InitializeAsync();
        return portal;
    }

    /// <summary>A second evaluator with the same services, as another instance has.</summary>
    private static AlertEvaluator NewEvaluator(PortalFactory portal) => new(
        portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>(), portal.Services.GetRequiredService<AlertConditions>(),
        portal.Services.GetRequiredService<AlertNotifier>(), TimeProvider.System,
        Microsoft.Extensions.Logging.Abstractions.NullLogger<AlertEvaluator>.Instance);
}

public sealed class AlertOnSqliteTests() : AlertTests(DatabaseProvider.Sqlite);

public sealed class AlertOnPostgresTests() : AlertTests(DatabaseProvider.Postgres);
