using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Metrics;

/// <summary>
/// The routing backlog as gauges: payments due, retrying later, held (their partner is disabled), errored and in
/// suspense, and how long the oldest due payment has waited. Counted in the database only when scraped, at most every
/// <see cref="MetricsOptions.BacklogInterval"/>; a scrape in between gets the last count.
/// </summary>
public sealed partial class RoutingBacklog
{
    private readonly IDbContextFactory<PortalDbContext> _dbFactory;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _interval;
    private readonly ILogger<RoutingBacklog> _logger;
    private readonly Lock _gate = new();
    private BacklogCounts? _last;
    private Task? _refresh;

    public RoutingBacklog(PortalMetrics metrics, IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock,
        IOptions<MetricsOptions> options, ILogger<RoutingBacklog> logger)
    {
        (_dbFactory, _clock, _interval, _logger) = (dbFactory, clock, options.Value.BacklogInterval, logger);
        metrics.Meter.CreateObservableGauge<long>("momo.routing.backlog", () => Current()?.Measurements() ?? [], "{payment}",
            "Payments not delivered yet, by state: due, retrying, held, errored, suspense.");
        metrics.Meter.CreateObservableGauge<double>("momo.routing.due.oldest.age",
            () => Current() is { } s ? [new Measurement<double>(s.OldestDue.TotalSeconds)] : [],
            "s", "How long the oldest due payment has waited past its due time (0 when none is due).");
    }

    /// <summary>The last count, starting a new one when it is older than the interval (the first scrape waits for it).</summary>
    private BacklogCounts? Current()
    {
        Task? refresh;
        lock (_gate)
        {
            if (_last is { } last && _clock.GetUtcNow().UtcDateTime - last.TakenAtUtc < _interval)
            {
                return last;
            }

            _refresh ??= Task.Run(RefreshAsync);
            refresh = _refresh;
        }

        if (_last is null)
        {
            // The very first count also compiles its queries; within Prometheus' default scrape timeout (10 s) is better than
            // a first scrape without the gauges.
            refresh.Wait(TimeSpan.FromSeconds(9));
        }

        return _last;
    }

    private async Task RefreshAsync()
    {
        try
        {
            var snapshot = await CountAsync(CancellationToken.None);
            lock (_gate)
            {
                _last = snapshot;
            }
        }
        catch (Exception exception)
        {
            // The next scrape tries again; the gauges keep their last values meanwhile.
            LogCountFailed(exception);
        }
        finally
        {
            lock (_gate)
            {
                _refresh = null;
            }
        }
    }

    /// <summary>Counts the backlog now, in the database (also what the alerts evaluate).</summary>
    public async Task<BacklogCounts> CountAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
        // The unfinished payments are few and the router's index leads with their status; errored and suspense are counted
        // by status alone, without looking up their partners.
        var waiting = await db.Payments
            .Where(PaymentRules.OnItsWay)
            .Select(p => new
            {
                // A queued payment (no due time of its own) has been due since it was received, as a claimed one.
                Due = p.Status == PaymentStatus.Delivering || p.NextAttemptAtUtc == null || p.NextAttemptAtUtc <= now,
                Active = db.Partners.Any(partner => partner.AccountId == p.PartnerAccountId && partner.IsActive && partner.PausedAtUtc == null),
                DueAt = p.Status == PaymentStatus.Delivering || p.NextAttemptAtUtc == null ? p.ReceivedAtUtc : p.NextAttemptAtUtc,
            })
            .GroupBy(p => new { p.Due, p.Active })
            .Select(g => new { g.Key.Due, g.Key.Active, Count = g.Count(), Oldest = g.Min(p => p.DueAt) })
            .ToListAsync(cancellationToken);
        var errored = await db.Payments.CountAsync(p => p.Status == PaymentStatus.Errored, cancellationToken);
        var suspense = await db.Payments.CountAsync(p => p.Status == PaymentStatus.Suspense, cancellationToken);

        var due = waiting.Where(w => w.Due && w.Active).ToList();
        var oldest = due.Select(w => w.Oldest).Where(o => o is not null).Select(o => o!.Value).DefaultIfEmpty(now).Min();
        return new BacklogCounts(now, due.Sum(w => w.Count), waiting.Where(w => !w.Due && w.Active).Sum(w => w.Count),
            waiting.Where(w => !w.Active).Sum(w => w.Count), errored, suspense, now > oldest ? now - oldest : TimeSpan.Zero);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not count the routing backlog for the metrics")]
    private partial void LogCountFailed(Exception exception);

}

/// <summary>The routing backlog at <see cref="TakenAtUtc"/>, and how long the oldest due payment has waited past its due time.</summary>
public sealed record BacklogCounts(DateTime TakenAtUtc, int Due, int Retrying, int Held, int Errored, int Suspense, TimeSpan OldestDue)
{
    public Measurement<long>[] Measurements() =>
        [Gauge("due", Due), Gauge("retrying", Retrying), Gauge("held", Held), Gauge("errored", Errored), Gauge("suspense", Suspense)];

    private static Measurement<long> Gauge(string state, long count) => new(count, new KeyValuePair<string, object?>("state", state));
}
