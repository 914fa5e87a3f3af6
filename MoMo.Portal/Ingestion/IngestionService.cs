using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Suspense;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// Turns a bank's raw request into a stored payment, exactly once, with its proof; or into a recorded rejection.
/// Every outcome but <see cref="IngestionResult.Unavailable"/> is committed before it is returned. The caller is
/// admitted first (rate limits, key, source network), and only an admitted bank's body is ever read or kept.
/// </summary>
public sealed partial class IngestionService(
    IDbContextFactory<PortalDbContext> dbFactory,
    BankAuthenticator authenticator,
    IntakeLimits limits,
    ReferenceCache references,
    IProofStore proofStore,
    PaymentWriter writer,
    RouterSignal router,
    Metrics.PortalMetrics metrics,
    TimeProvider clock,
    ILogger<IngestionService> logger)
{
    /// <summary>The largest body a bank may send: a payment is a few hundred bytes.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>
    /// Decides, before any body is read, whether <paramref name="caller"/> may go on: null when it may, otherwise the
    /// refusal. A rate-limited caller costs no database write; a failed authentication costs one small intake row.
    /// </summary>
    public async Task<IngestionRejection?> AdmitAsync(BankCaller caller, CancellationToken cancellationToken)
    {
        if (limits.FailuresExhausted(caller.RemoteAddress) is { } wait)
        {
            return IngestionRejection.TooManyFailures(wait);
        }

        if (await authenticator.AuthenticateAsync(caller.BankCode, caller.ApiKey, caller.RemoteAddress, cancellationToken) is { } denied)
        {
            limits.CountFailure(caller.RemoteAddress);
            return await RecordRefusalAsync(caller, denied);
        }

        return limits.TakeBankPermit(caller.BankCode) is { } bankWait
            ? IngestionRejection.RateLimited(caller.BankCode, bankWait)
            : null;
    }

    /// <summary>Admits the caller, then reads its request (<paramref name="readRequest"/>) and stores what it asks for.</summary>
    public async Task<IngestionResult> ReceiveAsync(BankCaller caller, string? idempotencyKey,
        Func<CancellationToken, Task<RawBankRequest>> readRequest, CancellationToken cancellationToken)
    {
        if (await AdmitAsync(caller, cancellationToken) is { } refused)
        {
            var rejected = new IngestionResult.Rejected(refused);
            metrics.Received(null, rejected);
            return rejected;
        }

        var result = await ReceiveAdmittedAsync(caller, idempotencyKey, readRequest, cancellationToken);
        metrics.Received(caller.BankCode, result);
        return result;
    }

    private async Task<IngestionResult> ReceiveAdmittedAsync(BankCaller caller, string? idempotencyKey,
        Func<CancellationToken, Task<RawBankRequest>> readRequest, CancellationToken cancellationToken)
    {
        var raw = await readRequest(cancellationToken);
        var submission = new BankSubmission(caller.BankCode, idempotencyKey, raw);
        if (raw.BodyTruncated)
        {
            return await RejectAsync(submission, IngestionRejection.TooLarge(MaxBodyBytes));
        }

        if (!IsJson(raw.ContentType))
        {
            return await RejectAsync(submission, IngestionRejection.UnsupportedMediaType(raw.ContentType));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        switch (PaymentInstructionParser.Parse(raw.Body, submission.IdempotencyKey, now))
        {
            case ParseResult.Malformed malformed:
                return await RejectAsync(submission, IngestionRejection.Malformed(malformed.Detail));
            case ParseResult.Invalid invalid:
                return await RejectAsync(submission, IngestionRejection.Invalid(invalid.Errors));
            case ParseResult.Valid valid:
                return await StoreAsync(submission, valid.Instruction, now);
            default:
                throw new InvalidOperationException("Unknown parse result.");
        }
    }

    private async Task<IngestionResult> StoreAsync(BankSubmission submission, PaymentInstruction instruction, DateTime now)
    {
        var fingerprint = instruction.Fingerprint();
        try
        {
            // A repeated transaction id is recognised by the writer, against the database and within its batch.
            var verdict = await references.JudgeAsync(submission.BankCode, instruction.PayerId, instruction.PartnerAccountId, CancellationToken.None);
            if (verdict.Refused)
            {
                return await RejectAsync(submission, IngestionRejection.UnknownReferences(instruction, verdict.PayerKnown, verdict.PartnerKnown));
            }

            var held = verdict.Held;

            switch (await writer.WriteAsync(submission, instruction, fingerprint, now, held))
            {
                case WriteOutcome.Created created:
                    return Created(created.Payment, submission.BankCode, held);
                case WriteOutcome.Repeat repeat:
                    return await RepeatAsync(submission, repeat.Earlier, fingerprint);
                case WriteOutcome.Failed failed:
                    LogStorageFailed(failed.Exception, submission.BankCode);
                    return new IngestionResult.Unavailable(IngestionRejection.StorageUnavailable());
                case WriteOutcome.WriteIndividually:
                    await using (var db = await dbFactory.CreateDbContextAsync())
                    {
                        return await StoreIndividuallyAsync(db, submission, instruction, fingerprint, now, held);
                    }

                default:
                    throw new InvalidOperationException("Unknown write outcome.");
            }
        }
        catch (Exception exception) when (DatabaseErrors.IsStorageFailure(exception))
        {
            LogStorageFailed(exception, submission.BankCode);
            return new IngestionResult.Unavailable(IngestionRejection.StorageUnavailable());
        }
    }

    /// <summary>
    /// Stores one payment (with its suspense case when <paramref name="held"/>) in its own transaction, for when a
    /// batch met a concurrent writer: the unique index on (bank, transaction id) decides, and the loser is answered as
    /// a repeat.
    /// </summary>
    private async Task<IngestionResult> StoreIndividuallyAsync(PortalDbContext db, BankSubmission submission,
        PaymentInstruction instruction, string fingerprint, DateTime now, SuspenseReason? held)
    {
        // The proof, the payment and its suspense case are one unit of work: one transaction, one sync, all or nothing.
        var proofKey = await proofStore.SaveAsync(submission.Request, db, CancellationToken.None);
        var payment = instruction.ToPayment(submission.BankCode, fingerprint, proofKey, now, held is not null);
        db.Payments.Add(payment);
        if (held is { } reason)
        {
            db.SuspenseCases.Add(SuspenseCase.Hold(payment, reason, now));
        }

        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException exception) when (DatabaseErrors.IsUniqueViolation(exception))
        {
            await using var fresh = await dbFactory.CreateDbContextAsync();
            var winner = await PaymentLookup.ByBankReferenceAsync(fresh, submission.BankCode, instruction.BankReference!)
                         ?? throw new InvalidOperationException("A unique violation without a conflicting payment.", exception);
            return await RepeatAsync(submission, winner, fingerprint);
        }

        return Created(payment, submission.BankCode, held);
    }

    /// <summary>A payment committed: the router hears of it, unless it is held in suspense.</summary>
    private IngestionResult Created(Payment payment, string bankCode, SuspenseReason? held)
    {
        if (held is { } reason)
        {
            LogHeld(payment.Id, bankCode, reason);
        }
        else
        {
            LogReceived(payment.Id, bankCode, payment.PartnerAccountId);
            router.Notify();
        }

        return new IngestionResult.Created(payment);
    }

    private async Task<IngestionResult> RepeatAsync(BankSubmission submission, Payment earlier, string fingerprint)
    {
        if (earlier.RequestFingerprint != fingerprint)
        {
            return await RejectAsync(submission, IngestionRejection.Conflict(earlier));
        }

        await RecordAsync(submission, IntakeOutcome.Replayed, 200, $"Repeat of payment {earlier.Id}; answered with it.", earlier.Id);
        return new IngestionResult.Replayed(earlier);
    }

    private async Task<IngestionResult> RejectAsync(BankSubmission submission, IngestionRejection rejection)
    {
        try
        {
            await RecordAsync(submission, IntakeOutcome.Rejected, rejection.Status, rejection.LogReason(), rejection.PaymentId);
        }
        catch (Exception exception) when (DatabaseErrors.IsStorageFailure(exception))
        {
            LogStorageFailed(exception, submission.BankCode);
            return new IngestionResult.Unavailable(IngestionRejection.StorageUnavailable());
        }

        LogRejected(submission.BankCode, rejection.Status, rejection.Code);
        return new IngestionResult.Rejected(rejection);
    }

    /// <summary>Keeps the proof of a request that created no payment, with what it was answered, in the intake log.</summary>
    private async Task RecordAsync(BankSubmission submission, IntakeOutcome outcome, int status, string reason, long? paymentId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var request = submission.Request;
        var proofKey = await proofStore.SaveAsync(request, db, CancellationToken.None);
        db.IntakeRecords.Add(IntakeRecord.Create(request.ReceivedAtUtc, submission.BankCode, outcome, status, reason,
            request.RemoteAddress, request.Body.Length, paymentId, proofKey));
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>Records a caller refused before its body was read: one bounded row, no proof.</summary>
    private async Task<IngestionRejection> RecordRefusalAsync(BankCaller caller, IngestionRejection rejection)
    {
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            db.IntakeRecords.Add(IntakeRecord.Create(caller.ReceivedAtUtc, caller.BankCode, IntakeOutcome.Rejected,
                rejection.Status, rejection.LogReason(), caller.RemoteAddress?.ToString(), caller.ContentLength, null, null));
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (Exception exception) when (DatabaseErrors.IsStorageFailure(exception))
        {
            LogStorageFailed(exception, caller.BankCode);
            return IngestionRejection.StorageUnavailable();
        }

        LogRejected(StorableText.Clean(caller.BankCode, IntakeRecord.MaxBankCodeLength), rejection.Status, rejection.Code);
        return rejection;
    }

    /// <summary>application/json or any application/*+json; a charset other than UTF-8 is refused.</summary>
    private static bool IsJson(string? contentType)
    {
        if (contentType is null || !Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            return false;
        }

        var charset = media.Charset.Value;
        var mediaType = media.MediaType.Value ?? "";
        return (charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase))
               && (mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                   || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                       && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Received payment {PaymentId} from bank {BankCode} for partner {Partner}")]
    private partial void LogReceived(long paymentId, string bankCode, string partner);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Held payment {PaymentId} from bank {BankCode} in suspense: {Reason}")]
    private partial void LogHeld(long paymentId, string bankCode, SuspenseReason reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected a request from bank {BankCode}: {Status} {Code}")]
    private partial void LogRejected(string bankCode, int status, string code);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store a request from bank {BankCode}; answered 503")]
    private partial void LogStorageFailed(Exception exception, string bankCode);
}

/// <summary>Who is calling a bank endpoint, as known before the body is read.</summary>
public sealed record BankCaller(string BankCode, string? ApiKey, System.Net.IPAddress? RemoteAddress, DateTime ReceivedAtUtc, long? ContentLength);

/// <summary>An admitted bank's request, body read.</summary>
public sealed record BankSubmission(string BankCode, string? IdempotencyKey, RawBankRequest Request);

/// <summary>How a bank request ended.</summary>
public abstract record IngestionResult
{
    /// <summary>A new payment, committed with its proof.</summary>
    public sealed record Created(Payment Payment) : IngestionResult;

    /// <summary>The same request again: the payment stored the first time.</summary>
    public sealed record Replayed(Payment Payment) : IngestionResult;

    /// <summary>Refused, with the refusal kept in the intake log.</summary>
    public sealed record Rejected(IngestionRejection Rejection) : IngestionResult;

    /// <summary>The store failed: nothing was kept, the bank should retry.</summary>
    public sealed record Unavailable(IngestionRejection Rejection) : IngestionResult;
}
