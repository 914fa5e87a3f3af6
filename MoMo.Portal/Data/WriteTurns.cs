namespace MoMo.Portal.Data;

/// <summary>
/// SQLite takes one writer at a time. This process's writers — the banks' group commit (and the running totals' fold
/// in its queue), the router's claims and its outcome batches — take turns here, so the next one starts the moment the
/// lock is free. Left to SQLite's busy handler, a waiting writer sleeps 1-100 ms at a time however soon the lock is
/// free (docs/BENCHMARKS.md, "Sustained capacity"). A turn holds only the transaction: what can be prepared or read
/// before it is done outside. PostgreSQL takes concurrent writers, so there are no turns there. Another process on the
/// same file (the command line) still waits in the busy handler, as before.
/// </summary>
public sealed class WriteTurns(PortalDatabase database)
{
    private readonly SemaphoreSlim? _turn = database.Provider == DatabaseProvider.Sqlite ? new(1, 1) : null;

    /// <summary>Runs <paramref name="write"/> when it is this caller's turn to write.</summary>
    public async Task<T> TakeAsync<T>(Func<Task<T>> write, CancellationToken cancellationToken = default)
    {
        if (_turn is null)
        {
            return await write();
        }

        await _turn.WaitAsync(cancellationToken);
        try
        {
            return await write();
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <inheritdoc cref="TakeAsync{T}"/>
    public Task TakeAsync(Func<Task> write, CancellationToken cancellationToken = default) =>
        TakeAsync(async () =>
        {
            await write();
            return true;
        }, cancellationToken);
}
