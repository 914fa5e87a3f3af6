using System.Globalization;
using System.Text.RegularExpressions;

namespace MoMo.Portal.Payments;

/// <summary>
/// The delays between delivery attempts, e.g. <c>5s,5m,30m,2h</c>: N delays mean N+1 attempts. Each delay gets up to
/// 10 % of jitter (never less than the delay), so payments that failed together do not all retry in the same second.
/// </summary>
public sealed partial class RetrySchedule
{
    /// <summary>The Standard Webhooks schedule: nine retries over about three days.</summary>
    public const string Default = "5s,5m,30m,2h,5h,10h,14h,20h,24h";

    private readonly TimeSpan[] _delays;
    private readonly Func<double> _random;

    private RetrySchedule(TimeSpan[] delays, Func<double> random)
    {
        _delays = delays;
        _random = random;
    }

    public IReadOnlyList<TimeSpan> Delays => _delays;

    /// <summary>How many attempts a payment gets before it is errored.</summary>
    public int MaxAttempts => _delays.Length + 1;

    /// <summary>The wait after the failed attempt number <paramref name="step"/> (0-based), or null when none is left.</summary>
    public TimeSpan? DelayAfter(int step) =>
        step < _delays.Length ? _delays[step] + _delays[step] * (0.1 * _random()) : null;

    public static RetrySchedule Parse(string text, Func<double>? random = null)
    {
        if (!TryParse(text, out var schedule, out var error, random))
        {
            throw new FormatException(error);
        }

        return schedule;
    }

    public static bool TryParse(string? text, out RetrySchedule schedule, out string error, Func<double>? random = null)
    {
        schedule = new RetrySchedule([], random ?? Random.Shared.NextDouble);
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var delays = new List<TimeSpan>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var match = Delay().Match(part);
            if (!match.Success)
            {
                error = $"'{part}' is not a delay: write a number and a unit, s, m, h or d (e.g. 5s,5m,2h).";
                return false;
            }

            var amount = int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture);
            delays.Add(match.Groups["unit"].Value switch
            {
                "s" => TimeSpan.FromSeconds(amount),
                "m" => TimeSpan.FromMinutes(amount),
                "h" => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            });
        }

        schedule = new RetrySchedule([.. delays], random ?? Random.Shared.NextDouble);
        return true;
    }

    public override string ToString() => string.Join(',', _delays.Select(Format));

    private static string Format(TimeSpan delay) =>
        delay.TotalDays >= 1 && delay.TotalDays % 1 == 0 ? $"{delay.TotalDays}d"
        : delay.TotalHours >= 1 && delay.TotalHours % 1 == 0 ? $"{delay.TotalHours}h"
        : delay.TotalMinutes >= 1 && delay.TotalMinutes % 1 == 0 ? $"{delay.TotalMinutes}m"
        : $"{delay.TotalSeconds}s";

    [GeneratedRegex(@"^(?<n>[0-9]{1,6})(?<unit>[smhd])\z", RegexOptions.CultureInvariant)]
    private static partial Regex Delay();
}
