using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MoMo.Portal.Health;

/// <summary>Hangfire's storage answers a query: the recurring router job can be scheduled and fetched.</summary>
public sealed partial class HangfireStorageHealthCheck(JobStorage storage, ILogger<HangfireStorageHealthCheck> logger) : IHealthCheck
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // Hangfire's storage API is synchronous; keep a hung connection from holding the probe forever.
            var servers = await Task.Run(() => storage.GetMonitoringApi().Servers().Count, cancellationToken)
                .WaitAsync(s_timeout, cancellationToken);
            return HealthCheckResult.Healthy($"{servers} Hangfire server(s) registered");
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogUnhealthy(exception);
            return HealthCheckResult.Unhealthy("Hangfire's storage does not answer");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Hangfire's storage does not answer")]
    private partial void LogUnhealthy(Exception exception);
}
