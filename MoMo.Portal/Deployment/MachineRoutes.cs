namespace MoMo.Portal.Deployment;

/// <summary>
/// The routes machines call (the bank API, health probes, the OpenAPI document, the metrics), which follow their own rules rather
/// than the staff portal's (HTTPS page, second factor).
/// </summary>
public static class MachineRoutes
{
    private static readonly string[] s_prefixes = ["/api", "/africa_bank", "/health", "/openapi", "/metrics"];

    public static bool Contains(PathString path) => s_prefixes.Any(prefix => path.StartsWithSegments(prefix));
}
