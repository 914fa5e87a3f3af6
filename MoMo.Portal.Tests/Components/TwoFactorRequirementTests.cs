using System.Net;
using System.Text.RegularExpressions;
using MoMo.Portal.Data;
using MoMo.Portal.Tests.TestSupport;
using MoMo.Portal.Users;

namespace MoMo.Portal.Tests.Components;

/// <summary>MoMo:RequireTwoFactor at its default (Admin), through the real sign-in and authenticator setup forms.</summary>
public sealed partial class TwoFactorRequirementTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly PortalFactory _portal = new PortalFactory().With("MoMo:RequireTwoFactor:0", "Admin");

    public async ValueTask InitializeAsync()
    {
        await _portal.InitializeAsync();
        var accounts = _portal.Services.GetRequiredService<UserAccounts>();
        await accounts.CreateAsync("admin@momo.test", Roles.Admin, Password, "test");
        await accounts.CreateAsync("operator@momo.test", Roles.Operator, Password, "test");
    }

    [Fact]
    public async Task An_admin_without_a_second_factor_is_sent_to_set_one_up_and_then_reaches_the_portal()
    {
        var client = await SignIn.AsAsync(_portal, "admin@momo.test", Password);

        foreach (var path in new[] { "/", "/banks", "/users", "/hangfire" })
        {
            var refused = await client.GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
            Assert.StartsWith(TwoFactorRequirement.SetupPath, refused.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        var setup = await client.GetStringAsync($"{TwoFactorRequirement.SetupPath}?required=true", Ct);
        Assert.Contains("Your role must sign in with a second factor", setup, StringComparison.Ordinal);
        var key = WebUtilityDecode(SharedKey().Match(setup).Groups[1].Value);
        var verified = await client.PostAsync(TwoFactorRequirement.SetupPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Code"] = Totp.Code(key, DateTimeOffset.UtcNow),
            ["__RequestVerificationToken"] = Token().Match(setup).Groups[1].Value,
            ["_handler"] = "send-code",
        }), Ct);
        Assert.Contains("recovery codes", await verified.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/banks", Ct)).StatusCode);
        // From now on the admin's sign-in asks for the code.
        var again = await SignIn.PostLoginAsync(SignIn.Anonymous(_portal), "admin@momo.test", Password);
        Assert.Contains("LoginWith2fa", again.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_is_not_asked_for_a_second_factor()
    {
        var client = await SignIn.AsAsync(_portal, "operator@momo.test", Password);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/payments", Ct)).StatusCode);
    }

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    private static string WebUtilityDecode(string text) => WebUtility.HtmlDecode(text);

    [GeneratedRegex("<kbd>([^<]+)</kbd>")]
    private static partial Regex SharedKey();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
