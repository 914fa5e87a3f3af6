using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using MoMo.Portal.Data;
using MoMo.Portal.Tests.TestSupport;
using MoMo.Portal.Users;

namespace MoMo.Portal.Tests.Components;

/// <summary>MoMo:SessionLifetime: a sign-in kept alive by use still ends after 12 hours.</summary>
public sealed class SessionLifetimeTests
{
    private const string Password = "correct horse battery staple";
    [Fact]
    public async Task An_active_session_is_renewed_by_use_but_ends_at_its_absolute_lifetime()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var root = new PortalFactory();
        await using var portal = root.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock))));
        await portal.Services.GetRequiredService<UserAccounts>().CreateAsync("viewer@momo.test", Roles.Viewer, Password, "test");
        var client = portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        Assert.Equal(HttpStatusCode.Redirect, (await SignIn.PostLoginAsync(client, "viewer@momo.test", Password)).StatusCode);

        // Used every 4 hours: the 8-hour sliding cookie is renewed each time...
        for (var hours = 4; hours <= 8; hours += 4)
        {
            clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(1));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/payments", Ct)).StatusCode);
        }

        // ...but 12 hours after the sign-in the session is over.
        clock.Advance(TimeSpan.FromHours(4) + TimeSpan.FromMinutes(1));
        var expired = await client.GetAsync("/payments", Ct);
        Assert.Equal(HttpStatusCode.Redirect, expired.StatusCode);
        Assert.StartsWith("/Account/Login", expired.Headers.Location?.AbsolutePath ?? expired.Headers.Location?.OriginalString, StringComparison.OrdinalIgnoreCase);
    }
}
