using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MoMo.Portal.Banks;
using MoMo.Portal.Data;
using MoMo.Portal.Ingestion;
using MoMo.Portal.Partners;
using MoMo.Portal.Payers;
using MoMo.Portal.Payments;
using MoMo.Portal.Users;
using MudBlazor.Services;

namespace MoMo.Portal.Tests.TestSupport;

/// <summary>
/// bUnit with the portal's real services on a real SQLite file (borrowed from a <see cref="PortalFactory"/>), and a
/// signed-in user whose role is checked by the real authorization policies.
/// </summary>
public abstract class PortalComponentTest : BunitContext, IAsyncLifetime
{
    protected PortalFactory Portal { get; } = new();

    public virtual async ValueTask InitializeAsync()
    {
        await Portal.InitializeAsync();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        foreach (var type in new[]
                 {
                     typeof(IDbContextFactory<PortalDbContext>), typeof(TimeProvider), typeof(PaymentRetryService),
                     typeof(PartnerService), typeof(PayerService), typeof(BankService), typeof(PartnerTester),
                     typeof(IProofStore), typeof(UserAccounts), typeof(Portal.Suspense.SuspenseService),
                     typeof(Microsoft.Extensions.Options.IOptions<Portal.Suspense.SuspenseOptions>),
                     typeof(Portal.Days.DayTotalsReader), typeof(Portal.Days.DayCloser), typeof(Portal.Days.BusinessCalendar),
                     typeof(Portal.Components.Pages.Dashboard.DashboardCache), typeof(Portal.Statements.PartnerStatements),
                     typeof(Portal.Statements.StatementFiles), typeof(Portal.Reconciliation.BreakQueue),
                     typeof(Portal.Reconciliation.StatementImporter), typeof(Portal.Reconciliation.EntryPayments),
                     typeof(Microsoft.Extensions.Options.IOptions<Portal.Reconciliation.ReconciliationOptions>),
                 })
        {
            Services.AddSingleton(type, Portal.Services.GetRequiredService(type));
        }

        // A browser's page holds an antiforgery token for its uploads; the browser tests send it for real.
        Services.AddSingleton<Microsoft.AspNetCore.Components.Forms.AntiforgeryStateProvider>(new PageAntiforgery());
        // bUnit stands in a placeholder authorization service; the real one evaluates the portal's own policies.
        Services.RemoveAll<Microsoft.AspNetCore.Authorization.IAuthorizationService>();
        Services.AddAuthorizationCore(Policies.Configure);
        Services.AddCascadingAuthenticationState();
        // The real StaffActor asks the portal's own Identity (a user per role below) before every action.
        Services.AddScoped(services => new StaffActor(services.GetRequiredService<AuthenticationStateProvider>(),
            services.GetRequiredService<Microsoft.AspNetCore.Authorization.IAuthorizationService>(),
            Portal.Services.GetRequiredService<IServiceScopeFactory>()));
        foreach (var role in Roles.All)
        {
            var email = $"{role.ToLowerInvariant()}@momo.test";
            var created = await Portal.Services.GetRequiredService<UserAccounts>().CreateAsync(email, role, "a-long-test-password", "test");
            UserIds[role] = created.Value!.Id;
            _principals[role] = await PrincipalOfAsync(created.Value!.Id);
        }

        SignedInAs(Roles.Viewer);
    }

    /// <summary>The id of the staff user of each role, as stored.</summary>
    protected Dictionary<string, string> UserIds { get; } = [];

    private readonly Dictionary<string, ClaimsPrincipal> _principals = [];

    /// <summary>Signs the test user of <paramref name="role"/> in, for the components rendered after this call.</summary>
    protected void SignedInAs(string role) =>
        Services.AddSingleton<AuthenticationStateProvider>(new FixedAuthentication(_principals[role]));

    /// <summary>The principal a sign-in would give the user now (roles, security stamp).</summary>
    private async Task<ClaimsPrincipal> PrincipalOfAsync(string userId)
    {
        await using var scope = Portal.Services.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.SignInManager<ApplicationUser>>();
        return await signIn.CreateUserPrincipalAsync((await signIn.UserManager.FindByIdAsync(userId))!);
    }

    /// <summary>Puts payments straight into the database, in the given statuses.</summary>
    protected async Task<List<long>> SeedPaymentsAsync(int count, PaymentStatus status = PaymentStatus.Received, string partner = PortalFactory.PartnerId)
    {
        await using var db = Portal.CreateDbContext();
        var payments = Enumerable.Range(0, count).Select(i => Payment.Receive(PortalFactory.BankCode, PortalFactory.PayerId, partner,
            100 + i, "USD", null, null, "fp", Guid.NewGuid().ToString("N"), DateTime.UtcNow.AddSeconds(-i))).ToList();
        if (status == PaymentStatus.Errored)
        {
            payments.ForEach(p => p.MarkErrored("HTTP 410 from the partner"));
        }

        db.Payments.AddRange(payments);
        await db.SaveChangesAsync(Ct);
        return [.. payments.Select(p => p.Id)];
    }

    public new virtual async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Portal.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private sealed class FixedAuthentication(ClaimsPrincipal user) : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(user));
    }
}

/// <summary>The token a prerendered page would carry; bUnit has no request to take one from.</summary>
file sealed class PageAntiforgery : Microsoft.AspNetCore.Components.Forms.AntiforgeryStateProvider
{
    public override Microsoft.AspNetCore.Components.Forms.AntiforgeryRequestToken GetAntiforgeryToken() => new("page-token", "__RequestVerificationToken");
}
