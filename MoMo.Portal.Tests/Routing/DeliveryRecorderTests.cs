using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MoMo.Portal.Data;
using MoMo.Portal.Notifiers;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Tests.TestSupport;
using Npgsql;

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
    internal static async Task<long> ClaimAsync(PortalFactory portal, long id)
    {
        await using var db = portal.CreateDbContext();
        await db.Payments.Where(p => p.Id == id).ExecuteUpdateAsync(set => set
            .SetProperty(p => p.Status, PaymentStatus.Delivering)
            .SetProperty(p => p.ClaimToken, Guid.NewGuid())
            .SetProperty(p => p.ClaimExpiresAtUtc, DateTime.UtcNow.AddMinutes(5)), Ct);
        return id;
    }

    internal static Guid TokenOf(Payment payment) => payment.ClaimToken ?? throw new InvalidOperationException("Not claimed.");
}

public sealed class DeliveryRecorderOnSqliteTests() : DeliveryRecorderTests(DatabaseProvider.Sqlite);

public sealed class DeliveryRecorderOnPostgresTests() : DeliveryRecorderTests(DatabaseProvider.Postgres);

/// <summary>
/// On PostgreSQL the recorder and the running totals' fold each update many payments in one transaction: the recorder
/// takes its rows' locks in id order, so it queues behind another transaction that does the same instead of deadlocking.
/// </summary>
public sealed class DeliveryRecorderLockOrderTests
{
    [Fact]
    public async Task Outcomes_that_finished_out_of_id_order_queue_behind_a_fold_instead_of_deadlocking_with_it()
    {
        await using var portal = PortalFactory.On(DatabaseProvider.Postgres).With("Routing:RunBackgroundJobs", "false");
        await portal.InitializeAsync();
        await portal.AddWebhookPartnerAsync("shop", "https://partner.example/hooks");
        var first = await DeliveryRecorderTests.ClaimAsync(portal, await portal.PostPaymentAsync("shop", "1.00", "L-1"));
        var second = await DeliveryRecorderTests.ClaimAsync(portal, await portal.PostPaymentAsync("shop", "2.00", "L-2"));
        var tokens = new Dictionary<long, Guid>
        {
            [first] = DeliveryRecorderTests.TokenOf(await portal.LoadPaymentAsync(first)),
            [second] = DeliveryRecorderTests.TokenOf(await portal.LoadPaymentAsync(second)),
        };

        // A fold's transaction, taking the same rows in id order: it holds the first...
        await using var fold = new NpgsqlConnection(portal.ConnectionString);
        await fold.OpenAsync(Ct);
        await using var foldTransaction = await fold.BeginTransactionAsync(Ct);
        await LockAsync(fold, foldTransaction, first);

        // ...while the recorder has the outcomes in the order the deliveries finished: the second, then the first.
        var log = new WarningLog();
        var recorder = new DeliveryRecorder(portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>(),
            portal.Services.GetRequiredService<WriteTurns>(), RetrySchedule.Parse("1m"), TimeProvider.System, log);
        foreach (var id in new[] { second, first })
        {
            recorder.Add(new DeliveryReport(id, tokens[id], DateTime.UtcNow, TimeSpan.FromMilliseconds(3),
                new NotificationResult(DeliveryChannel.Webhook, "https://partner.example/hooks", DeliveryOutcome.Delivered, HttpStatus: 200)));
        }

        // Let the recorder reach the lock it waits for; had it taken the second row first, the fold would now wait for
        // it, and PostgreSQL would abort one of the two after its deadlock timeout.
        await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        await LockAsync(fold, foldTransaction, second);
        await foldTransaction.CommitAsync(Ct);
        var summary = await recorder.CompleteAsync();

        Assert.Equal(2, summary.Delivered);
        Assert.Empty(log.Warnings); // the batch was written as one, never split after a failure
    }

    private static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long id)
    {
        await using var command = new NpgsqlCommand("""SELECT 1 FROM "Payments" WHERE "Id" = $1 FOR UPDATE""", connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        await command.ExecuteNonQueryAsync(Ct);
    }

    /// <summary>The warnings a component logged.</summary>
    private sealed class WarningLog : ILogger
    {
        public List<string> Warnings { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                lock (Warnings)
                {
                    Warnings.Add(formatter(state, exception));
                }
            }
        }
    }
}
