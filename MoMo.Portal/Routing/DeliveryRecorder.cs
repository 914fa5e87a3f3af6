using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Notifiers;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Routing;

/// <summary>One delivery's outcome, to be written down; a null result hands the payment back unattempted.</summary>
internal sealed record DeliveryReport(long PaymentId, Guid ClaimToken, DateTime StartedAtUtc, TimeSpan Duration, NotificationResult? Result);

/// <summary>
/// Writes delivery outcomes for a router pass: each attempt row and the payment's new state, many outcomes per
/// transaction (one commit, one sync, for a whole batch). An outcome is written only while the pass still holds the
/// payment's claim; a payment another pass took over after our claim expired is left to that pass.
/// </summary>
internal sealed partial class DeliveryRecorder
{
    private const int MaxBatch = 512;

    private readonly Channel<DeliveryReport> _reports = Channel.CreateUnbounded<DeliveryReport>(new() { SingleReader = true });
    private readonly IDbContextFactory<PortalDbContext> _dbFactory;
    private readonly RetrySchedule _schedule;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Task _writer;

    private readonly WriteTurns _turns;

    public DeliveryRecorder(IDbContextFactory<PortalDbContext> dbFactory, WriteTurns turns, RetrySchedule schedule, TimeProvider clock, ILogger logger)
    {
        _turns = turns;
        _dbFactory = dbFactory;
        _schedule = schedule;
        _clock = clock;
        _logger = logger;
        _writer = Task.Run(WriteAllAsync);
    }

    public RoutingSummary Summary { get; private set; } = RoutingSummary.Empty;

    public void Add(DeliveryReport report) => _reports.Writer.TryWrite(report);

    /// <summary>Writes everything reported so far and stops.</summary>
    public async Task<RoutingSummary> CompleteAsync()
    {
        _reports.Writer.TryComplete();
        await _writer;
        return Summary;
    }

