using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using MoMo.Portal.Data;
using MoMo.Portal.Days;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Routing;

/// <summary>
/// Writes the outcome of a delivery the partner took — nearly every outcome on a healthy day — with two prepared
/// statements in the recorder's transaction: the attempt row, then the payment's move to Delivered. Loading, tracking
/// and saving each payment through EF Core was the drain's largest slice of CPU (docs/BENCHMARKS.md, "Routing").
/// The statements do what <see cref="Payment.MarkDelivered"/> does, and only while the claim is still this pass's: both
/// name the claim token and the Delivering status, so a payment another pass took over is left alone.
/// Parameters take their types from the EF Core model, so the values are stored as EF Core stores them on either database.
/// </summary>
internal sealed class DeliveredOutcomes : IAsyncDisposable
{
    // A claimed payment is Delivering, which the running totals count as on its way; Delivered is its own bucket.
    private static readonly int BucketChange =
        TotalsBuckets.Of(PaymentStatus.Delivering) == TotalsBuckets.Of(PaymentStatus.Delivered) ? 0 : 1;

    private readonly DbCommand _attempt;
    private readonly DbCommand _payment;

    private DeliveredOutcomes(DbCommand attempt, DbCommand payment)
    {
        _attempt = attempt;
        _payment = payment;
    }

    /// <summary>Prepares the statements on the context's connection, inside its current transaction.</summary>
    public static async Task<DeliveredOutcomes> PrepareAsync(PortalDbContext db)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
                          ?? throw new InvalidOperationException("Delivered outcomes are written inside the recorder's transaction.");
        var attempt = Command(transaction, $"""
            INSERT INTO "DeliveryAttempts" ("PaymentId", "Number", "StartedAtUtc", "DurationMs", "Channel", "Target", "Outcome",
                "HttpStatus", "SmtpReply", "Error", "ResponseExcerpt", "TriggeredBy")
            SELECT "Id", "AttemptCount" + 1, @started, @duration, @channel, @target, '{nameof(DeliveryOutcome.Delivered)}',
                @http, @smtp, NULL, @excerpt, COALESCE("RetryRequestedBy", '{DeliveryAttempt.RouterTrigger}')
            FROM "Payments"
            WHERE "Id" = @id AND "ClaimToken" = @token AND "Status" = '{nameof(PaymentStatus.Delivering)}'
            """,
            ("@started", Column<DeliveryAttempt>(db, nameof(DeliveryAttempt.StartedAtUtc))),
            ("@duration", Column<DeliveryAttempt>(db, nameof(DeliveryAttempt.DurationMs))),
            ("@channel", Column<DeliveryAttempt>(db, nameof(DeliveryAttempt.Channel))),
            ("@target", Column<DeliveryAttempt>(db, nameof(DeliveryAttempt.Target))),
            ("@http", Column<DeliveryAttempt>(db, nameof(DeliveryAttempt.HttpStatus))),
            ("@smtp", Column<DeliveryAttempt>(db, nameof(DeliveryAttempt.SmtpReply))),
            ("@excerpt", Column<DeliveryAttempt>(db, nameof(DeliveryAttempt.ResponseExcerpt))),
            ("@id", Column<Payment>(db, nameof(Payment.Id))),
            ("@token", Column<Payment>(db, nameof(Payment.ClaimToken))));
        var payment = Command(transaction, $"""
            UPDATE "Payments"
            SET "AttemptCount" = "AttemptCount" + 1, "Status" = '{nameof(PaymentStatus.Delivered)}', "ProcessedAtUtc" = @now,
                "ProcessError" = FALSE, "LastError" = NULL, "NextAttemptAtUtc" = NULL, "RetryRequestedBy" = NULL,
                "ClaimToken" = NULL, "ClaimExpiresAtUtc" = NULL, "BucketVersion" = "BucketVersion" + {BucketChange}
            WHERE "Id" = @id AND "ClaimToken" = @token AND "Status" = '{nameof(PaymentStatus.Delivering)}'
            """,
            ("@now", Column<Payment>(db, nameof(Payment.ProcessedAtUtc))),
            ("@id", Column<Payment>(db, nameof(Payment.Id))),
            ("@token", Column<Payment>(db, nameof(Payment.ClaimToken))));
        await attempt.PrepareAsync();
        await payment.PrepareAsync();
        return new DeliveredOutcomes(attempt, payment);
    }

    /// <summary>Writes one delivered outcome; false (writing nothing) when the pass no longer holds the payment's claim.</summary>
    public async Task<bool> WriteAsync(DeliveryReport report, DateTime now)
    {
        var result = report.Result ?? throw new ArgumentException("Only an attempted delivery has an outcome.", nameof(report));
        Set(_attempt, report.StartedAtUtc, (int)Math.Min(int.MaxValue, report.Duration.TotalMilliseconds), result.Channel.ToString(),
            StorableText.Clean(result.Target, DeliveryAttempt.MaxTargetLength), result.HttpStatus,
            StorableText.CleanOrNull(result.SmtpReply, DeliveryAttempt.MaxSmtpReplyLength),
            StorableText.CleanOrNull(result.ResponseExcerpt, DeliveryAttempt.MaxExcerptLength), report.PaymentId, report.ClaimToken);
        if (await _attempt.ExecuteNonQueryAsync() == 0)
        {
            return false;
        }

        Set(_payment, now, report.PaymentId, report.ClaimToken);
        return await _payment.ExecuteNonQueryAsync() == 1;
    }

    private static IProperty Column<TEntity>(PortalDbContext db, string property) =>
        db.Model.FindEntityType(typeof(TEntity))!.FindProperty(property)!;

    private static DbCommand Command(DbTransaction transaction, string sql, params (string Name, IProperty Column)[] parameters)
    {
        var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, column) in parameters)
        {
            // The column's own mapping types the parameter (a GUID as text on SQLite, a timestamptz on PostgreSQL).
            var mapping = column.GetRelationalTypeMapping();
            command.Parameters.Add(mapping.CreateParameter(command, name, null, column.IsNullable));
        }

        return command;
    }

    /// <summary>Sets the parameters in the order they were declared.</summary>
    private static void Set(DbCommand command, params ReadOnlySpan<object?> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _attempt.DisposeAsync();
        await _payment.DisposeAsync();
    }
}
