using Hangfire;
using MoMo.Portal.Routing;

namespace MoMo.Portal.Ingestion;

public static class IngestionExtensions
{
    /// <summary>The bank API: its controller, admission limits, the ingestion service and the proof store.</summary>
    public static WebApplicationBuilder AddIngestion(this WebApplicationBuilder builder)
    {
        builder.Services.AddControllers();
        builder.Services.AddProblemDetails();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<ReferenceCache>();
        builder.Services.AddSingleton<BankAuthenticator>();
        builder.Services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IntakeLimits>();
        builder.Services.AddSingleton<IntakeRetention>();
        builder.Services.AddTransient<PurgeIntakeJob>();
        var purgeCron = builder.Configuration.GetSection(IntakeOptions.Section).Get<IntakeOptions>()?.PurgeCron ?? new IntakeOptions().PurgeCron;
        builder.Services.AddSingleton(new RecurringJobRegistration(PurgeIntakeJob.Id, jobs => jobs.AddOrUpdate<PurgeIntakeJob>(
            PurgeIntakeJob.Id, job => job.RunAsync(CancellationToken.None), purgeCron, new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc })));
        builder.Services.AddSingleton<IProofStore, DatabaseProofStore>();
        builder.Services.AddSingleton<PaymentWriter>();
        builder.Services.AddSingleton<IngestionService>();
        builder.Services.AddOpenApi(BankApiOpenApi.Configure);
        return builder;
    }
}
