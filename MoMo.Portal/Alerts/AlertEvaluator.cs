using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;

namespace MoMo.Portal.Alerts;

/// <summary>
/// Opens an alert when a condition starts, clears it when it ends, and sends each "opened" and "cleared" once. The
/// unique index on open alerts and compare-and-set claims on the sends keep that true with several instances evaluating
/// at once; a send that failed is tried again at the next evaluation.
/// </summary>
public sealed partial class AlertEvaluator(
    IDbContextFactory<PortalDbContext> dbFactory, AlertConditions conditions, AlertNotifier notifier, TimeProvider clock,
    ILogger<AlertEvaluator> logger)
{
    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        var firing = await conditions.EvaluateAsync(cancellationToken);
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var open = await db.Alerts.Where(a => a.State == AlertState.Open).ToListAsync(cancellationToken);
            var now = clock.GetUtcNow().UtcDateTime;
            foreach (var started in firing.Where(f => !open.Any(a => a.Condition == f.Condition && a.Subject == f.Subject)))
            {
                await OpenAsync(started, now, cancellationToken);
            }

            foreach (var ended in open.Where(a => !firing.Any(f => f.Condition == a.Condition && f.Subject == a.Subject)))
            {
                await db.Alerts.Where(a => a.Id == ended.Id && a.State == AlertState.Open)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.State, AlertState.Cleared).SetProperty(a => a.ClearedAtUtc, now), cancellationToken);
            }
        }

        await SendPendingAsync(cancellationToken);
    }

    private async Task OpenAsync(Firing firing, DateTime now, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Alerts.Add(new Alert
        {
            Condition = firing.Condition, Subject = firing.Subject, OpenedAtUtc = now,
            Detail = firing.Detail.Length > Alert.MaxDetailLength ? firing.Detail[..Alert.MaxDetailLength] : firing.Detail,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            LogOpened(firing.Condition, firing.Subject, firing.Detail);
        }
        catch (DbUpdateException)
        {
            // Another instance opened it a moment ago (one open alert per condition and subject); anything else is a failure.
            if (!await IsOpenAsync(firing, cancellationToken))
            {
                throw;
            }
        }
    }

    private async Task<bool> IsOpenAsync(Firing firing, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Alerts.AnyAsync(a => a.State == AlertState.Open && a.Condition == firing.Condition && a.Subject == firing.Subject,
            cancellationToken);
    }

    /// <summary>Sends every "opened" and "cleared" not sent yet, each claimed first so that it goes out once.</summary>
    private async Task SendPendingAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var pending = await db.Alerts.AsNoTracking()
            .Where(a => a.OpenSentAtUtc == null || (a.State == AlertState.Cleared && a.ClearSentAtUtc == null))
            .OrderBy(a => a.Id).Take(100).ToListAsync(cancellationToken);
        foreach (var alert in pending)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            var opening = alert.OpenSentAtUtc is null;
            // An alert that opened and cleared between two evaluations is told as cleared only after it was told as opened.
            var claimed = opening
                ? await db.Alerts.Where(a => a.Id == alert.Id && a.OpenSentAtUtc == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.OpenSentAtUtc, now), cancellationToken)
                : await db.Alerts.Where(a => a.Id == alert.Id && a.ClearSentAtUtc == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.ClearSentAtUtc, now), cancellationToken);
            if (claimed == 0)
            {
                continue;
            }

            var told = opening ? new Alert
            {
                Id = alert.Id, Condition = alert.Condition, Subject = alert.Subject, OpenedAtUtc = alert.OpenedAtUtc, Detail = alert.Detail,
            } : alert;
            var failure = await notifier.SendAsync(told, cancellationToken);
            if (failure is not null)
            {
                // Not told: release the claim so the next evaluation tries again, and keep why.
                LogSendFailed(alert.Id, failure);
                await (opening
                    ? db.Alerts.Where(a => a.Id == alert.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.OpenSentAtUtc, (DateTime?)null)
                        .SetProperty(a => a.LastSendError, failure), cancellationToken)
                    : db.Alerts.Where(a => a.Id == alert.Id).ExecuteUpdateAsync(s => s.SetProperty(a => a.ClearSentAtUtc, (DateTime?)null)
                        .SetProperty(a => a.LastSendError, failure), cancellationToken));
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alert {Condition} {Subject} opened: {Detail}")]
    private partial void LogOpened(string condition, string subject, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not send alert {AlertId}: {Failure}; trying again at the next evaluation")]
    private partial void LogSendFailed(long alertId, string failure);
}

/// <summary>The recurring <c>evaluate-alerts</c> job (every 30 s by default).</summary>
public sealed class EvaluateAlertsJob(AlertEvaluator evaluator)
{
    public const string Id = "evaluate-alerts";

    public Task RunAsync(CancellationToken cancellationToken) => evaluator.EvaluateAsync(cancellationToken);
}
