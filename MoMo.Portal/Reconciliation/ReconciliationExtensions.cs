namespace MoMo.Portal.Reconciliation;

public static class ReconciliationExtensions
{
    /// <summary>Bank statement import and matching.</summary>
    public static WebApplicationBuilder AddReconciliation(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.Section);
        builder.Services.AddSingleton<StatementImporter>();
        return builder;
    }
}
