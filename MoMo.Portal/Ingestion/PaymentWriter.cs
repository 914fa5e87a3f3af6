using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using MoMo.Portal.Data.Postgres;
using MoMo.Portal.Data.Sqlite;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Suspense;
using Npgsql;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// Group commit for new payments: one writer takes every payment waiting to be stored, writes them with their proofs
/// in one transaction, and answers each caller only after that transaction committed. With SQLite in WAL mode and
/// synchronous=FULL the commit is the expensive part (one fsync); sharing it between up to <see cref="MaxBatch"/>
/// payments keeps every acknowledged payment durable and multiplies throughput. SQLite has one writer at a time, so
/// one loop writes; PostgreSQL commits concurrent transactions side by side, so there several loops write at once
/// (a transaction id in two concurrent batches is settled by the unique index, see <see cref="WriteOutcome.WriteIndividually"/>).
/// </summary>
public sealed partial class PaymentWriter : IAsyncDisposable
{
    public const int MaxBatch = 256;

    /// <summary>Batches in flight at once on a database that takes concurrent writers.</summary>
    public const int ConcurrentWriters = 4;

    private readonly Channel<WriterItem> _queue =
        Channel.CreateBounded<WriterItem>(new BoundedChannelOptions(4 * MaxBatch));

    private readonly IDbContextFactory<PortalDbContext> _dbFactory;
    private readonly ILogger<PaymentWriter> _logger;
    private readonly Metrics.PortalMetrics _metrics;
    private readonly DatabaseProvider _provider;
    private readonly WriteTurns _turns;
    private readonly Task[] _loops;

    // SQLite's one writer keeps its connection and prepared statements between batches (see SqliteSession).
    private SqliteSession? _sqlite;

    public PaymentWriter(IDbContextFactory<PortalDbContext> dbFactory, PortalDatabase database, WriteTurns turns,
        Metrics.PortalMetrics metrics, ILogger<PaymentWriter> logger)
    {
        _turns = turns;
        _dbFactory = dbFactory;
        _metrics = metrics;
        _logger = logger;
        _provider = database.Provider;
        var writers = _provider == DatabaseProvider.Sqlite ? 1 : ConcurrentWriters;
        _loops = [.. Enumerable.Range(0, writers).Select(_ => Task.Run(RunAsync))];
    }

    /// <summary>
    /// Stores the payment and its proof — held in suspense, with its case, when <paramref name="held"/> says why —
    /// and completes once they are committed (or with why they were not).
    /// </summary>
    public async Task<WriteOutcome> WriteAsync(BankSubmission submission, PaymentInstruction instruction, string fingerprint,
        DateTime receivedAtUtc, SuspenseReason? held = null)
    {
        // The rows are built here, on the bank's request thread, so that the writers — one, on SQLite — only write. The
        // proof is a row of the batch (DatabaseProofStore's), committed with its payment: see IProofStore.
        var proof = DatabaseProofStore.Create(submission.Request);
        var pending = new PendingPayment(submission, instruction, fingerprint, receivedAtUtc, held)
        {
            Rows = (proof, instruction.ToPayment(submission.BankCode, fingerprint, proof.Key, receivedAtUtc, held is not null)),
        };

        await _queue.Writer.WriteAsync(pending);
        return await pending.Completion.Task;
    }

