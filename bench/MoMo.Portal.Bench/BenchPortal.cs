using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace MoMo.Portal.Bench;

/// <summary>What every benchmark's portal has in common: Production, a throw-away data directory, quiet logs.</summary>
internal static class BenchPortal
{
    public static WebApplicationBuilder CreateBuilder(string dataDirectory, string logLevel = "Warning")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.Configuration["MoMo:DataDirectory"] = dataDirectory;
        builder.Configuration["Logging:LogLevel:Default"] = logLevel;
        // A throw-away benchmark database needs no certificate for its data-protection keys.
        builder.Configuration["MoMo:AllowUnprotectedKeys"] = "true";
        return builder;
    }

    /// <summary>Lets the router deliver to a partner on loopback over plain HTTP, as the benchmarks' receivers are.</summary>
    public static void AllowLoopbackPartners(this WebApplicationBuilder builder)
    {
        builder.Configuration["Routing:AllowPrivateNetworks"] = "true";
        builder.Configuration["Routing:AllowPlainHttp"] = "true";
    }
}

/// <summary>
/// A partner's webhook receiver on loopback that answers 200 and notes, by payment id, when each webhook arrived on
/// <paramref name="clock"/>. Its URL takes any path under <c>/hooks</c>.
/// </summary>
internal sealed class LoopbackPartner(WebApplication app, string url) : IAsyncDisposable
{
    public string Url { get; } = url;

    public static async Task<LoopbackPartner> StartAsync(ConcurrentDictionary<long, long> received, Stopwatch clock)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost("/hooks/{**partner}", async (HttpRequest request) =>
        {
            var at = clock.ElapsedTicks;
            using var json = await JsonDocument.ParseAsync(request.Body);
            received.TryAdd(json.RootElement.GetProperty("data").GetProperty("payment_id").GetInt64(), at);
            return Results.Ok();
        });
        await app.StartAsync();
        return new LoopbackPartner(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
