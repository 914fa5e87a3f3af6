using System.Net.Mime;

namespace MoMo.Portal.Deployment;

/// <summary>
/// In Production the staff portal's cookies and antiforgery tokens are TLS-only, so a page reached over plain HTTP
/// could only fail (it was a 500 on the sign-in page). Such a request gets a clear answer instead, and the first one
/// is logged: the portal must be reached over HTTPS, or behind a proxy listed in <c>MoMo:TrustedProxies</c> that
/// says (X-Forwarded-Proto) the client used HTTPS. Machine-facing routes (the bank API, health probes, the OpenAPI
/// document) are left to their own rules.
/// </summary>
public static partial class HttpsRequirement
{
    public static WebApplication UseHttpsRequirement(this WebApplication app)
    {
        if (!app.Environment.IsProduction())
        {
            return app;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HttpsRequirement));
        var logged = 0;
        app.Use(async (context, next) =>
        {
            var request = context.Request;
            if (request.IsHttps || MachineRoutes.Contains(request.Path))
            {
                await next();
                return;
            }

            if (Interlocked.Exchange(ref logged, 1) == 0)
            {
                LogPlainHttp(logger, request.Host.ToString(), context.Connection.RemoteIpAddress?.ToString());
            }

            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.Headers.CacheControl = "no-store";
            if (request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.ContentType = MediaTypeNames.Text.Html + "; charset=utf-8";
                await context.Response.WriteAsync(Page);
                return;
            }

            await Results.Problem(title: "HTTPS required", detail: Detail, statusCode: StatusCodes.Status400BadRequest,
                extensions: new Dictionary<string, object?> { ["code"] = "https_required" }).ExecuteAsync(context);
        });
        return app;
    }

    private const string Detail =
        "MoMo Portal must be reached over HTTPS. Open it with https://, or, behind a load balancer that ends TLS, list the " +
        "balancer in MoMo:TrustedProxies so that its X-Forwarded-Proto header is believed (docs/DEPLOYMENT.md).";

    private const string Page = $"""
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>HTTPS required · MoMo Portal</title></head>
        <body style="font-family: sans-serif; max-width: 40rem; margin: 4rem auto; line-height: 1.5">
        <h1>HTTPS required</h1>
        <p>{Detail}</p>
        </body></html>
        """;

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "A staff page was requested over plain HTTP (host {Host}, from {RemoteAddress}) and refused: serve the portal over HTTPS, " +
        "or list the TLS-ending proxy in MoMo:TrustedProxies. Logged once per process.")]
    private static partial void LogPlainHttp(ILogger logger, string host, string? remoteAddress);
}
