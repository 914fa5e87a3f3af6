using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MoMo.Portal.Data;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// Forgets what the bank API refused or answered as a repeat once it is older than <see cref="IntakeOptions.Retention"/>:
/// the intake records and the proofs kept with them. A payment's proof is never touched: every request gets a proof of
/// its own, kept either with the payment it created or with its intake record (a repeat's record points at the earlier
/// payment, never at that payment's proof), and only the latter are deleted here — by key, without scanning payments.
/// </summary>
public sealed partial class IntakeRetention(
    IDbContextFactory<PortalDbContext> dbFactory, IOptions<IntakeOptions> options, TimeProvider clock, ILogger<IntakeRetention> logger)
{
    /// <summary>Rows per transaction, so a first purge of months of records never holds the writer for long.</summary>
    private const int Chunk = 2_000;

    public async Task<PurgeResult> PurgeAsync(CancellationToken cancellationToken)
    {
        var cutoff = clock.GetUtcNow().UtcDateTime - options.Value.Retention;
        var total = PurgeResult.None;
        while (true)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var old = await db.IntakeRecords.Where(r => r.ReceivedAtUtc < cutoff).OrderBy(r => r.Id).Take(Chunk)
                .Select(r => new { r.Id, r.ProofKey }).ToListAsync(cancellationToken);
            if (old.Count == 0)
            {
                break;
            }

            var ids = old.Select(r => r.Id).ToList();
            var proofKeys = old.Select(r => r.ProofKey).OfType<string>().ToList();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var proofs = await db.RequestProofs.Where(p => proofKeys.Contains(p.Key)).ExecuteDeleteAsync(cancellationToken);
            var records = await db.IntakeRecords.Where(r => ids.Contains(r.Id)).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            total += new PurgeResult(records, proofs);
        }

        LogPurged(total.IntakeRecords, total.Proofs, cutoff);
        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Records} intake records and {Proofs} proofs received before {CutoffUtc:u}")]
    private partial void LogPurged(int records, int proofs, DateTime cutoffUtc);
}

public sealed record PurgeResult(int IntakeRecords, int Proofs)
{
    public static readonly PurgeResult None = new(0, 0);

    public static PurgeResult operator +(PurgeResult a, PurgeResult b) => new(a.IntakeRecords + b.IntakeRecords, a.Proofs + b.Proofs);
}

/// <summary>The recurring <c>purge-intake</c> job: running it twice, or after a crash, only finds less to delete.</summary>
public sealed class PurgeIntakeJob(IntakeRetention retention)
{
    public const string Id = "purge-intake";

    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Purge intake records past their retention")]
    public async Task RunAsync(CancellationToken cancellationToken) => await retention.PurgeAsync(cancellationToken);
}