    /// <summary>
    /// Runs <paramref name="work"/>, which writes in bulk off the ingestion path (the running totals' fold), as a writer:
    /// on SQLite it takes its turn in this writer's queue, on the writer's connection, instead of competing with the
    /// writer for the one write lock (competing, the fold made banks wait up to 800 ms, docs/BENCHMARKS.md); on a
    /// database with concurrent writers it runs on a context of its own. The work runs its own transaction.
    /// </summary>
    public async Task RunAsWriterAsync(Func<PortalDbContext, Task> work, CancellationToken cancellationToken)
    {
        if (_provider != DatabaseProvider.Sqlite)
        {
            await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
            await work(db);
            return;
        }

        var item = new ExclusiveWork(work);
        await _queue.Writer.WriteAsync(item, cancellationToken);
        await item.Completion.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingPayment>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
            {
                if (item is ExclusiveWork work)
                {
                    // What was queued before the work is written before it, in order.
                    if (batch.Count > 0)
                    {
                        await WriteBatchAsync(batch);
                        batch.Clear();
                    }

                    await RunExclusiveAsync(work);
                    continue;
                }

                batch.Add((PendingPayment)item);
            }

            // Several loops wake for one payment on PostgreSQL; those that find nothing have nothing to write.
            if (batch.Count == 0)
            {
                continue;
            }

            await WriteBatchAsync(batch);
            batch.Clear();
        }
    }

    private async Task WriteBatchAsync(List<PendingPayment> batch)
    {
        try
        {
            // A transaction id stored before is found by the insert itself (ON CONFLICT DO NOTHING); one that comes twice in
            // this batch is written once and the second answered with the first.
            var added = new Dictionary<(string Bank, string Reference), int>();
            var repeatsInBatch = new List<(int Index, int Of)>();
            var outcomes = new WriteOutcome[batch.Count];
            var fresh = new List<int>();
            for (var i = 0; i < batch.Count; i++)
            {
                var (submission, instruction, _, _, _) = batch[i];
                if (instruction.BankReference is { } reference)
                {
                    var key = (submission.BankCode, reference);
                    if (added.TryGetValue(key, out var first))
                    {
                        repeatsInBatch.Add((i, first));
                        continue;
                    }

                    added[key] = i;
                }

                fresh.Add(i);
            }

            var started = Stopwatch.GetTimestamp();
            await (_provider == DatabaseProvider.Sqlite
                ? InsertWithSqliteAsync(batch, fresh, outcomes)
                : InsertWithPostgresAsync(batch, fresh, outcomes));
            _metrics.Committed(batch.Count, Stopwatch.GetElapsedTime(started));

            foreach (var (index, of) in repeatsInBatch)
            {
                outcomes[index] = new WriteOutcome.Repeat(outcomes[of] switch
                {
                    WriteOutcome.Created created => created.Payment,
                    WriteOutcome.Repeat repeat => repeat.Earlier,
                    _ => throw new InvalidOperationException("A repeat of a payment that was neither stored nor found."),
                });
            }

            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(outcomes[i]);
            }
        }
        catch (Exception exception) when (DatabaseErrors.IsWriteConflict(exception))
        {
            // Another writer stored one of these first, or two batches with the same transaction ids deadlocked: let
            // each request settle on its own, as before group commit.
            foreach (var pending in batch)
            {
                pending.Completion.TrySetResult(new WriteOutcome.WriteIndividually());
            }
        }
        catch (Exception exception) when (batch.Count > 1)
        {
            // One row the database refuses must fail only its own request: write each payment alone, so every other
            // bank in the batch still gets its 201 (and a full disk still fails them all, one by one).
            LogBatchFailed(exception, batch.Count);
            foreach (var pending in batch)
            {
                await WriteBatchAsync([pending]);
            }
        }
        catch (Exception exception)
        {
            foreach (var pending in batch)
            {
                LogPaymentFailed(exception, pending.Submission.BankCode);
                pending.Completion.TrySetResult(new WriteOutcome.Failed(exception));
            }
        }
    }

    private async Task RunExclusiveAsync(ExclusiveWork work)
    {
        try
        {
            _sqlite ??= await SqliteSession.OpenAsync(_dbFactory);
            var db = _sqlite.Db;
            await _turns.TakeAsync(() => work.Work(db));
            work.Completion.TrySetResult();
        }
        catch (Exception exception)
        {
            work.Completion.TrySetException(exception);
            if (_sqlite is not null)
            {
                await _sqlite.DisposeAsync();
                _sqlite = null;
            }
        }
        finally
        {
            _sqlite?.Db.ChangeTracker.Clear();
        }
    }

    /// <summary>The embedded default: prepared statements, one transaction, one commit.</summary>
    private async Task InsertWithSqliteAsync(List<PendingPayment> batch, List<int> fresh, WriteOutcome[] outcomes)
    {
        _sqlite ??= await SqliteSession.OpenAsync(_dbFactory);
        try
        {
            var session = _sqlite;
            await _turns.TakeAsync(async () =>
            {
                await using var transaction = await session.Db.Database.BeginTransactionAsync();
                var sqliteTransaction = (SqliteTransaction)transaction.GetDbTransaction();
                foreach (var i in fresh)
                {
                    var (proof, payment) = batch[i].Rows;
                    outcomes[i] = session.Inserter.Insert(sqliteTransaction, proof, payment, batch[i].Held)
                        ? new WriteOutcome.Created(payment)
                        : new WriteOutcome.Repeat(await FindStoredAsync(session.Db, payment));
                }

                await transaction.CommitAsync();
            });
        }
        catch
        {
            // Whatever failed (a full disk, a lost file), the next batch starts from a fresh connection.
            await _sqlite.DisposeAsync();
            _sqlite = null;
            throw;
        }
    }

    /// <summary>The scale-out profile: every insert of the batch in one round trip, one commit.</summary>
    private async Task InsertWithPostgresAsync(List<PendingPayment> batch, List<int> fresh, WriteOutcome[] outcomes)
    {
        await using var db = await _dbFactory.CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var rows = fresh.Select(i => (batch[i].Rows.Proof, batch[i].Rows.Payment, batch[i].Held)).ToList();
        var stored = await PostgresPaymentInserter.InsertAsync((NpgsqlConnection)db.Database.GetDbConnection(),
            (NpgsqlTransaction)transaction.GetDbTransaction(), rows);
        for (var n = 0; n < fresh.Count; n++)
        {
            var payment = rows[n].Payment;
            outcomes[fresh[n]] = stored[n] ? new WriteOutcome.Created(payment) : new WriteOutcome.Repeat(await FindStoredAsync(db, payment));
        }

        await transaction.CommitAsync();
    }

    /// <summary>The stored payment whose transaction id the insert found taken.</summary>
    private static async Task<Payment> FindStoredAsync(PortalDbContext db, Payment payment) =>
        await PaymentLookup.ByBankReferenceAsync(db, payment.BankCode, payment.BankReference!)
        ?? throw new InvalidOperationException("An insert found a transaction id taken, but no payment has it.");

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_loops);
        if (_sqlite is not null)
        {
            await _sqlite.DisposeAsync();
        }
    }

    /// <summary>What the writer's queue holds: payments to write, and now and then bulk work to run as the writer.</summary>
    private abstract record WriterItem;

    private sealed record ExclusiveWork(Func<PortalDbContext, Task> Work) : WriterItem
    {
        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record PendingPayment(
        BankSubmission Submission, PaymentInstruction Instruction, string Fingerprint, DateTime ReceivedAtUtc, SuspenseReason? Held)
        : WriterItem
    {
        public TaskCompletionSource<WriteOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The rows to insert, made before queueing on the fast paths.</summary>
        public (RequestProof Proof, Payment Payment) Rows { get; init; }
    }

    /// <summary>A connection held open by the SQLite writer, with its prepared statements.</summary>
    private sealed class SqliteSession(PortalDbContext db, SqlitePaymentInserter inserter) : IAsyncDisposable
    {
        public PortalDbContext Db { get; } = db;
        public SqlitePaymentInserter Inserter { get; } = inserter;

        public static async Task<SqliteSession> OpenAsync(IDbContextFactory<PortalDbContext> dbFactory)
        {
            var db = await dbFactory.CreateDbContextAsync();
            try
            {
                // Opened through the context, so the connection gets the same settings as every other (busy timeout,
                // synchronous=FULL), and kept open by it until the session ends.
                await db.Database.OpenConnectionAsync();
                return new SqliteSession(db, new SqlitePaymentInserter((SqliteConnection)db.Database.GetDbConnection()));
            }
            catch
            {
                await db.DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            Inserter.Dispose();
            await Db.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store a batch of {Count} payments; writing each one alone")]
    private partial void LogBatchFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store a payment from bank {BankCode}; the bank gets 503")]
    private partial void LogPaymentFailed(Exception exception, string bankCode);
}

/// <summary>What became of a payment handed to <see cref="PaymentWriter"/>.</summary>
public abstract record WriteOutcome
{
    /// <summary>Committed with its proof.</summary>
    public sealed record Created(Payment Payment) : WriteOutcome;

    /// <summary>Not stored: a payment with the same bank transaction id exists (the caller compares the content).</summary>
    public sealed record Repeat(Payment Earlier) : WriteOutcome;

    /// <summary>The batch met a concurrent writer; the caller stores this payment on its own.</summary>
    public sealed record WriteIndividually : WriteOutcome;

    /// <summary>The store failed, for this payment alone too; it was not kept.</summary>
    public sealed record Failed(Exception Exception) : WriteOutcome;
}
