using Microsoft.Extensions.Options;

namespace MoMo.Portal.Routing;

/// <summary>
/// Starts a router pass when a payment is committed (<see cref="RouterSignal"/>) or when the next retry falls due, so
/// deliveries do not wait for the recurring job. Passes overlap freely: lanes and claims keep them apart.
/// </summary>
internal sealed partial class RouterBackgroundService(
    PaymentRouter router,
    RouterSignal signal,
    ILogger<RouterBackgroundService> logger) : BackgroundService
{
    /// <summary>Even with nothing due, look again this often (another instance may have added work).</summary>
    private static readonly TimeSpan s_idleWait = TimeSpan.FromSeconds(5);

    /// <summary>Lets a burst of payments gather into one pass.</summary>
    private static readonly TimeSpan s_gather = TimeSpan.FromMilliseconds(20);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var passes = new List<Task>();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var wait = await router.TimeUntilNextDueAsync(stoppingToken);
                if (wait > TimeSpan.Zero)
                {
                    await signal.WaitAsync(wait < s_idleWait ? wait : s_idleWait, stoppingToken);
                    await Task.Delay(s_gather, stoppingToken);
                }

                passes.RemoveAll(pass => pass.IsCompleted);
                passes.Add(await router.BeginPassAsync(stoppingToken));
                // Lanes are taken by now; give them a moment before looking for more work.
                await Task.Delay(s_gather, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                LogLoopFailed(exception);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        await Task.WhenAll(passes).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The router's wake-up loop failed; it tries again in a second")]
    private partial void LogLoopFailed(Exception exception);
}
