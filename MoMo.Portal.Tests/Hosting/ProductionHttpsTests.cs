using System.Net;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Hosting;

/// <summary>The built program in Production, as it runs: staff pages need HTTPS (or a trusted proxy that says so).</summary>
public sealed class ProductionHttpsTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new();
    private PortalProcess _portal = null!;

    public async ValueTask InitializeAsync()
    {
        _portal = new PortalProcess(_data.Path);
        await _portal.StartAsync();
    }

    [Fact]
    public async Task A_staff_page_over_plain_http_gets_a_clear_400_page_not_a_500()
    {
        using var client = new HttpClient { BaseAddress = _portal.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        request.Headers.Accept.ParseAdd("text/html");

        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var page = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains("HTTPS required", page, StringComparison.Ordinal);
        Assert.Contains("MoMo:TrustedProxies", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_that_is_not_a_browser_gets_a_problem()
    {
        using var client = new HttpClient { BaseAddress = _portal.BaseAddress };

        var response = await client.GetAsync("/payments", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("https_required", (await response.JsonAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_that_ended_tls_the_sign_in_page_renders_and_probes_answer_over_http()
    {
        using var client = new HttpClient { BaseAddress = _portal.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        request.Headers.Add("X-Forwarded-Proto", "https");

        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.DoesNotContain("passkey", await response.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        _data.Dispose();
    }
}
