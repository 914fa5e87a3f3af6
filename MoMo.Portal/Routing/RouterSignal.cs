namespace MoMo.Portal.Routing;

/// <summary>
/// Wakes the router the moment a payment is committed, so it goes out in milliseconds instead of at the next tick of
/// the recurring job. Process-local by design: another instance's payments are caught by that instance's own signal
/// or by the recurring job.
/// </summary>
public sealed class RouterSignal
{
    private readonly SemaphoreSlim _signal = new(0, 1);

    // 1 while a wake-up waits to be taken. Every committed payment calls Notify, so a wake-up already waiting must cost
    // next to nothing: releasing the full semaphore threw an exception per payment (measured in the ingestion profile).
    private int _pending;

    public void Notify()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _signal.Release();
        }
    }

    /// <summary>
    /// Waits for a signal or until <paramref name="timeout"/>; true when signalled. A payment whose Notify found a
    /// wake-up already waiting was committed before this returns, so the pass that follows sees it.
    /// </summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var signalled = await _signal.WaitAsync(timeout, cancellationToken);
        if (signalled)
        {
            Volatile.Write(ref _pending, 0);
        }

        return signalled;
    }
}
