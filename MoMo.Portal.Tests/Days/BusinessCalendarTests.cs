using MoMo.Portal.Days;

namespace MoMo.Portal.Tests.Days;

public sealed class BusinessCalendarTests
{
    [Fact]
    public void With_the_default_cut_off_business_days_are_utc_calendar_days()
    {
        var calendar = new BusinessCalendar(new CloseOptions());

        Assert.Equal(new DateOnly(2026, 12, 1), calendar.DayOf(new DateTime(2026, 12, 1, 23, 59, 59, DateTimeKind.Utc)));
        Assert.Equal(new DateOnly(2026, 12, 2), calendar.DayOf(new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc)));
        Assert.Equal(new DateTime(2026, 12, 2, 0, 0, 0, DateTimeKind.Utc), calendar.EndUtc(new DateOnly(2026, 12, 1)));
    }

    [Fact]
    public void A_payment_one_second_after_the_cut_off_belongs_to_the_next_day_in_the_close_time_zone()
    {
        // Kampala is UTC+3: the 18:00 cut-off is 15:00 UTC.
        var calendar = new BusinessCalendar(new CloseOptions { TimeZone = "Africa/Kampala", CutOff = new TimeOnly(18, 0) });
        var monday = new DateOnly(2026, 11, 30);

        Assert.Equal(monday, calendar.DayOf(new DateTime(2026, 11, 30, 14, 59, 59, DateTimeKind.Utc)));
        Assert.Equal(monday.AddDays(1), calendar.DayOf(new DateTime(2026, 11, 30, 15, 0, 1, DateTimeKind.Utc)));
        Assert.Equal(new DateTime(2026, 11, 30, 15, 0, 0, DateTimeKind.Utc), calendar.EndUtc(monday));
        Assert.Equal(new DateTime(2026, 11, 29, 15, 0, 0, DateTimeKind.Utc), calendar.StartUtc(monday));
    }

    [Fact]
    public void A_cut_off_in_the_daylight_saving_gap_ends_the_day_when_the_clocks_resume_and_every_moment_has_one_day()
    {
        var calendar = new BusinessCalendar(new CloseOptions { TimeZone = "Europe/London", CutOff = new TimeOnly(1, 30) });
        var spring = new DateOnly(2026, 3, 29); // clocks go from 01:00 to 02:00: 01:30 does not exist that day

        // From 01:30 GMT the day before to 02:00 BST (01:00 UTC), when the clocks resume.
        Assert.Equal(new DateTime(2026, 3, 29, 1, 0, 0, DateTimeKind.Utc), calendar.EndUtc(spring));
        Assert.Equal(TimeSpan.FromHours(23.5), calendar.EndUtc(spring) - calendar.StartUtc(spring));
        for (var t = calendar.StartUtc(spring).AddDays(-1); t < calendar.EndUtc(spring).AddDays(1); t = t.AddMinutes(7))
        {
            var day = calendar.DayOf(t);
            Assert.InRange(t, calendar.StartUtc(day), calendar.EndUtc(day).AddTicks(-1));
        }
    }

    [Fact]
    public void An_unknown_time_zone_is_refused_with_the_setting_named()
    {
        var errors = new CloseOptions { TimeZone = "Africa/Atlantis" }.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(new object())).ToList();

        Assert.Contains("Close:TimeZone 'Africa/Atlantis'", Assert.Single(errors).ErrorMessage, StringComparison.Ordinal);
    }
}
