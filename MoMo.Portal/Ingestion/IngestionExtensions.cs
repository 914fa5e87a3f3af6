using Microsoft.Extensions.Options;
using MoMo.Portal.Routing;

namespace MoMo.Portal.Ingestion;

public static class IngestionExtensions
{
    /// <summary>The bank API's services: admission limits, the ingestion service and the proof store (endpoints: <see cref="BankApi"/>).</summary>
    public static WebApplicationBuilder AddIngestion(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<ReferenceCache>();
        builder.Services.AddSingleton<BankAuthenticator>();
        builder.Services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<IntakeLimits>();
        builder.Services.AddSingleton<IntakeRetention>();
        builder.Services.AddTransient<PurgeIntakeJob>();
        builder.Services.AddSingleton(RecurringJobRegistration.For<PurgeIntakeJob>(PurgeIntakeJob.Id,
            job => job.RunAsync(CancellationToken.None), services => services.GetRequiredService<IOptions<IntakeOptions>>().Value.PurgeCron));
        builder.Services.AddSingleton<IProofStore, DatabaseProofStore>();
        builder.Services.AddSingleton<PaymentWriter>();
        builder.Services.AddSingleton<IngestionService>();
        builder.Services.AddOpenApi(BankApiOpenApi.Configure);
        return builder;
    }
}
