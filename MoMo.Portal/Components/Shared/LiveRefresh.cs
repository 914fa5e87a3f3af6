namespace MoMo.Portal.Components.Shared;

/// <summary>The loop behind a page that keeps itself current without a reload.</summary>
public static class LiveRefresh
{
    /// <summary>
    /// Runs <paramref name="refresh"/> every <paramref name="interval"/> on the page's own dispatcher (the page's
    /// <c>InvokeAsync</c>, given as <paramref name="invoke"/>) until <paramref name="stop"/> is cancelled: when the page is disposed.
    /// </summary>
    public static async Task RunAsync(TimeSpan interval, Func<Func<Task>, Task> invoke, Func<Task> refresh, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                await invoke(refresh);
            }
        }
        catch (OperationCanceledException)
        {
            // The page was closed.
        }
    }
}
