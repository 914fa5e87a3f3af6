using System.Globalization;

namespace MoMo.Portal.Banks;

/// <summary>
/// When a bank's silence is worth an alert: no payment for longer than <see cref="After"/> while the bank is active,
/// between <see cref="From"/> and <see cref="To"/> local time in the close time zone (the whole day when both are null).
/// </summary>
public sealed record SilenceWatch(TimeSpan After, TimeOnly? From, TimeOnly? To)
{
    public static readonly TimeSpan Shortest = TimeSpan.FromSeconds(1);

    /// <summary>Reads <c>30m</c>, <c>2h</c>, <c>00:30:00</c> and <c>07:00-20:00</c>; null with the reason when they do not parse.</summary>
    public static (SilenceWatch? Watch, string? Error) Parse(string after, string? hours)
    {
        if (!TryDuration(after.Trim(), out var window) || window < Shortest || window > TimeSpan.FromDays(7))
        {
            return (null, $"'{after}' is not a silence window: write it like 30m, 2h or 00:30:00 (1 s to 7 days).");
        }

        if (string.IsNullOrWhiteSpace(hours))
        {
            return (new SilenceWatch(window, null, null), null);
        }

        var parts = hours.Split('-', StringSplitOptions.TrimEntries);
        return parts.Length == 2
               && TimeOnly.TryParseExact(parts[0], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
               && TimeOnly.TryParseExact(parts[1], "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to)
               && from != to
            ? (new SilenceWatch(window, from, to), null)
            : (null, $"'{hours}' are not active hours: write them like 07:00-20:00 (local time in Close:TimeZone).");
    }

    /// <summary>Whether <paramref name="local"/> falls in the active hours, and when (local) they began.</summary>
    public bool IsActive(DateTime local, out DateTime startedLocal)
    {
        if (From is not { } from || To is not { } to)
        {
            startedLocal = local.Date;
            return true;
        }

        var time = TimeOnly.FromDateTime(local);
        // Hours may run across midnight (22:00-06:00).
        var active = from < to ? time >= from && time < to : time >= from || time < to;
        startedLocal = local.Date + from.ToTimeSpan() - (from <= time ? TimeSpan.Zero : TimeSpan.FromDays(1));
        return active;
    }

    public override string ToString() =>
        $"{Text(After)}{(From is { } from && To is { } to ? $", {from:HH\\:mm}-{to:HH\\:mm}" : ", all day")}";

    private static string Text(TimeSpan time) => time.TotalHours >= 1 && time.TotalHours % 1 == 0 ? $"{time.TotalHours:0}h"
        : time.TotalMinutes >= 1 && time.TotalMinutes % 1 == 0 ? $"{time.TotalMinutes:0}m" : $"{time.TotalSeconds:0}s";

    private static bool TryDuration(string text, out TimeSpan duration)
    {
        duration = default;
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            switch (text[^1])
            {
                case 's': duration = TimeSpan.FromSeconds(value); return true;
                case 'm': duration = TimeSpan.FromMinutes(value); return true;
                case 'h': duration = TimeSpan.FromHours(value); return true;
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
    }
}
