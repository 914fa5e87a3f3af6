namespace MoMo.Portal.Ingestion;

public static class IngestionExtensions
{
    /// <summary>The bank API: its controller, the ingestion service and the proof store.</summary>
    public static WebApplicationBuilder AddIngestion(this WebApplicationBuilder builder)
    {
        builder.Services.AddControllers();
        builder.Services.AddProblemDetails();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<ReferenceCache>();
        builder.Services.AddSingleton<BankAuthenticator>();
        builder.Services.AddSingleton<IProofStore, DatabaseProofStore>();
        builder.Services.AddSingleton<PaymentWriter>();
        builder.Services.AddSingleton<IngestionService>();
        builder.Services.AddOpenApi(BankApiOpenApi.Configure);
        return builder;
    }
}
