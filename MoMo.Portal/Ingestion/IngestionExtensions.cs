using Hangfire;
using Microsoft.Extensions.Options;

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
        builder.Services.AddSingleton<IProofStore, DatabaseProofStore>();
        builder.Services.AddSingleton<PaymentWriter>();
        builder.Services.AddSingleton<IngestionService>();
        builder.Services.AddOpenApi(BankApiOpenApi.Configure);
        return builder;
    }

    /// <summary>The recurring job that purges intake records and their proofs past <see cref="IntakeOptions.Retention"/>.</summary>
    public static WebApplication UseIntakeRetention(this WebApplication app)
    {
        app.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<PurgeIntakeJob>(PurgeIntakeJob.Id,
            job => job.RunAsync(CancellationToken.None), app.Services.GetRequiredService<IOptions<IntakeOptions>>().Value.PurgeCron,
            new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
        return app;
    }
}
