namespace MoMo.Portal.Reconciliation;

public static class ReconciliationExtensions
{
    /// <summary>Bank statement import and matching.</summary>
    public static WebApplicationBuilder AddReconciliation(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<ReconciliationOptions>().BindConfiguration(ReconciliationOptions.Section);
        builder.Services.AddSingleton<StatementImporter>();
        builder.Services.AddSingleton<BreakQueue>();
        builder.Services.AddSingleton<EntryPayments>();
        builder.Services.AddSingleton<ReconciliationReport>();
        builder.Services.AddTransient<RematchStatementsJob>();
        builder.Services.AddSingleton(Routing.RecurringJobRegistration.For<RematchStatementsJob>(RematchStatementsJob.Id,
            job => job.RunAsync(CancellationToken.None), _ => "* * * * *"));
        return builder;
    }
}
