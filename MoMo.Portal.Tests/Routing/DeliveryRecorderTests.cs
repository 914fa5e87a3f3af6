using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using MoMo.Portal.Data;
using MoMo.Portal.Notifiers;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Routing;

/// <summary>
/// The recorder writes outcomes only while the claim is its own, whichever path writes them: delivered outcomes by
/// set statements (prepared on SQLite, one batch on PostgreSQL), failures through the payment's methods. Stored payments in a real database on each provider.
/// </summary>
public abstract class DeliveryRecorderTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Outcomes_are_written_exactly_as_the_payment_methods_would_and_never_over_a_claim_that_changed_hands()
    {
        await using var portal = PortalFactory.On(provider).With("Routing:RunBackgroundJobs", "false");
        await portal.InitializeAsync();
        await portal.AddWebhookPartnerAsync("shop", "https://partner.example/hooks");
        var delivered = await ClaimAsync(portal, await portal.PostPaymentAsync("shop", "1.00", "R-1"));
        var lost = await ClaimAsync(portal, await portal.PostPaymentAsync("shop", "2.00", "R-2"));
        var failed = await ClaimAsync(portal, await portal.PostPaymentAsync("shop", "3.00", "R-3"));
        var mailed = await ClaimAsync(portal, await portal.PostPaymentAsync("shop", "4.00", "R-4"));
        var before = await portal.LoadPaymentAsync(delivered);
        var startedAt = DateTime.UtcNow.AddSeconds(-1);
        var recorder = new DeliveryRecorder(portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>(), portal.Services.GetRequiredService<WriteTurns>(),
            RetrySchedule.Parse("1m"), TimeProvider.System, NullLogger.Instance);

        recorder.Add(new DeliveryReport(delivered, TokenOf(before), startedAt, TimeSpan.FromMilliseconds(42),
            new NotificationResult(DeliveryChannel.Webhook, "https://partner.example/hooks", DeliveryOutcome.Delivered,
                HttpStatus: 200, ResponseExcerpt: "ok\0")));
        recorder.Add(new DeliveryReport(lost, Guid.NewGuid(), startedAt, TimeSpan.FromMilliseconds(5),
            new NotificationResult(DeliveryChannel.Webhook, "https://partner.example/hooks", DeliveryOutcome.Delivered, HttpStatus: 200)));
        recorder.Add(new DeliveryReport(failed, TokenOf(await portal.LoadPaymentAsync(failed)), startedAt, TimeSpan.FromMilliseconds(7),
            new NotificationResult(DeliveryChannel.Webhook, "https://partner.example/hooks", DeliveryOutcome.TransientFailure, "HTTP 503", 503)));
        recorder.Add(new DeliveryReport(mailed, TokenOf(await portal.LoadPaymentAsync(mailed)), startedAt, TimeSpan.FromMilliseconds(9),
            new NotificationResult(DeliveryChannel.Email, "ops@partner.example", DeliveryOutcome.Delivered, SmtpReply: "250 2.0.0 Ok: queued")));
        var summary = await recorder.CompleteAsync();

        Assert.Equal(new RoutingSummary(Delivered: 2, RetryScheduled: 1, Errored: 0, Returned: 0), summary);
        var payment = await portal.LoadPaymentAsync(delivered);
        Assert.Equal((PaymentStatus.Delivered, 1, false, null, null), (payment.Status, payment.AttemptCount, payment.ProcessError, payment.ClaimToken, payment.NextAttemptAtUtc));
        Assert.Equal(before.BucketVersion + 1, payment.BucketVersion);
        Assert.NotNull(payment.ProcessedAtUtc);
        var attempt = Assert.Single(payment.Attempts);
        Assert.Equal((1, DeliveryOutcome.Delivered, 200, 42, "ok", DeliveryAttempt.RouterTrigger),
            (attempt.Number, attempt.Outcome, attempt.HttpStatus, attempt.DurationMs, attempt.ResponseExcerpt, attempt.TriggeredBy));
        Assert.Equal(startedAt, attempt.StartedAtUtc, TimeSpan.FromMilliseconds(1));

        // No HTTP status and an SMTP reply: the statements store typed nulls and texts alike, on either database.
        var mail = Assert.Single((await portal.LoadPaymentAsync(mailed)).Attempts);
        Assert.Equal((DeliveryChannel.Email, "ops@partner.example", null, "250 2.0.0 Ok: queued", null),
            (mail.Channel, mail.Target, mail.HttpStatus, mail.SmtpReply, mail.ResponseExcerpt));

        var untouched = await portal.LoadPaymentAsync(lost);
        Assert.Equal((PaymentStatus.Delivering, 0), (untouched.Status, untouched.AttemptCount));
        Assert.NotNull(untouched.ClaimToken);
        Assert.Empty(untouched.Attempts);

        var retrying = await portal.LoadPaymentAsync(failed);
        Assert.Equal((PaymentStatus.RetryScheduled, 1, "HTTP 503"), (retrying.Status, retrying.AttemptCount, retrying.LastError));
        Assert.Equal(DeliveryOutcome.TransientFailure, Assert.Single(retrying.Attempts).Outcome);
    }

    /// <summary>Claims the payment as a router pass would: Delivering, with a token of its own.</summary>
    private static async Task<long> ClaimAsync(PortalFactory portal, long id)
    {
        await using var db = portal.CreateDbContext();
        await db.Payments.Where(p => p.Id == id).ExecuteUpdateAsync(set => set
            .SetProperty(p => p.Status, PaymentStatus.Delivering)
            .SetProperty(p => p.ClaimToken, Guid.NewGuid())
            .SetProperty(p => p.ClaimExpiresAtUtc, DateTime.UtcNow.AddMinutes(5)), Ct);
        return id;
    }

    private static Guid TokenOf(Payment payment) => payment.ClaimToken ?? throw new InvalidOperationException("Not claimed.");
}

public sealed class DeliveryRecorderOnSqliteTests() : DeliveryRecorderTests(DatabaseProvider.Sqlite);

public sealed class DeliveryRecorderOnPostgresTests() : DeliveryRecorderTests(DatabaseProvider.Postgres);
