using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MoMo.Portal.Tests.TestSupport;

/// <summary>Signs in through the real sign-in form, antiforgery token and all, and keeps the cookie.</summary>
public static partial class SignIn
{
    public static HttpClient Anonymous(PortalFactory portal) =>
        portal.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string email, string password) =>
        await PostLoginFormAsync(client, await client.GetStringAsync("/Account/Login"), email, password);

    /// <summary>Posts the sign-in form whose page (and antiforgery token) was fetched earlier, possibly elsewhere.</summary>
    public static async Task<HttpResponseMessage> PostLoginFormAsync(HttpClient client, string page, string email, string password)
    {
        var token = Token().Match(page).Groups[1].Value;
        return await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = email,
            ["Input.Password"] = password,
            ["Input.RememberMe"] = "false",
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "login",
        }));
    }

    public static async Task<HttpClient> AsAsync(PortalFactory portal, string email, string password)
    {
        var client = Anonymous(portal);
        var response = await PostLoginAsync(client, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            throw new InvalidOperationException($"Sign-in of {email} failed: {(int)response.StatusCode}");
        }

        return client;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
