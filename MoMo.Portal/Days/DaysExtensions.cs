using Microsoft.Extensions.Options;
using MoMo.Portal.Routing;

namespace MoMo.Portal.Days;

public static class DaysExtensions
{
    /// <summary>Business days: the calendar, the running totals and their fold, the close, and their recurring jobs.</summary>
    public static WebApplicationBuilder AddBusinessDays(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CloseOptions>().BindConfiguration(CloseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<BusinessCalendar>();
        builder.Services.AddSingleton<TotalsFolder>();
        builder.Services.AddSingleton<DayCloser>();
        builder.Services.AddSingleton<DayTotalsReader>();
        builder.Services.AddHostedService<TotalsFoldService>();
        builder.Services.AddTransient<CloseDaysJob>();
        builder.Services.AddSingleton(RecurringJobRegistration.For<CloseDaysJob>(CloseDaysJob.Id,
            job => job.RunAsync(CancellationToken.None), services => services.GetRequiredService<IOptions<CloseOptions>>().Value.CloseCron));
        return builder;
    }
}