    private async Task WriteAllAsync()
    {
        var batch = new List<DeliveryReport>(MaxBatch);
        while (await _reports.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _reports.Reader.TryRead(out var report))
            {
                batch.Add(report);
            }

            try
            {
                Summary += await WriteAsync(batch);
            }
            catch (Exception exception) when (DatabaseErrors.IsStorageFailure(exception))
            {
                // A claim that changed hands, or one outcome the database refuses: write them one by one, so that one
                // bad row fails only itself and never sends the whole batch out again at every lease.
                LogBatchFailed(exception, batch.Count);
                Summary += await WriteOneByOneAsync(batch);
            }

            batch.Clear();
        }
    }

    private async Task<RoutingSummary> WriteAsync(List<DeliveryReport> batch)
    {
        await using var db = await _dbFactory.CreateDbContextAsync();
        return await _turns.TakeAsync(() => WriteInTransactionAsync(db, batch));
    }

    /// <summary>
    /// Writes a batch in one transaction: deliveries the partner took as plain statements (<see cref="DeliveredOutcomes"/>:
    /// one round trip for all of them on PostgreSQL), failures and hand-backs — few, and with the retry schedule to
    /// apply — through the payment's own methods.
    /// </summary>
    private async Task<RoutingSummary> WriteInTransactionAsync(PortalDbContext db, List<DeliveryReport> batch)
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var now = _clock.GetUtcNow().UtcDateTime;
        var summary = RoutingSummary.Empty;
        var byOutcome = batch.ToLookup(r => r.Result is { Delivered: true });
        var delivered = byOutcome[true].ToList();
        var written = await DeliveredOutcomes.WriteAsync(db, delivered, now);
        for (var i = 0; i < delivered.Count; i++)
        {
            if (written[i])
            {
                summary += RoutingSummary.Empty with { Delivered = 1 };
            }
            else
            {
                LogClaimLost(delivered[i].PaymentId);
            }
        }

        var others = byOutcome[false].ToList();
        if (others.Count > 0)
        {
            var ids = others.Select(r => r.PaymentId).ToList();
            var payments = await db.Payments.Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id);
            foreach (var report in others)
            {
                if (!payments.TryGetValue(report.PaymentId, out var payment) || payment.ClaimToken != report.ClaimToken)
                {
                    LogClaimLost(report.PaymentId);
                    continue;
                }

                summary += Apply(db, payment, report, now);
            }

            await db.SaveChangesAsync();
        }

        await transaction.CommitAsync();
        return summary;
    }

    private async Task<RoutingSummary> WriteOneByOneAsync(List<DeliveryReport> batch)
    {
        var summary = RoutingSummary.Empty;
        foreach (var report in batch)
        {
            try
            {
                summary += await WriteOneAsync(report);
            }
            catch (Exception exception) when (DatabaseErrors.IsStorageFailure(exception) && report.Result is { } result)
            {
                // Still refused on its own: keep the outcome without the texts the partner controls, so the payment
                // is not delivered again and again for a reply that cannot be stored.
                LogOutcomeTrimmed(exception, report.PaymentId);
                summary += await TryWriteOneAsync(report with { Result = result with
                {
                    Error = result.Error is null ? null : UnstorableReply, SmtpReply = null, ResponseExcerpt = null,
                } });
            }
        }

        return summary;
    }

    private async Task<RoutingSummary> TryWriteOneAsync(DeliveryReport report)
    {
        try
        {
            return await WriteOneAsync(report);
        }
        catch (Exception exception) when (DatabaseErrors.IsStorageFailure(exception))
        {
            // Nothing is lost: the claim expires and the payment is delivered again, with the same webhook-id.
            LogWriteFailed(exception, report.PaymentId);
            return RoutingSummary.Empty;
        }
    }

    private async Task<RoutingSummary> WriteOneAsync(DeliveryReport report)
    {
        await using var db = await _dbFactory.CreateDbContextAsync();
        var payment = await db.Payments.SingleOrDefaultAsync(p => p.Id == report.PaymentId && p.ClaimToken == report.ClaimToken);
        if (payment is null)
        {
            LogClaimLost(report.PaymentId);
            return RoutingSummary.Empty;
        }

        var change = Apply(db, payment, report, _clock.GetUtcNow().UtcDateTime);
        try
        {
            await _turns.TakeAsync(() => db.SaveChangesAsync());
            return change;
        }
        catch (DbUpdateConcurrencyException)
        {
            LogClaimLost(report.PaymentId);
            return RoutingSummary.Empty;
        }
    }

    private RoutingSummary Apply(PortalDbContext db, Payment payment, DeliveryReport report, DateTime now)
    {
        if (report.Result is not { } result)
        {
            payment.ReturnUnattempted(now);
            return RoutingSummary.Empty with { Returned = 1 };
        }

        db.DeliveryAttempts.Add(new DeliveryAttempt
        {
            PaymentId = payment.Id,
            Number = payment.AttemptCount + 1,
            StartedAtUtc = report.StartedAtUtc,
            DurationMs = (int)Math.Min(int.MaxValue, report.Duration.TotalMilliseconds),
            Channel = result.Channel,
            Target = StorableText.Clean(result.Target, DeliveryAttempt.MaxTargetLength),
            Outcome = result.Outcome,
            HttpStatus = result.HttpStatus,
            SmtpReply = StorableText.CleanOrNull(result.SmtpReply, DeliveryAttempt.MaxSmtpReplyLength),
            Error = StorableText.CleanOrNull(result.Error, Payment.MaxErrorLength),
            ResponseExcerpt = StorableText.CleanOrNull(result.ResponseExcerpt, DeliveryAttempt.MaxExcerptLength),
            TriggeredBy = payment.NextAttemptTrigger,
        });

        if (result.Delivered)
        {
            payment.MarkDelivered(now);
            return RoutingSummary.Empty with { Delivered = 1 };
        }

        payment.MarkFailed(StorableText.Clean(result.Error ?? result.Outcome.ToString(), Payment.MaxErrorLength), result.Outcome == DeliveryOutcome.PermanentFailure,
            _schedule, result.RetryAfter, now);
        return payment.Status == PaymentStatus.Errored
            ? RoutingSummary.Empty with { Errored = 1 }
            : RoutingSummary.Empty with { RetryScheduled = 1 };
    }

    private const string UnstorableReply = "The partner's reply could not be stored; the outcome is kept without it.";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Payment {PaymentId} was claimed by another pass before its outcome was written; that pass records it")]
    private partial void LogClaimLost(long paymentId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record {Count} delivery outcomes together; writing each one alone")]
    private partial void LogBatchFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outcome of payment {PaymentId} was refused by the database; kept without the partner's reply")]
    private partial void LogOutcomeTrimmed(Exception exception, long paymentId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not record the outcome of payment {PaymentId}; its claim will expire and it will be delivered again")]
    private partial void LogWriteFailed(Exception exception, long paymentId);
}
