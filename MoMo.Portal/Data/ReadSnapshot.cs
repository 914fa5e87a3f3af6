using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace MoMo.Portal.Data;

/// <summary>
/// One consistent view for several reads that never makes a writer wait: on SQLite a deferred transaction (<c>BEGIN</c>;
/// EF Core's default, <c>BEGIN IMMEDIATE</c>, takes the write lock and would hold up ingestion while it reads), on
/// PostgreSQL repeatable read.
/// </summary>
public sealed class ReadSnapshot : IAsyncDisposable
{
    private readonly IDbContextTransaction _transaction;
    private readonly DbTransaction? _owned;

    private ReadSnapshot(IDbContextTransaction transaction, DbTransaction? owned) => (_transaction, _owned) = (transaction, owned);

    public static async Task<ReadSnapshot> BeginAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite())
        {
            return new(await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken), null);
        }

        await db.Database.OpenConnectionAsync(cancellationToken);
        var deferred = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
        var transaction = await db.Database.UseTransactionAsync(deferred, cancellationToken)
                          ?? throw new InvalidOperationException("EF Core did not take the SQLite transaction.");
        return new(transaction, deferred);
    }

    public async ValueTask DisposeAsync()
    {
        // Reads only: ending the transaction by disposing it (a rollback) releases the snapshot.
        await _transaction.DisposeAsync();
        if (_owned is not null)
        {
            await _owned.DisposeAsync();
        }
    }
}
