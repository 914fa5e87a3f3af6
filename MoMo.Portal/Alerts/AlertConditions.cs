using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MoMo.Portal.Data;
using MoMo.Portal.Metrics;
using MoMo.Portal.Payments;
using MoMo.Portal.Suspense;

namespace MoMo.Portal.Alerts;

/// <summary>A condition that holds now, for one subject, with what was seen.</summary>
public sealed record Firing(string Condition, string Subject, string Detail);

/// <summary>The conditions operations are alerted on, read from the database as they are now.</summary>
public sealed class AlertConditions(
    IDbContextFactory<PortalDbContext> dbFactory, RoutingBacklog backlog, IOptions<AlertOptions> options,
    IOptions<SuspenseOptions> suspense, IOptions<Days.CloseOptions> close, TimeProvider clock)
{
    public const string BankSilent = "bank_silent";
    public const string PartnerPaused = "partner_paused";
    public const string BacklogDue = "routing_backlog_due";
    public const string SuspenseOverdue = "suspense_overdue";
    public const string ErroredLastHour = "errored_last_hour";

    public async Task<List<Firing>> EvaluateAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var firing = new List<Firing>();
        var counts = await backlog.CountAsync(cancellationToken);
        if (counts.Due > 0 && counts.OldestDue > options.Value.BacklogAge)
        {
            firing.Add(new Firing(BacklogDue, "",
                $"{counts.Due} payment(s) due for delivery, the oldest for {Minutes(counts.OldestDue)} (threshold {Minutes(options.Value.BacklogAge)})."));
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var heldBefore = now - suspense.Value.AlertAfter;
        var overdue = await db.SuspenseCases.CountAsync(c => c.Resolution == null && c.HeldAtUtc < heldBefore, cancellationToken);
        if (overdue > 0)
        {
            firing.Add(new Firing(SuspenseOverdue, "",
                $"{overdue} payment(s) in suspense for more than {Minutes(suspense.Value.AlertAfter)}."));
        }

        if (options.Value.ErroredPerHour > 0)
        {
            // Errored now, after an attempt in the last hour: what the last hour turned into errors.
            var hourAgo = now.AddHours(-1);
            var errored = await db.Payments.CountAsync(p => p.Status == PaymentStatus.Errored
                && db.DeliveryAttempts.Any(a => a.PaymentId == p.Id && a.StartedAtUtc >= hourAgo), cancellationToken);
            if (errored > options.Value.ErroredPerHour)
            {
                firing.Add(new Firing(ErroredLastHour, "",
                    $"{errored} payment(s) errored in the last hour (threshold {options.Value.ErroredPerHour}); staff must retry them."));
            }
        }

        firing.AddRange(await SilentBanksAsync(db, now, cancellationToken));
        // Opens when a partner is paused and clears when it is resumed: the "recovered" message.
        firing.AddRange((await db.Partners.AsNoTracking().Where(p => p.PausedAtUtc != null)
                .Select(p => new { p.AccountId, p.PausedAtUtc, p.PauseReason }).ToListAsync(cancellationToken))
            .Select(p => new Firing(PartnerPaused, p.AccountId,
                $"Deliveries to {p.AccountId} paused since {p.PausedAtUtc:yyyy-MM-dd HH:mm:ss} UTC: {p.PauseReason}")));
        return firing;
    }

    /// <summary>Banks with a silence watch that sent nothing for longer than its window, within their active hours.</summary>
    private async Task<List<Firing>> SilentBanksAsync(PortalDbContext db, DateTime now, CancellationToken cancellationToken)
    {
        var watched = await db.Banks.AsNoTracking().Where(b => b.IsActive && b.SilenceAlertAfter != null).ToListAsync(cancellationToken);
        var firing = new List<Firing>();
        var zone = TimeZoneInfo.FindSystemTimeZoneById(close.Value.TimeZone);
        var local = TimeZoneInfo.ConvertTimeFromUtc(now, zone);
        foreach (var bank in watched)
        {
            var watch = bank.Silence!;
            if (!watch.IsActive(local, out var startedLocal))
            {
                continue;
            }

            // The (bank, received) index answers this with one seek.
            var last = await db.Payments.Where(p => p.BankCode == bank.Code).MaxAsync(p => (DateTime?)p.ReceivedAtUtc, cancellationToken);
            // Silence counts from the start of the active hours at the earliest: before them the bank had nothing to send.
            var started = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(startedLocal, DateTimeKind.Unspecified), zone);
            var silentSince = last is { } at && at > started ? at : started;
            if (now - silentSince > watch.After)
            {
                firing.Add(new Firing(BankSilent, bank.Code, last is { } seen
                    ? $"No payment from {bank.Code} since {seen:yyyy-MM-dd HH:mm:ss} UTC (alert after {watch})."
                    : $"No payment from {bank.Code} yet (alert after {watch})."));
            }
        }

        return firing;
    }

    private static string Minutes(TimeSpan time) =>
        time >= TimeSpan.FromHours(2) ? $"{time.TotalHours:0} h" : $"{Math.Max(1, (int)time.TotalMinutes)} min";
}
