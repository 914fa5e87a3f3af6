using System.Net;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Routing;

/// <summary>
/// The built program with HTTP_PROXY pointing at a closed port: webhooks ignore environment proxies (which would take
/// them past the outbound address policy), so the payment still reaches the partner directly.
/// </summary>
public sealed class WebhookProxyTests : IDisposable
{
    private const string ApiKey = "mbk_proxy-test-key-0123456789";
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task Webhooks_ignore_a_proxy_from_the_environment()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = new PortalProcess(_data.Path, new Dictionary<string, string>
        {
            ["Routing:AllowPrivateNetworks"] = "true",
            ["HTTP_PROXY"] = "http://127.0.0.1:9",
            ["http_proxy"] = "http://127.0.0.1:9",
            ["NO_PROXY"] = "",
        });
        Assert.Equal(0, await portal.RunCommandAsync("bank", "add", "--code", "africa_bank", "--name", "Africa Bank", "--api-key", ApiKey));
        Assert.Equal(0, await portal.RunCommandAsync("partner", "add", "--account-id", "shop", "--name", "Shop", "--notify", "api",
            "--contact", receiver.Url("shop")));
        Assert.Equal(0, await portal.RunCommandAsync("payer", "add", "--id", "payer1", "--name", "Payer One"));
        await portal.StartAsync();

        using var http = new HttpClient { BaseAddress = portal.BaseAddress };
        using var request = BankRequests.Post(BankRequests.Body("payer1", "shop", "1.00"), ApiKey);
        request.RequestUri = new Uri("/africa_bank", UriKind.Relative);
        Assert.Equal(HttpStatusCode.Created, (await http.SendAsync(request, ct)).StatusCode);

        await PortalFactory.WaitUntilAsync(() => Task.FromResult(receiver.For("shop").Any()), "the partner received the payment directly");
    }

    public void Dispose() => _data.Dispose();
}
