using Microsoft.Extensions.Options;
using MoMo.Portal.Routing;

namespace MoMo.Portal.Alerts;

public static class AlertsExtensions
{
    /// <summary>Alert conditions, their evaluation every 30 s (Hangfire) and the e-mail and webhook they go out on.</summary>
    public static WebApplicationBuilder AddAlerts(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<AlertOptions>().BindConfiguration(AlertOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<AlertConditions>();
        builder.Services.AddSingleton<AlertNotifier>();
        builder.Services.AddSingleton<AlertEvaluator>();
        builder.Services.AddHttpClient(AlertNotifier.HttpClientName);
        builder.Services.AddTransient<EvaluateAlertsJob>();
        builder.Services.AddSingleton(RecurringJobRegistration.For<EvaluateAlertsJob>(EvaluateAlertsJob.Id,
            job => job.RunAsync(CancellationToken.None), services => services.GetRequiredService<IOptions<AlertOptions>>().Value.Cron));
        return builder;
    }
}
