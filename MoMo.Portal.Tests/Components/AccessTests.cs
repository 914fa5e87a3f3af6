using System.Net;
using MoMo.Portal.Data;
using MoMo.Portal.Tests.TestSupport;
using MoMo.Portal.Users;

namespace MoMo.Portal.Tests.Components;

/// <summary>Sign-in and roles, checked through the real HTTP pipeline.</summary>
public sealed class AccessTests(PortalFactory portal) : IClassFixture<PortalFactory>, IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    public async ValueTask InitializeAsync()
    {
        var accounts = portal.Services.GetRequiredService<UserAccounts>();
        foreach (var role in Roles.All)
        {
            await accounts.CreateAsync($"{role.ToLowerInvariant()}@momo.test", role, Password, "test");
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    [Theory]
    [InlineData("/")]
    [InlineData("/payments")]
    [InlineData("/payments/1")]
    [InlineData("/payments/export.csv")]
    [InlineData("/partners")]
    [InlineData("/payers")]
    [InlineData("/intake")]
    [InlineData("/audit")]
    [InlineData("/banks")]
    [InlineData("/users")]
    [InlineData("/hangfire")]
    [InlineData("/Account/Manage")]
    public async Task Anonymous_visitors_are_sent_to_sign_in(string path)
    {
        var response = await SignIn.Anonymous(portal).GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/Account/Login", response.Headers.Location?.AbsolutePath ?? response.Headers.Location?.OriginalString, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_sign_in_page_and_the_bank_api_description_are_public()
    {
        var client = SignIn.Anonymous(portal);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Login", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json", Ct)).StatusCode);
    }

    [Fact]
    public async Task There_is_no_public_registration()
    {
        var response = await SignIn.Anonymous(portal).GetAsync("/Account/Register", Ct);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("viewer@momo.test", "/payments", HttpStatusCode.OK)]
    [InlineData("viewer@momo.test", "/banks", HttpStatusCode.Redirect)]
    [InlineData("viewer@momo.test", "/users", HttpStatusCode.Redirect)]
    [InlineData("viewer@momo.test", "/hangfire", HttpStatusCode.Redirect)]
    [InlineData("operator@momo.test", "/partners", HttpStatusCode.OK)]
    [InlineData("operator@momo.test", "/banks", HttpStatusCode.Redirect)]
    [InlineData("operator@momo.test", "/hangfire", HttpStatusCode.OK)]
    [InlineData("admin@momo.test", "/banks", HttpStatusCode.OK)]
    [InlineData("admin@momo.test", "/users", HttpStatusCode.OK)]
    [InlineData("admin@momo.test", "/hangfire", HttpStatusCode.OK)]
    public async Task Each_role_reaches_exactly_its_pages(string email, string path, HttpStatusCode expected)
    {
        var client = await SignIn.AsAsync(portal, email, Password);

        var response = await client.GetAsync(path, Ct);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Redirect)
        {
            Assert.Contains("AccessDenied", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Operators_see_the_hangfire_dashboard_read_only()
    {
        var asOperator = await SignIn.AsAsync(portal, "operator@momo.test", Password);
        var asAdmin = await SignIn.AsAsync(portal, "admin@momo.test", Password);

        using (var connection = portal.Services.GetRequiredService<Hangfire.JobStorage>().GetConnection())
        {
            await PortalFactory.WaitUntilAsync(() => Task.FromResult(Hangfire.Storage.StorageConnectionExtensions.GetRecurringJobs(connection)
                .Any(j => j.Id == MoMo.Portal.Routing.RoutePaymentsJob.Id)), "the recurring job is registered");
        }

        var operatorPage = await asOperator.GetStringAsync("/hangfire/recurring", Ct);
        var adminPage = await asAdmin.GetStringAsync("/hangfire/recurring", Ct);

        Assert.Contains("route-payments", operatorPage, StringComparison.Ordinal);
        Assert.DoesNotContain("js-jobs-list-command", operatorPage, StringComparison.Ordinal);
        Assert.Contains("js-jobs-list-command", adminPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_refused_and_five_lock_the_account()
    {
        var accounts = portal.Services.GetRequiredService<UserAccounts>();
        await accounts.CreateAsync("locked@momo.test", Roles.Viewer, Password, "test");
        var client = SignIn.Anonymous(portal);

        var first = await SignIn.PostLoginAsync(client, "locked@momo.test", "wrong password!");
        for (var i = 0; i < 4; i++)
        {
            await SignIn.PostLoginAsync(client, "locked@momo.test", "wrong password!");
        }

        var withRightPassword = await SignIn.PostLoginAsync(client, "locked@momo.test", Password);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Contains("Invalid login attempt", await first.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, withRightPassword.StatusCode);
        Assert.Contains("Lockout", withRightPassword.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_carry_security_headers()
    {
        var response = await SignIn.Anonymous(portal).GetAsync("/Account/Login", Ct);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self';", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_in_user_without_a_staff_role_sees_no_page()
    {
        await using (var scope = portal.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ApplicationUser>>();
            var user = new ApplicationUser { UserName = "norole@momo.test", Email = "norole@momo.test", EmailConfirmed = true };
            Assert.True((await users.CreateAsync(user, Password)).Succeeded);
        }

        var client = await SignIn.AsAsync(portal, "norole@momo.test", Password);

        foreach (var path in new[] { "/", "/payments", "/payments/export.csv" })
        {
            var response = await client.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/Account/AccessDenied", response.Headers.Location?.AbsolutePath ?? response.Headers.Location?.OriginalString, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task The_csv_export_is_never_cached()
    {
        var client = await SignIn.AsAsync(portal, "viewer@momo.test", Password);

        var response = await client.GetAsync("/payments/export.csv", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
    }

    [Fact]
    public async Task The_sign_in_page_offers_no_passkey_and_the_template_flows_are_gone()
    {
        var client = SignIn.Anonymous(portal);

        var login = await (await client.GetAsync("/Account/Login", Ct)).Content.ReadAsStringAsync(Ct);

        Assert.DoesNotContain("passkey", login, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("PasskeySubmit", login, StringComparison.Ordinal);
        foreach (var path in new[] { "/Account/ForgotPassword", "/Account/ResetPassword", "/Account/ResendEmailConfirmation", "/Account/ExternalLogin" })
        {
            Assert.NotEqual(HttpStatusCode.OK, (await client.GetAsync(path, Ct)).StatusCode);
        }

        Assert.NotEqual(HttpStatusCode.OK, (await client.PostAsync("/Account/PasskeyRequestOptions", null, Ct)).StatusCode);
    }
}
