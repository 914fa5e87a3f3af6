using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MoMo.Portal.Audit;
using MoMo.Portal.Data;
using MoMo.Portal.Partners;

namespace MoMo.Portal.Routing;

/// <summary>
/// Pauses a partner whose endpoint keeps failing and resumes it when a probe gets through. The failure streak is kept on
/// the partner's row (so every instance's attempts count); a delivered payment writes only when there is a streak or a
/// pause to end, which leaves the common case — a healthy partner — without a write.
/// </summary>
public sealed partial class EndpointHealth(
    IDbContextFactory<PortalDbContext> dbFactory, IOptions<RoutingOptions> options, TimeProvider clock, ILogger<EndpointHealth> logger)
{
    public const string RouterActor = "router";

    // Partners this process saw fail since it last saw them take a payment: a success must then end the streak.
    private readonly ConcurrentDictionary<string, bool> _failing = new();

    /// <summary>Counts one attempt's outcome; <paramref name="partner"/> is the row as the lane claimed it.</summary>
    public async Task RecordAsync(Partner partner, bool delivered, string? error, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (delivered)
        {
            if (partner.ConsecutiveFailures == 0 && partner.PausedAtUtc is null && !_failing.TryRemove(partner.AccountId, out _))
            {
                return;
            }

            await ResumeAsync(partner.AccountId, now, cancellationToken);
            return;
        }

        _failing[partner.AccountId] = true;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.Partners.Where(p => p.AccountId == partner.AccountId).ExecuteUpdateAsync(set => set
            .SetProperty(p => p.ConsecutiveFailures, p => p.ConsecutiveFailures + 1)
            .SetProperty(p => p.FailingSinceUtc, p => p.FailingSinceUtc ?? now), cancellationToken);
        var routing = options.Value;
        if (routing.PauseAfterFailures == 0)
        {
            return;
        }

        var spanStart = now - routing.PauseAfterPeriod;
        var anySpan = routing.PauseAfterPeriod == TimeSpan.Zero;
        var reason = Truncate($"{routing.PauseAfterFailures} or more failed attempts in a row since the first failure; last: {error}");
        // Compare-and-set: of several instances seeing the threshold, one pauses. Without a period the streak alone
        // decides: concurrent attempts take their clocks in any order, so "failing since" may lie after this one's now.
        var paused = await db.Partners
            .Where(p => p.AccountId == partner.AccountId && p.PausedAtUtc == null
                        && p.ConsecutiveFailures >= routing.PauseAfterFailures && (anySpan || p.FailingSinceUtc <= spanStart))
            .ExecuteUpdateAsync(set => set
                .SetProperty(p => p.PausedAtUtc, now)
                .SetProperty(p => p.PauseReason, reason)
                .SetProperty(p => p.NextProbeAtUtc, now + routing.ProbeInterval), cancellationToken);
        if (paused == 1)
        {
            db.AuditEntries.Add(AuditEntry.Record(RouterActor, "partner.pause", "Partner", partner.AccountId, null, new { Reason = reason }, now));
            await db.SaveChangesAsync(cancellationToken);
            LogPaused(partner.AccountId, reason);
        }
    }

    /// <summary>
    /// Takes the probe of a paused partner if it is due: true for exactly one caller per interval, whichever instance.
    /// </summary>
    public async Task<bool> TakeProbeAsync(string partnerAccountId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Partners
            .Where(p => p.AccountId == partnerAccountId && p.PausedAtUtc != null && p.NextProbeAtUtc <= now)
            .ExecuteUpdateAsync(set => set.SetProperty(p => p.NextProbeAtUtc, now + options.Value.ProbeInterval), cancellationToken) == 1;
    }

    private async Task ResumeAsync(string partnerAccountId, DateTime now, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var wasPaused = await db.Partners.Where(p => p.AccountId == partnerAccountId)
            .Select(p => p.PausedAtUtc != null && p.NextProbeAtUtc != null).SingleOrDefaultAsync(cancellationToken);
        // A success ends the streak and an automatic pause; a pause by staff stays until staff resume it.
        await db.Partners.Where(p => p.AccountId == partnerAccountId && (p.PausedAtUtc == null || p.NextProbeAtUtc != null))
            .ExecuteUpdateAsync(set => set
                .SetProperty(p => p.ConsecutiveFailures, 0)
                .SetProperty(p => p.FailingSinceUtc, (DateTime?)null)
                .SetProperty(p => p.PausedAtUtc, (DateTime?)null)
                .SetProperty(p => p.PauseReason, (string?)null)
                .SetProperty(p => p.NextProbeAtUtc, (DateTime?)null), cancellationToken);
        if (wasPaused)
        {
            db.AuditEntries.Add(AuditEntry.Record(RouterActor, "partner.resume", "Partner", partnerAccountId, null,
                new { Reason = "A probe was delivered." }, now));
            await db.SaveChangesAsync(cancellationToken);
            LogResumed(partnerAccountId);
        }
    }

    private static string Truncate(string text) => text.Length > 500 ? text[..500] : text;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Paused partner {Partner}: {Reason}")]
    private partial void LogPaused(string partner, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Resumed partner {Partner}: a probe was delivered")]
    private partial void LogResumed(string partner);
}
