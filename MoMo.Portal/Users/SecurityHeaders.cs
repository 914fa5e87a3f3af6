namespace MoMo.Portal.Users;

/// <summary>Response headers that keep the portal out of frames, stop MIME sniffing and limit what pages may load.</summary>
internal static class SecurityHeaders
{
    // MudBlazor sets inline styles, hence 'unsafe-inline' for styles only. Scripts come from the portal's own files and
    // nowhere else (no inline script: the pages render no import map), and the circuit's WebSocket goes back to the
    // portal itself ('self' covers ws: and wss: of the same host in CSP Level 3).
    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            // Replaces Blazor's own "frame-ancestors 'self'", which this policy tightens.
            headers.ContentSecurityPolicy = ContentSecurityPolicy;

            return Task.CompletedTask;
        });
        await next();
    });
}
