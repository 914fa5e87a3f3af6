using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MoMo.Portal.Audit;
using MoMo.Portal.Data;
using MoMo.Portal.Ingestion;
using MoMo.Portal.Statements;

namespace MoMo.Portal.Days;

/// <summary>
/// Closes business days: folds everything first, then freezes the day's totals. Closing twice changes nothing; a day
/// cannot close before its cut-off. What happens to a closed day's payments later is folded as adjustments of the day
/// it happens on (see <see cref="TotalsFolder"/>).
/// </summary>
public sealed partial class DayCloser(
    IDbContextFactory<PortalDbContext> dbFactory, PaymentWriter writer, TotalsFolder folder, BusinessCalendar calendar,
    IOptions<CloseOptions> options, TimeProvider clock, ILogger<DayCloser> logger)
{
    public const string JobActor = "close-days job";

    public async Task<CloseOutcome> CloseAsync(DateOnly day, string actor, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var end = calendar.EndUtc(day);
        if (now < end)
        {
            return new CloseOutcome.TooEarly(end);
        }

        CloseOutcome? outcome = null;
        // A writer's work, like the fold it finishes (see TotalsFolder).
        await writer.RunAsWriterAsync(async db => outcome = await CloseInAsync(db, day, actor, now, cancellationToken), cancellationToken);
        if (outcome is CloseOutcome.Closed)
        {
            LogClosed(day, actor);
        }

        return outcome!;
    }

    private async Task<CloseOutcome> CloseInAsync(PortalDbContext db, DateOnly day, string actor, DateTime now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await folder.LockAsync(db, cancellationToken);
        if (await db.BusinessDays.AsNoTracking().SingleOrDefaultAsync(d => d.Day == day, cancellationToken) is { } closed)
        {
            return new CloseOutcome.AlreadyClosed(closed);
        }

        // Everything received before the cut-off is counted before the day freezes (in the same locked transaction).
        while (await folder.FoldBatchAsync(db, cancellationToken))
        {
            db.ChangeTracker.Clear();
        }

        var businessDay = new BusinessDay { Day = day, ClosedAtUtc = now, ClosedBy = actor };
        db.BusinessDays.Add(businessDay);
        // With the close, in its transaction: the statement e-mails it owes, one per partner with an address, exactly once.
        db.StatementSends.AddRange(await db.Partners.AsNoTracking().Where(p => p.StatementEmail != null)
            .Select(p => new StatementSend { Day = day, PartnerAccountId = p.AccountId, Email = p.StatementEmail!, CreatedAtUtc = now, NextAttemptAtUtc = now })
            .ToListAsync(cancellationToken));
        var totals = await db.DayTotals.Where(t => t.Day == day).GroupBy(t => t.Currency)
            .Select(g => new { Currency = g.Key, Count = g.Sum(t => t.Count), Amount = g.Sum(t => t.AmountMinor) }).ToListAsync(cancellationToken);
        db.AuditEntries.Add(AuditEntry.Record(actor, "day.close", "BusinessDay", day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            null, new { Day = day, Totals = totals }, now));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CloseOutcome.Closed(businessDay);
    }

    /// <summary>The recurring job's work: closes every open day with payments whose cut-off plus grace has passed.</summary>
    public async Task<int> CloseDueAsync(CancellationToken cancellationToken)
    {
        await folder.FoldAsync(cancellationToken);
        var latest = calendar.DayOf(clock.GetUtcNow().UtcDateTime - options.Value.Grace).AddDays(-1);
        List<DateOnly> due;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            due = await db.DayTotals.Where(t => t.Day <= latest).Select(t => t.Day).Distinct()
                .Where(d => !db.BusinessDays.Any(b => b.Day == d)).OrderBy(d => d).ToListAsync(cancellationToken);
        }

        var closed = 0;
        foreach (var day in due.Where(d => calendar.EndUtc(d) + options.Value.Grace <= clock.GetUtcNow().UtcDateTime))
        {
            if (await CloseAsync(day, JobActor, cancellationToken) is CloseOutcome.Closed)
            {
                closed++;
            }
        }

        return closed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed business day {Day} ({Actor})")]
    private partial void LogClosed(DateOnly day, string actor);
}

/// <summary>How a close ended.</summary>
public abstract record CloseOutcome
{
    public sealed record Closed(BusinessDay Day) : CloseOutcome;

    public sealed record AlreadyClosed(BusinessDay Day) : CloseOutcome;

    /// <summary>The day's cut-off has not come yet (<see cref="EndsAtUtc"/>).</summary>
    public sealed record TooEarly(DateTime EndsAtUtc) : CloseOutcome;
}

/// <summary>
/// The recurring <c>close-days</c> job: closes the days that are due, then sends the statement e-mails that are due (those of
/// the days just closed, and retries). Closing twice is harmless and each e-mail is claimed once, so a missed or repeated
/// run is too.
/// </summary>
public sealed class CloseDaysJob(DayCloser closer, StatementMailer mailer)
{
    public const string Id = "close-days";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await closer.CloseDueAsync(cancellationToken);
        await mailer.SendDueAsync(cancellationToken);
    }
}
