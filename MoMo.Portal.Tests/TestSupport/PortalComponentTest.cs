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

    protected static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync()
    {
        await Portal.InitializeAsync();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        foreach (var type in new[]
                 {
                     typeof(IDbContextFactory<PortalDbContext>), typeof(TimeProvider), typeof(PaymentRetryService),
                     typeof(PartnerService), typeof(PayerService), typeof(BankService), typeof(PartnerTester),
                     typeof(IProofStore), typeof(UserAccounts),
                 })
        {
            Services.AddSingleton(type, Portal.Services.GetRequiredService(type));
        }

        // bUnit stands in a placeholder authorization service; the real one evaluates the portal's own policies.
        Services.RemoveAll<Microsoft.AspNetCore.Authorization.IAuthorizationService>();
        Services.AddAuthorizationCore(Policies.Configure);
        Services.AddCascadingAuthenticationState();
        Services.AddScoped<StaffActor>();
        SignedInAs(Roles.Viewer);
    }

    /// <summary>Signs the test user in with one role, for the components rendered after this call.</summary>
    protected void SignedInAs(string role)
    {
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, $"{role.ToLowerInvariant()}@momo.test"), new Claim(ClaimTypes.Role, role)], "test");
        Services.AddSingleton<AuthenticationStateProvider>(new FixedAuthentication(new ClaimsPrincipal(identity)));
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
