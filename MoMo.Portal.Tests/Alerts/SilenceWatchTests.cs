using MoMo.Portal.Banks;

namespace MoMo.Portal.Tests.Alerts;

public sealed class SilenceWatchTests
{
    [Theory]
    [InlineData("30m", null, "30m, all day")]
    [InlineData("2h", "07:00-20:00", "2h, 07:00-20:00")]
    [InlineData("00:00:45", "22:00-06:00", "45s, 22:00-06:00")]
    public void Windows_and_hours_read_as_operators_write_them(string window, string? hours, string shown) =>
        Assert.Equal(shown, SilenceWatch.Parse(window, hours).Watch!.ToString());

    [Theory]
    [InlineData("soon", null, "is not a silence window")]
    [InlineData("0s", null, "is not a silence window")]
    [InlineData("30m", "7-20", "are not active hours")]
    [InlineData("30m", "08:00-08:00", "are not active hours")]
    public void What_does_not_parse_is_refused_with_how_to_write_it(string window, string? hours, string message) =>
        Assert.Contains(message, SilenceWatch.Parse(window, hours).Error, StringComparison.Ordinal);

    [Theory]
    [InlineData("07:00-20:00", "2026-12-02T06:59:00", false, null)]
    [InlineData("07:00-20:00", "2026-12-02T07:00:00", true, "2026-12-02T07:00:00")]
    [InlineData("07:00-20:00", "2026-12-02T20:00:00", false, null)]
    [InlineData("22:00-06:00", "2026-12-02T23:30:00", true, "2026-12-02T22:00:00")]
    [InlineData("22:00-06:00", "2026-12-03T05:59:00", true, "2026-12-02T22:00:00")]
    [InlineData("22:00-06:00", "2026-12-03T12:00:00", false, null)]
    public void Active_hours_may_run_across_midnight_and_silence_counts_from_their_start(string hours, string local, bool active, string? started)
    {
        var watch = SilenceWatch.Parse("30m", hours).Watch!;

        var isActive = watch.IsActive(DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture), out var startedLocal);

        Assert.Equal(active, isActive);
        if (started is not null)
        {
            Assert.Equal(DateTime.Parse(started, System.Globalization.CultureInfo.InvariantCulture), startedLocal);
        }
    }
}
