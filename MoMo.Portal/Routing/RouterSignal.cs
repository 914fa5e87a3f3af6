namespace MoMo.Portal.Routing;

/// <summary>
/// Wakes the router the moment a payment is committed, so it goes out in milliseconds instead of at the next tick of
/// the recurring job. Process-local by design: another instance's payments are caught by that instance's own signal
/// or by the recurring job.
/// </summary>
public sealed class RouterSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    public void Notify()
    {
        try
        {
            _signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled; one wake-up serves every payment committed before it is taken.
        }
    }

    /// <summary>Waits for a signal or until <paramref name="timeout"/>; true when signalled.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _signal.WaitAsync(timeout, cancellationToken);
}
