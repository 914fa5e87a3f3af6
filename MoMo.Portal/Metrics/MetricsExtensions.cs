using System.Diagnostics.Metrics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using MoMo.Portal.Banks;
using OpenTelemetry.Metrics;

namespace MoMo.Portal.Metrics;

public static class MetricsExtensions
{
    public const string Path = "/metrics";

    /// <summary>OpenTelemetry metrics: the portal's own, ASP.NET Core's and the runtime's, exported for Prometheus.</summary>
    public static WebApplicationBuilder AddPortalMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<PortalMetrics>();
        builder.Services.AddSingleton<RoutingBacklog>();
        var scope = new MeterScope();
        builder.Services.AddSingleton(scope);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(PortalMetrics.MeterName)
            .AddAspNetCoreInstrumentation()
            .AddRuntimeInstrumentation()
            // Meters are found by name across the whole process: keep only this application's own (and the process-wide
            // ones), so that two portals in one process (the tests) never report each other's payments.
            .AddView(instrument => instrument.Meter.Scope is IMeterFactory factory && scope.Factory is { } own && !ReferenceEquals(factory, own)
                ? MetricStreamConfiguration.Drop
                : null)
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>
    /// <c>/metrics</c> in the Prometheus text format, for loopback, the networks in <c>Metrics:AllowedNetworks</c>, or a
    /// request with <c>Authorization: Bearer</c> and <c>Metrics:Token</c>. Anyone else gets 404, as if there were none.
    /// </summary>
    public static WebApplication UsePortalMetrics(this WebApplication app)
    {
        app.Services.GetRequiredService<MeterScope>().Factory = app.Services.GetRequiredService<IMeterFactory>();
        app.Services.GetRequiredService<RoutingBacklog>(); // creates its gauges
        var options = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value;
        var networks = BankNetworks.Parse(options.AllowedNetworks);
        var token = string.IsNullOrEmpty(options.Token) ? null : Encoding.UTF8.GetBytes("Bearer " + options.Token);
        app.UseOpenTelemetryPrometheusScrapingEndpoint(context =>
            context.Request.Path == Path && MayScrape(context, networks, token));
        app.Use(async (context, next) =>
        {
            if (context.Request.Path == Path)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            await next();
        });
        return app;
    }

    /// <summary>This application's meter factory, known once its services are built.</summary>
    private sealed class MeterScope
    {
        public IMeterFactory? Factory { get; set; }
    }

    private static bool MayScrape(HttpContext context, IReadOnlyList<IPNetwork> networks, byte[]? token)
    {
        var address = context.Connection.RemoteIpAddress;
        if (address is not null && (IPAddress.IsLoopback(address) || (networks.Count > 0 && BankNetworks.Allows(networks, address))))
        {
            return true;
        }

        // Compared in constant time: how long a wrong token takes must not tell how much of it was right.
        return token is not null
               && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(context.Request.Headers.Authorization.ToString()), token);
    }
}
