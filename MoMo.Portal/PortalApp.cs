using Microsoft.Extensions.Options;
using MoMo.Portal.Alerts;
using MoMo.Portal.Banks;
using MoMo.Portal.Components;
using MoMo.Portal.Data;
using MoMo.Portal.Days;
using MoMo.Portal.Deployment;
using MoMo.Portal.Health;
using MoMo.Portal.Ingestion;
using MoMo.Portal.Metrics;
using MoMo.Portal.Notifiers;
using MoMo.Portal.Partners;
using MoMo.Portal.Payers;
using MoMo.Portal.Payments;
using MoMo.Portal.Reconciliation;
using MoMo.Portal.Routing;
using MoMo.Portal.Statements;
using MoMo.Portal.Suspense;
using MoMo.Portal.Users;
using MudBlazor.Services;

namespace MoMo.Portal;

/// <summary>How the portal is put together: the services and the request pipeline, one line per feature.</summary>
public static class PortalApp
{
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddPortalData();
        builder.AddStaffIdentity();
        builder.AddIngestion();
        builder.AddPaymentRouting();
        builder.AddBusinessDays();
        builder.AddHealthEndpoints();
        builder.AddLoadBalancerSupport();
        builder.Services.AddSingleton<BankService>();
        builder.Services.AddSingleton<WebhookSecretVault>();
        builder.Services.AddSingleton<PartnerService>();
        builder.Services.AddSingleton<PartnerTester>();
        builder.Services.AddSingleton<PayerService>();
        builder.Services.AddSingleton<PaymentRetryService>();
        builder.Services.AddSingleton<SuspenseService>();
        builder.AddStatements();
        builder.AddPortalMetrics();
        builder.AddAlerts();
        builder.AddReconciliation();
        builder.Services.AddOptions<SuspenseOptions>().BindConfiguration(SuspenseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton<MoMo.Portal.Components.Pages.Dashboard.DashboardCache>();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        return builder;
    }

    /// <summary>Migrations (unless turned off) and, on a new database in Development, the sample data.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app, TextWriter? console = null)
    {
        console ??= Console.Out;
        var options = app.Services.GetRequiredService<IOptions<PortalOptions>>().Value;
        if (app.Environment.IsProduction() && options.AllowUnprotectedKeys && string.IsNullOrEmpty(options.KeyProtectionCertificate))
        {
            app.Logger.LogWarning("MoMo:AllowUnprotectedKeys is set: the data-protection keys, which encrypt webhook secrets and " +
                                  "sign sign-in cookies, are stored in clear in the database. Set MoMo:KeyProtectionCertificate.");
        }

        await app.Services.MigrateIfEnabledAsync();
        if (app.Services.GetService<Data.Sqlite.SqlitePaymentKeysWriter>() is { } keys)
        {
            await keys.ForgetOtherHistoryAsync(CancellationToken.None);
        }

        await SmtpStartupCheck.RunAsync(app.Services);

        if (app.Environment.IsDevelopment() && await SampleData.IsEmptyAsync(app.Services, CancellationToken.None))
        {
            // Printed once, on the first start: the secrets below are stored only hashed or never shown again.
            console.WriteLine();
            console.WriteLine("MoMo Portal: a new database, so sample data was created (Development only).");
            await SampleData.SeedAsync(app.Services, includeAdmin: true, console, CancellationToken.None);
            console.WriteLine($"Sign in as {SampleData.AdminEmail} with the password above. A bank POST looks like:");
            console.WriteLine("  curl -i http://localhost:5215/africa_bank -H 'Content-Type: application/json' -H 'X-Api-Key: <the key above>' \\");
            console.WriteLine("       -d '{\"reference_number\":\"payer1\",\"account_number\":\"partner1\",\"amount\":\"55\",\"currency\":\"USD\"}'");
            console.WriteLine();
        }
    }

    public static WebApplication UsePortal(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (app.Environment.IsDevelopment())
        {
            app.UseMigrationsEndPoint();
        }
        else
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }

        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseHttpsRedirection();
        app.UseHttpsRequirement();
        app.UseSecurityHeaders();
        app.UsePortalMetrics();
        // Called here, not left to the host (which would put them first): authentication must see the client's scheme
        // and address as the trusted proxy reported them.
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseTwoFactorRequirement();
        app.UseAntiforgery();

        app.MapOpenApi().AllowAnonymous();
        app.MapHealthEndpoints();
        app.MapBankApi();
        app.UsePaymentRouting();
        app.MapDevelopmentWebhookReceiver();
        app.MapPaymentExport();
        app.MapStatementDownload();
        app.MapStatementUpload();
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAdditionalIdentityEndpoints();
        return app;
    }
}
