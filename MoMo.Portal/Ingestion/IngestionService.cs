using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// Turns a bank's raw request into a stored payment, exactly once, with its proof; or into a recorded rejection.
/// Every outcome but <see cref="IngestionResult.Unavailable"/> is committed before it is returned.
/// </summary>
public sealed partial class IngestionService(
    IDbContextFactory<PortalDbContext> dbFactory,
    BankAuthenticator authenticator,
    ReferenceCache references,
    IProofStore proofStore,
    PaymentWriter writer,
    RouterSignal router,
    TimeProvider clock,
    ILogger<IngestionService> logger)
{
    /// <summary>The largest body a bank may send: a payment is a few hundred bytes.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    public async Task<IngestionResult> ReceiveAsync(BankSubmission submission, CancellationToken cancellationToken)
    {
        var raw = submission.Request;
        if (await authenticator.AuthenticateAsync(submission.BankCode, submission.ApiKey, cancellationToken) is { } denied)
        {
            return await RejectAsync(submission, denied);
        }

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
            var (payerKnown, partnerKnown) = await references.ReferencesAsync(instruction.PayerId, instruction.PartnerAccountId, CancellationToken.None);
            if (!payerKnown || !partnerKnown)
            {
                return await RejectAsync(submission, IngestionRejection.UnknownReferences(instruction, payerKnown, partnerKnown));
            }

            switch (await writer.WriteAsync(submission, instruction, fingerprint, now))
            {
                case WriteOutcome.Created created:
                    LogReceived(created.Payment.Id, submission.BankCode, created.Payment.PartnerAccountId);
                    router.Notify();
                    return new IngestionResult.Created(created.Payment);
                case WriteOutcome.Repeat repeat:
                    return await RepeatAsync(submission, repeat.Earlier, fingerprint);
                case WriteOutcome.Failed failed:
                    LogStorageFailed(failed.Exception, submission.BankCode);
                    return new IngestionResult.Unavailable(IngestionRejection.StorageUnavailable());
                default:
                    await using (var db = await dbFactory.CreateDbContextAsync())
                    {
                        return await StoreIndividuallyAsync(db, submission, instruction, fingerprint, now);
                    }
            }
        }
        catch (Exception exception) when (exception is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
        {
            LogStorageFailed(exception, submission.BankCode);
            return new IngestionResult.Unavailable(IngestionRejection.StorageUnavailable());
        }
    }

    /// <summary>
    /// Stores one payment in its own transaction, for when a batch met a concurrent writer: the unique index on
    /// (bank, transaction id) decides, and the loser is answered as a repeat.
    /// </summary>
    private async Task<IngestionResult> StoreIndividuallyAsync(
        PortalDbContext db, BankSubmission submission, PaymentInstruction instruction, string fingerprint, DateTime now)
    {
        // The proof and the payment are one unit of work: one transaction, one sync, both or neither.
        var proofKey = await proofStore.SaveAsync(submission.Request, db, CancellationToken.None);
        var payment = instruction.ToPayment(submission.BankCode, fingerprint, proofKey, now);
        db.Payments.Add(payment);
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException exception) when (DatabaseErrors.IsUniqueViolation(exception))
        {
            await using var fresh = await dbFactory.CreateDbContextAsync();
            var winner = await FindByReferenceAsync(fresh, submission.BankCode, instruction.BankReference!)
                         ?? throw new InvalidOperationException("A unique violation without a conflicting payment.", exception);
            return await RepeatAsync(submission, winner, fingerprint);
        }

        LogReceived(payment.Id, submission.BankCode, payment.PartnerAccountId);
        router.Notify();
        return new IngestionResult.Created(payment);
    }

    /// <summary>The payment a bank's transaction id names, if stored (the writer's repeats use it too).</summary>
    internal static Task<Payment?> FindByReferenceAsync(PortalDbContext db, string bankCode, string bankReference) =>
        db.Payments.AsNoTracking().SingleOrDefaultAsync(p => p.BankCode == bankCode && p.BankReference == bankReference);

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
        catch (Exception exception) when (exception is DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
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
        var proofKey = await proofStore.SaveAsync(submission.Request, db, CancellationToken.None);
        db.IntakeRecords.Add(new IntakeRecord
        {
            ReceivedAtUtc = submission.Request.ReceivedAtUtc,
            BankCode = submission.BankCode.Length <= 128 ? submission.BankCode : submission.BankCode[..128],
            Outcome = outcome,
            StatusCode = status,
            Reason = reason,
            PaymentId = paymentId,
            ProofKey = proofKey,
        });
        await db.SaveChangesAsync(CancellationToken.None);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Rejected a request from bank {BankCode}: {Status} {Code}")]
    private partial void LogRejected(string bankCode, int status, string code);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not store a request from bank {BankCode}; answered 503")]
    private partial void LogStorageFailed(Exception exception, string bankCode);
}

/// <summary>A request as it reached a bank endpoint.</summary>
public sealed record BankSubmission(string BankCode, string? ApiKey, string? IdempotencyKey, RawBankRequest Request);

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
