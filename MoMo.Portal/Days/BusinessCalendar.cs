using Microsoft.Extensions.Options;

namespace MoMo.Portal.Days;

/// <summary>
/// Which business day a moment belongs to. A business day ends at <see cref="CloseOptions.CutOff"/> local time in
/// <see cref="CloseOptions.TimeZone"/> (exclusive): with a cut-off of 18:00, a payment at 18:00:00 on Monday belongs
/// to Tuesday. With 00:00, business days are calendar days. Days are named by their local date.
/// </summary>
public sealed class BusinessCalendar
{
    private readonly TimeZoneInfo _zone;
    private readonly TimeSpan _shift;

    public BusinessCalendar(IOptions<CloseOptions> options)
        : this(options.Value)
    {
    }

    public BusinessCalendar(CloseOptions options)
    {
        _zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        // Shifting local time forward by what is left of the day after the cut-off lands every moment on its day's date.
        _shift = options.CutOff == TimeOnly.MinValue ? TimeSpan.Zero : TimeSpan.FromDays(1) - options.CutOff.ToTimeSpan();
    }

    public DateOnly DayOf(DateTime utc) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), _zone) + _shift);

    /// <summary>The first moment (UTC) of <paramref name="day"/>.</summary>
    public DateTime StartUtc(DateOnly day) => ToUtc(day.ToDateTime(TimeOnly.MinValue) - _shift);

    /// <summary>The end (UTC, exclusive) of <paramref name="day"/>: its cut-off.</summary>
    public DateTime EndUtc(DateOnly day) => StartUtc(day.AddDays(1));

    private DateTime ToUtc(DateTime local)
    {
        // A cut-off in a daylight-saving gap does not exist that day: the day then ends when the clocks resume.
        while (_zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(15);
        }

        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), _zone);
    }
}
