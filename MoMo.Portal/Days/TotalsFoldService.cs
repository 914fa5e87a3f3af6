using Microsoft.Extensions.Options;

namespace MoMo.Portal.Days;

/// <summary>
/// Folds the running totals every <see cref="CloseOptions.FoldInterval"/>, on every instance (the totals lock makes them
/// take turns). Not a Hangfire job: a few seconds' rhythm is what keeps the unfolded tail, and so the partial index the
/// ingestion writer maintains, small — also where the router and its jobs are turned off.
/// </summary>
internal sealed partial class TotalsFoldService(TotalsFolder folder, IOptions<CloseOptions> options, ILogger<TotalsFoldService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.FoldInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.FoldInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await folder.FoldAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // The next tick tries again; nothing is lost while the fold waits (the reader adds the tail).
                    LogFoldFailed(exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fold the running totals; trying again at the next interval")]
    private partial void LogFoldFailed(Exception exception);
}
