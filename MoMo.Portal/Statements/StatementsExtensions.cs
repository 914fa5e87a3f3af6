namespace MoMo.Portal.Statements;

public static class StatementsExtensions
{
    /// <summary>Partner statements: building them, their files, and sending them after each close.</summary>
    public static WebApplicationBuilder AddStatements(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StatementOptions>().BindConfiguration(StatementOptions.Section);
        builder.Services.AddSingleton<PartnerStatements>();
        builder.Services.AddSingleton<StatementFiles>();
        builder.Services.AddSingleton<StatementMailer>();
        return builder;
    }
}
