using System.Diagnostics;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MoMo.Portal.Data;
using MoMo.Portal.Notifiers;
using MoMo.Portal.Partners;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Routing;

/// <summary>
/// Delivers due payments to their partners. A pass finds the partners with due payments and runs one lane per
/// partner: claim a batch (a compare-and-set UPDATE), deliver it with at most MaxPerPartner in flight, report the
/// outcomes, repeat until nothing is due. No transaction is open while a partner is being called.
/// </summary>
public sealed partial class PaymentRouter(
    IDbContextFactory<PortalDbContext> dbFactory,
    IEnumerable<IPartnerNotifier> notifiers,
    WebhookSecretVault secrets,
    DeliveryLanes lanes,
    WriteTurns turns,
    IOptions<RoutingOptions> options,
    Metrics.PortalMetrics metrics,
    EndpointHealth health,
    TimeProvider clock,
    ILogger<PaymentRouter> logger)
{
    private readonly Dictionary<Partners.NotifyMethod, IPartnerNotifier> _notifiers = notifiers.ToDictionary(n => n.Method);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>Runs a pass to the end: until no partner this process is free to serve has anything due.</summary>
    public async Task<RoutingSummary> RunPassAsync(CancellationToken cancellationToken) =>
        await (await BeginPassAsync(cancellationToken));

    /// <summary>
    /// Starts a pass: finds the partners with due payments and takes their lanes. Returns once the lanes run; the
    /// task it returns completes with the pass.
    /// </summary>
    public async Task<Task<RoutingSummary>> BeginPassAsync(CancellationToken cancellationToken)
    {
        List<string> partners;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await RouterInbox.FileAsync(db, turns, Now - options.Value.InboxWait, cancellationToken);
            partners = db.Database.IsSqlite()
                ? await DueClaims.PartnersWithDueOnSqliteAsync(db, Now, cancellationToken)
                : await ForActivePartners(db, db.Payments.Where(PaymentRules.DueAt(Now)), Now)
                    .Select(p => p.PartnerAccountId).Distinct().ToListAsync(cancellationToken);
        }

        var mine = partners.Where(lanes.TryEnter).ToList();
        if (mine.Count == 0)
        {
            return Task.FromResult(RoutingSummary.Empty);
        }

        var recorder = new DeliveryRecorder(dbFactory, turns, options.Value.Schedule(), clock, logger);
        return CompleteAsync(mine.Select(partner => RunLaneAsync(partner, recorder, cancellationToken)), recorder);
    }

    /// <summary>How long until something is due for a partner no lane in this process is serving (zero: now).</summary>
    public async Task<TimeSpan> TimeUntilNextDueAsync(CancellationToken cancellationToken)
    {
        var busy = lanes.Busy();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var nextAttempt = await ForActivePartners(db, db.Payments, Now)
            .Where(PaymentRules.AwaitingAttempt).Where(p => !busy.Contains(p.PartnerAccountId))
            .MinAsync(p => p.NextAttemptAtUtc, cancellationToken);
        var claimExpiry = await ForActivePartners(db, db.Payments, Now)
            .Where(p => p.Status == PaymentStatus.Delivering && !busy.Contains(p.PartnerAccountId))
            .MinAsync(p => p.ClaimExpiresAtUtc, cancellationToken);
        // Queued payments have no due time: they are due now if their partner takes deliveries. Asked per partner, of
        // its index, so the queues of partners that are away are not read.
        if (await db.Partners.Where(Partner.TakesDeliveriesAt(Now)).Where(partner => !busy.Contains(partner.AccountId))
                .AnyAsync(partner => db.Payments.Where(PaymentRules.OutsideInbox).Where(PaymentRules.Queued)
                    .Any(p => p.PartnerAccountId == partner.AccountId), cancellationToken))
        {
            return TimeSpan.Zero;
        }

        var next = new[] { nextAttempt, claimExpiry }.Where(t => t.HasValue).Min();
        return next is { } at ? (at > Now ? at - Now : TimeSpan.Zero) : TimeSpan.MaxValue;
    }

    /// <summary>
    /// Only payments whose partner takes deliveries: enabled and not paused, or paused with its probe due. A disabled or
    /// paused partner's payments wait (staff see them as held).
    /// </summary>
    private static IQueryable<Payment> ForActivePartners(PortalDbContext db, IQueryable<Payment> payments, DateTime now)
    {
        var active = db.Partners.Where(Partner.TakesDeliveriesAt(now));
        return payments.Where(p => active.Any(partner => partner.AccountId == p.PartnerAccountId));
    }

    private static async Task<RoutingSummary> CompleteAsync(IEnumerable<Task> laneTasks, DeliveryRecorder recorder)
    {
        try
        {
            await Task.WhenAll(laneTasks);
        }
        finally
        {
            await recorder.CompleteAsync();
        }

        return recorder.Summary;
    }

    private async Task RunLaneAsync(string partnerAccountId, DeliveryRecorder recorder, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var perPartner = options.Value.MaxPerPartner;
        var batchSize = perPartner * 2;
        var holdingLane = true;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var claim = await ClaimAsync(partnerAccountId, batchSize, cancellationToken);
                if (claim.Payments.Count == 0)
                {
                    // Leave, then look once more: a payment committed after the last claim but before we left must
                    // not wait for the next tick, and one committed after we left wakes a new pass.
                    lanes.Leave(partnerAccountId);
                    holdingLane = false;
                    if (await HasDueAsync(partnerAccountId, cancellationToken) && lanes.TryEnter(partnerAccountId))
                    {
                        holdingLane = true;
                        continue;
                    }

                    return;
                }

                if (claim.Partner!.PausedAtUtc is not null)
                {
                    // Claimed because its probe is due: one payment is the probe, if this lane wins it (one per interval,
                    // whichever instance); the rest go back as they were.
                    var probe = await health.TakeProbeAsync(partnerAccountId, cancellationToken);
                    foreach (var payment in claim.Payments.Skip(probe ? 1 : 0))
                    {
                        recorder.Add(new DeliveryReport(payment.Id, claim.Token, Now, TimeSpan.Zero, null));
                    }

                    if (probe)
                    {
                        await DeliverAsync(claim.Payments[0], claim, recorder, cancellationToken);
                    }

                    return;
                }

                var delivered = 0;
                await Parallel.ForEachAsync(claim.Payments,
                    new ParallelOptions { MaxDegreeOfParallelism = perPartner, CancellationToken = cancellationToken },
                    async (payment, token) =>
                    {
                        if (await DeliverAsync(payment, claim, recorder, token))
                        {
                            Interlocked.Increment(ref delivered);
                        }
                    });

                // A partner that takes everything gets bigger batches (fewer claims); one that fails gets small ones.
                batchSize = delivered == claim.Payments.Count ? Math.Min(batchSize * 2, 256) : perPartner * 2;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: what was claimed and not delivered is due again when its claim expires.
        }
        catch (Exception exception) when (DatabaseErrors.IsStorageFailure(exception))
        {
            LogLaneFailed(exception, partnerAccountId);
        }
        finally
        {
            if (holdingLane)
            {
                lanes.Leave(partnerAccountId);
            }
        }
    }

    private async Task<Claim> ClaimAsync(string partnerAccountId, int batchSize, CancellationToken cancellationToken)
    {
        var now = Now;
        var token = Guid.NewGuid();
        var expiresAt = now + options.Value.ClaimLease;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var claimed = await DueClaims.ClaimAsync(db, turns, partnerAccountId, token, now, expiresAt, batchSize, cancellationToken);
        if (claimed.Count == 0)
        {
            return new Claim(token, expiresAt, null, [], null);
        }

        var partner = await db.Partners.AsNoTracking().SingleAsync(p => p.AccountId == partnerAccountId, cancellationToken);
        // Revealed once per claim, not per payment: each reveal is a data-protection decryption with its own key derivation.
        return new Claim(token, expiresAt, partner, claimed,
            new SigningSecrets(secrets.Reveal(partner.ProtectedWebhookSecret), secrets.RevealPrevious(partner, now)));
    }

    private async Task<bool> HasDueAsync(string partnerAccountId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await DueClaims.AnyDueAsync(db, partnerAccountId, Now, cancellationToken);
    }

    /// <summary>Delivers one claimed payment and reports the outcome; true when the partner took it.</summary>
    private async Task<bool> DeliverAsync(Payment payment, Claim claim, DeliveryRecorder recorder, CancellationToken cancellationToken)
    {
        await lanes.InFlight.WaitAsync(cancellationToken);
        try
        {
            var startedAt = Now;
            // Start only with time for the call and for writing its outcome left on the claim: a delivery must never
            // still run when the claim has passed to another pass.
            if (claim.ExpiresAtUtc - startedAt < options.Value.DeliveryTimeout * 2)
            {
                recorder.Add(new DeliveryReport(payment.Id, claim.Token, startedAt, TimeSpan.Zero, null));
                return false;
            }

            var partner = claim.Partner!;
            var stopwatch = Stopwatch.StartNew();
            NotificationResult result;
            try
            {
                result = await _notifiers[partner.NotifyMethod].SendAsync(
                    PaymentNotice.For(payment, partner, claim.Secrets!.Current, claim.Secrets.Previous),
                    cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A notifier's own bug must not take the lane down; the payment is retried and the error kept.
                LogNotifierFailed(exception, payment.Id);
                result = new NotificationResult(
                    partner.NotifyMethod == Partners.NotifyMethod.Api ? DeliveryChannel.Webhook : DeliveryChannel.Email,
                    partner.ContactPath, DeliveryOutcome.TransientFailure, $"Unexpected error: {exception.Message}");
            }

            recorder.Add(new DeliveryReport(payment.Id, claim.Token, startedAt, stopwatch.Elapsed, result));
            metrics.Attempted(partner.AccountId, result, payment.ReceivedAtUtc, Now);
            await health.RecordAsync(partner, result.Delivered, result.Error, cancellationToken);
            if (!result.Delivered)
            {
                LogAttemptFailed(payment.Id, partner.AccountId, result.Error);
            }

            return result.Delivered;
        }
        finally
        {
            lanes.InFlight.Release();
        }
    }

    /// <summary>What a claim took: the partner (null when it took nothing), its payments and the secrets that sign them.</summary>
    private sealed record Claim(Guid Token, DateTime ExpiresAtUtc, Partner? Partner, List<Payment> Payments, SigningSecrets? Secrets);

    /// <summary>A partner's signing secrets in clear, for the life of one claim; never printed.</summary>
    private sealed class SigningSecrets(string current, string? previous)
    {
        public string Current { get; } = current;
        public string? Previous { get; } = previous;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Delivery of payment {PaymentId} to {Partner} failed: {Error}")]
    private partial void LogAttemptFailed(long paymentId, string partner, string? error);

    [LoggerMessage(Level = LogLevel.Error, Message = "The notifier threw while delivering payment {PaymentId}")]
    private partial void LogNotifierFailed(Exception exception, long paymentId);

    [LoggerMessage(Level = LogLevel.Error, Message = "The delivery lane of {Partner} stopped on a database error; the next pass resumes it")]
    private partial void LogLaneFailed(Exception exception, string partner);
}
