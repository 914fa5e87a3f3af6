using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using MoMo.Portal.Data;

namespace MoMo.Portal.Deployment;

/// <summary>
/// Behind a load balancer that ends TLS, requests arrive as plain http from the balancer's address. The balancer's
/// X-Forwarded-Proto and X-Forwarded-For say what the client used; they are believed only from the proxies listed in
/// <see cref="PortalOptions.TrustedProxies"/> (and loopback), so the secure-only cookies and antiforgery tokens work
/// and the bank's real address is what the intake log records.
/// </summary>
public static class LoadBalancerExtensions
{
    public static WebApplicationBuilder AddLoadBalancerSupport(this WebApplicationBuilder builder)
    {
        var proxies = builder.Configuration.GetSection($"{PortalOptions.Section}:{nameof(PortalOptions.TrustedProxies)}").Get<string[]>() ?? [];
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in proxies)
            {
                if (System.Net.IPNetwork.TryParse(proxy, out var network))
                {
                    options.KnownIPNetworks.Add(network);
                }
                else if (IPAddress.TryParse(proxy, out var address))
                {
                    options.KnownProxies.Add(address);
                }
                else
                {
                    throw new StartupException(
                        $"{PortalOptions.Section}:{nameof(PortalOptions.TrustedProxies)} holds '{proxy}', which is neither an IP address nor a network like 10.0.0.0/8.");
                }
            }
        });
        return builder;
    }
}
