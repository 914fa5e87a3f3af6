using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace MoMo.Portal.Tests.TestSupport;

/// <summary>
/// A partner's webhook endpoint: a real Kestrel server on 127.0.0.1 that records every request and answers as the
/// test says (status, delay, headers). Requests to <c>/{name}</c> are kept per path, so one receiver can play
/// several partners.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _inFlight;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    /// <summary>Decides the answer to each request; the default answers 200.</summary>
    public Func<ReceivedWebhook, Reply> Respond { get; set; } = _ => new Reply(200);

    public int MaxInFlight { get; private set; }

    public ConcurrentDictionary<string, int> MaxInFlightByPath { get; } = new();

    private readonly ConcurrentDictionary<string, int> _inFlightByPath = new();

    public string BaseUrl { get; private set; } = "";

    public string Url(string path) => $"{BaseUrl}/{path}";

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{**path}", receiver.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseUrl = address.TrimEnd('/');
        return receiver;
    }

    public IEnumerable<ReceivedWebhook> For(string path) => Received.Where(r => r.Path == "/" + path);

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync();
        var webhook = new ReceivedWebhook(context.Request.Path, body,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            DateTime.UtcNow);
        var path = webhook.Path;
        lock (this)
        {
            MaxInFlight = Math.Max(MaxInFlight, ++_inFlight);
        }

        var current = _inFlightByPath.AddOrUpdate(path, 1, (_, n) => n + 1);
        MaxInFlightByPath.AddOrUpdate(path, current, (_, max) => Math.Max(max, current));
        try
        {
            var reply = Respond(webhook);
            if (reply.Delay > TimeSpan.Zero)
            {
                await Task.Delay(reply.Delay, context.RequestAborted);
            }

            Received.Enqueue(webhook);
            foreach (var (name, value) in reply.Headers ?? [])
            {
                context.Response.Headers[name] = value;
            }

            context.Response.StatusCode = reply.Status;
            if (reply.Body is { Length: > 0 } text)
            {
                await context.Response.WriteAsync(text, context.RequestAborted);
            }
        }
        finally
        {
            lock (this)
            {
                _inFlight--;
            }

            _inFlightByPath.AddOrUpdate(path, 0, (_, n) => n - 1);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

public sealed record ReceivedWebhook(string Path, string Body, IReadOnlyDictionary<string, string> Headers, DateTime AtUtc)
{
    public string Id => Headers["webhook-id"];
}

public sealed record Reply(int Status, TimeSpan Delay = default, string? Body = null, Dictionary<string, string>? Headers = null);
