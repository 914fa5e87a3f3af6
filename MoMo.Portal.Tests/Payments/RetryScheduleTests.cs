using MoMo.Portal.Payments;

namespace MoMo.Portal.Tests.Payments;

public sealed class RetryScheduleTests
{
    [Fact]
    public void A_schedule_of_n_delays_gives_n_plus_one_attempts_with_jitter_of_at_most_ten_percent_and_never_less()
    {
        var none = RetrySchedule.Parse("5s,5m,2h,1d", random: () => 0);
        var most = RetrySchedule.Parse("5s,5m,2h,1d", random: () => 1);

        Assert.Equal(5, none.MaxAttempts);
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5), TimeSpan.FromHours(2), TimeSpan.FromDays(1)], none.Delays);
        Assert.Equal(TimeSpan.FromSeconds(5), none.DelayAfter(0));
        Assert.Equal(TimeSpan.FromMinutes(5.5), most.DelayAfter(1));
        Assert.Null(none.DelayAfter(4));
    }

    [Theory]
    [InlineData("5", "'5' is not a delay")]
    [InlineData("5s,,5m", "'' is not a delay")]
    [InlineData("5 weeks", "'5 weeks' is not a delay")]
    public void A_bad_schedule_is_refused_naming_the_part_that_does_not_read(string text, string expected)
    {
        Assert.False(RetrySchedule.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_schedule_means_one_attempt_and_no_retry()
    {
        Assert.True(RetrySchedule.TryParse("", out var schedule, out _));
        Assert.Equal((1, (TimeSpan?)null), (schedule.MaxAttempts, schedule.DelayAfter(0)));
    }
}
