using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Audit;
using MoMo.Portal.Data;

namespace MoMo.Portal.Payments;

/// <summary>Staff retry: errored payments become due now, with who asked on record.</summary>
public sealed class PaymentRetryService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    private const int BatchSize = 500;

    /// <summary>Retries the given payments; those that are not errored are left alone and counted.</summary>
    public async Task<RetryOutcome> RetryAsync(IReadOnlyCollection<long> paymentIds, string actor, CancellationToken cancellationToken)
    {
        var outcome = new RetryOutcome(0, 0, 0);
        foreach (var batch in paymentIds.Distinct().Chunk(BatchSize))
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var payments = await db.Payments.Where(p => batch.Contains(p.Id)).ToListAsync(cancellationToken);
            var retried = Retry(db, payments, actor);
            await db.SaveChangesAsync(cancellationToken);
            outcome = outcome with
            {
                Retried = outcome.Retried + retried,
                NotErrored = outcome.NotErrored + payments.Count - retried,
                NotFound = outcome.NotFound + batch.Length - payments.Count,
            };
        }

        return outcome;
    }

    /// <summary>Retries every errored payment.</summary>
    public Task<RetryOutcome> RetryAllErroredAsync(string actor, CancellationToken cancellationToken) =>
        RetryAllErroredAsync(new PaymentFilter(), actor, cancellationToken);

    /// <summary>How many errored payments <see cref="RetryAllErroredAsync(PaymentFilter, string, CancellationToken)"/> would retry.</summary>
    public async Task<int> CountErroredAsync(PaymentFilter filter, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var errored = await ErroredAsync(db, filter, cancellationToken);
        return await errored.CountAsync(cancellationToken);
    }

    /// <summary>Retries every errored payment that matches <paramref name="filter"/>.</summary>
    public async Task<RetryOutcome> RetryAllErroredAsync(PaymentFilter filter, string actor, CancellationToken cancellationToken)
    {
        var retried = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var errored = await ErroredAsync(db, filter, cancellationToken);
            var payments = await errored.OrderBy(p => p.Id).Take(BatchSize).ToListAsync(cancellationToken);
            if (payments.Count == 0)
            {
                return new RetryOutcome(retried, 0, 0);
            }

            retried += Retry(db, payments, actor);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>How many of the partner's payments received since <paramref name="sinceUtc"/> are errored: what "recover since" would re-queue.</summary>
    public async Task<int> CountRecoverableAsync(string partnerAccountId, DateTime sinceUtc, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await ErroredSince(db, partnerAccountId, sinceUtc).CountAsync(cancellationToken);
    }

    /// <summary>
    /// "Recover since": re-queues every errored payment of the partner received since <paramref name="sinceUtc"/> — after
    /// its endpoint was down, say — each keeping its delivery id (the webhook-id the partner dedupes on). Audited as one
    /// <c>partner.recover</c> entry besides each payment's own <c>payment.retry</c>.
    /// </summary>
    public async Task<RetryOutcome> RecoverSinceAsync(string partnerAccountId, DateTime sinceUtc, string actor, CancellationToken cancellationToken)
    {
        var retried = 0;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var payments = await ErroredSince(db, partnerAccountId, sinceUtc).OrderBy(p => p.Id).Take(BatchSize).ToListAsync(cancellationToken);
            if (payments.Count == 0)
            {
                db.AuditEntries.Add(AuditEntry.Record(actor, "partner.recover", "Partner", partnerAccountId, null,
                    new { SinceUtc = sinceUtc, Retried = retried }, clock.GetUtcNow().UtcDateTime));
                await db.SaveChangesAsync(cancellationToken);
                return new RetryOutcome(retried, 0, 0);
            }

            retried += Retry(db, payments, actor);
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>Sends a delivered payment again, on a staff member's request; false when it is not delivered.</summary>
    public async Task<bool> ResendAsync(long paymentId, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var payment = await db.Payments.SingleOrDefaultAsync(p => p.Id == paymentId, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        if (payment is null || !payment.ScheduleResend(actor, now))
        {
            return false;
        }

        db.AuditEntries.Add(AuditEntry.Record(actor, "payment.resend", "Payment",
            paymentId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            new { Status = PaymentStatus.Delivered }, new { payment.Status, payment.NextAttemptAtUtc }, now));
        await db.SaveChangesAsync(cancellationToken);
        return true;
    }

    private static IQueryable<Payment> ErroredSince(PortalDbContext db, string partnerAccountId, DateTime sinceUtc) =>
        db.Payments.Where(p => p.Status == PaymentStatus.Errored && p.PartnerAccountId == partnerAccountId && p.ReceivedAtUtc >= sinceUtc);

    private static async Task<IQueryable<Payment>> ErroredAsync(PortalDbContext db, PaymentFilter filter, CancellationToken cancellationToken) =>
        filter.Apply(db.Payments, db.Partners, await PaymentKeys.ReadAsync(db, cancellationToken)).Where(p => p.Status == PaymentStatus.Errored);

    private int Retry(PortalDbContext db, List<Payment> payments, string actor)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var retried = 0;
        foreach (var payment in payments)
        {
            var before = new { payment.Status, payment.ProcessError, payment.LastError };
            if (payment.ScheduleStaffRetry(actor, now))
            {
                retried++;
                db.AuditEntries.Add(AuditEntry.Record(actor, "payment.retry", "Payment", payment.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    before, new { payment.Status, payment.ProcessError, payment.NextAttemptAtUtc }, now));
            }
        }

        return retried;
    }
}

/// <summary>How many payments a retry request moved, and how many it could not.</summary>
public sealed record RetryOutcome(int Retried, int NotErrored, int NotFound);
