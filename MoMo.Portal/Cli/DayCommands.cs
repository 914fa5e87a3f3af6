using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MoMo.Portal.Days;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Cli;

/// <summary><c>days list|show|close</c>: business days and their totals.</summary>
internal static class DayCommands
{
    public static Command Days(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var list = new Command("list", "List business days (newest first): open or closed, with their totals.") { json };
        list.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var reader = context.Services.GetRequiredService<DayTotalsReader>();
            var days = await reader.DaysAsync(DateOnly.MinValue, DateOnly.MaxValue, cancellationToken);
            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(days.Select(Summary), CommandJson.Options));
                return PortalCommandLine.Success;
            }

            foreach (var day in days)
            {
                var amounts = string.Join(", ", day.ByCurrency().Select(c => $"{Money.Format(c.AmountMinor, c.Currency)} {c.Currency}"));
                var buckets = string.Join(" ", Enum.GetValues<TotalsBucket>().Select(b => $"{Name(b)}={day.Count(b)}"));
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{day.Day:yyyy-MM-dd}\t{(day.IsClosed ? "closed" : "open")}\t{day.Count()} payments\t{amounts}\t{buckets}"));
            }

            if (days.Count == 0)
            {
                context.Output.WriteLine("No business day has payments yet.");
            }

            return PortalCommandLine.Success;
        });

        var showDate = Date();
        var showJson = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var show = new Command("show", "A business day's totals per bank, partner and currency, and its adjustments.") { showDate, showJson };
        show.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var day = await context.Services.GetRequiredService<DayTotalsReader>().DayAsync(parsed.GetRequiredValue(showDate), cancellationToken);
            if (parsed.GetValue(showJson))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(Detail(day), CommandJson.Options));
                return PortalCommandLine.Success;
            }

            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{day.Day:yyyy-MM-dd}: {(day.Closed is { } closed ? $"closed {closed.ClosedAtUtc:yyyy-MM-dd HH:mm} UTC by {closed.ClosedBy}" : "open")}"));
            foreach (var line in day.Lines)
            {
                context.Output.WriteLine($"{line.BankCode}\t{Partner(line.PartnerAccountId)}\t{line.Currency}\t{Name(line.Bucket)}\t{line.Count}\t{Money.Format(line.AmountMinor, line.Currency)}");
            }

            foreach (var adjustment in day.AdjustmentsToThisDay)
            {
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"adjusted on {adjustment.Day:yyyy-MM-dd}\t{adjustment.BankCode}\t{Partner(adjustment.PartnerAccountId)}\t{adjustment.Currency}\t" +
                    $"{Name(adjustment.Bucket)}\t{adjustment.Count:+0;-0;0}\t{Money.Format(adjustment.AmountMinor, adjustment.Currency)}"));
            }

            return PortalCommandLine.Success;
        });

        var closeDate = Date();
        var close = new Command("close", "Close a business day: fold everything, then freeze its totals (once its cut-off has passed).") { closeDate };
        close.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var date = parsed.GetRequiredValue(closeDate);
            switch (await context.Services.GetRequiredService<DayCloser>().CloseAsync(date, context.Actor, cancellationToken))
            {
                case CloseOutcome.Closed:
                    context.Output.WriteLine($"Closed {date:yyyy-MM-dd}.");
                    return PortalCommandLine.Success;
                case CloseOutcome.AlreadyClosed already:
                    context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{date:yyyy-MM-dd} was already closed ({already.Day.ClosedAtUtc:yyyy-MM-dd HH:mm} UTC by {already.Day.ClosedBy}); nothing changed."));
                    return PortalCommandLine.Success;
                case CloseOutcome.TooEarly early:
                    return context.Fail(string.Create(CultureInfo.InvariantCulture,
                        $"{date:yyyy-MM-dd} cannot close before its cut-off ({early.EndsAtUtc:yyyy-MM-dd HH:mm} UTC)."));
                default:
                    throw new InvalidOperationException("Unknown close outcome.");
            }
        });

        var group = new Command("days", "Business days: their running totals and their close.");
        group.Subcommands.Add(list);
        group.Subcommands.Add(show);
        group.Subcommands.Add(close);
        return group;
    }

    private static Option<DateOnly> Date() => new("--date") { Description = "The business day, yyyy-MM-dd.", Required = true };

    private static string Name(TotalsBucket bucket) => JsonNamingPolicy.SnakeCaseLower.ConvertName(bucket.ToString());

    private static string Partner(string accountId) => accountId.Length == 0 ? "(no partner)" : accountId;

    private static object Summary(DayView day) => new
    {
        Day = day.Day,
        day.IsClosed,
        ClosedAt = day.Closed?.ClosedAtUtc,
        Count = day.Count(),
        Buckets = Enum.GetValues<TotalsBucket>().ToDictionary(Name, b => day.ByCurrency(b).ToDictionary(
            c => c.Currency, c => new { c.Count, Amount = Money.Format(c.AmountMinor, c.Currency) })),
    };

    private static object Detail(DayView day) => new
    {
        Day = day.Day,
        day.IsClosed,
        ClosedAt = day.Closed?.ClosedAtUtc,
        day.Closed?.ClosedBy,
        Lines = day.Lines.Select(l => new { l.BankCode, l.PartnerAccountId, l.Currency, Bucket = Name(l.Bucket), l.Count, Amount = Money.Format(l.AmountMinor, l.Currency) }),
        AdjustmentsToThisDay = day.AdjustmentsToThisDay.Select(Adjustment),
        AdjustmentsMade = day.AdjustmentsMade.Select(Adjustment),
    };

    private static object Adjustment(AdjustmentLine a) => new
    {
        a.Day, a.OriginDay, a.BankCode, a.PartnerAccountId, a.Currency, Bucket = Name(a.Bucket), a.Count, Amount = Money.Format(a.AmountMinor, a.Currency),
    };
}
