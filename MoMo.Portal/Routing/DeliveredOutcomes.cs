using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using MoMo.Portal.Data;
using MoMo.Portal.Days;
using MoMo.Portal.Payments;
// A statement's parameter: its name, and the column whose type it takes.
using Declared = (string Name, System.Type Entity, string Property);

namespace MoMo.Portal.Routing;

/// <summary>
/// Writes the outcomes of deliveries the partner took — nearly every outcome on a healthy day — as two statements per
/// payment in the recorder's transaction: the attempt row, then the payment's move to Delivered. Loading, tracking and
/// saving each payment through EF Core was the drain's largest slice of CPU (docs/BENCHMARKS.md, "Routing").
/// <list type="bullet">
/// <item>Where the driver batches statements (PostgreSQL), all of them go in one round trip: two round trips a payment
/// made the recorder the serial part of the drain there.</item>
/// <item>SQLite has no round trips to save (its statements are calls into the library in this process): it prepares the
/// two statements once per batch and runs them for each payment.</item>
/// </list>
/// The statements do what <see cref="Payment.MarkDelivered"/> does, and only while the claim is still this pass's: both
/// name the claim token and the Delivering status, so a payment another pass took over is left alone. Parameters take
/// their types from the EF Core model, so the values are stored as EF Core stores them on either database.
/// </summary>
internal static class DeliveredOutcomes
{
    // A claimed payment is Delivering, which the running totals count as on its way; Delivered is its own bucket.
    private static readonly int BucketChange =
        TotalsBuckets.Of(PaymentStatus.Delivering) == TotalsBuckets.Of(PaymentStatus.Delivered) ? 0 : 1;

    private static readonly string s_attemptSql = $"""
        INSERT INTO "DeliveryAttempts" ("PaymentId", "Number", "StartedAtUtc", "DurationMs", "Channel", "Target", "Outcome",
            "HttpStatus", "SmtpReply", "Error", "ResponseExcerpt", "TriggeredBy")
        SELECT "Id", "AttemptCount" + 1, @started, @duration, @channel, @target, '{nameof(DeliveryOutcome.Delivered)}',
            @http, @smtp, NULL, @excerpt, COALESCE("RetryRequestedBy", '{DeliveryAttempt.RouterTrigger}')
        FROM "Payments"
        WHERE "Id" = @id AND "ClaimToken" = @token AND "Status" = '{nameof(PaymentStatus.Delivering)}'
        """;

    private static readonly string s_paymentSql = $"""
        UPDATE "Payments"
        SET "AttemptCount" = "AttemptCount" + 1, "Status" = '{nameof(PaymentStatus.Delivered)}', "ProcessedAtUtc" = @now,
            "ProcessError" = FALSE, "LastError" = NULL, "NextAttemptAtUtc" = NULL, "RetryRequestedBy" = NULL,
            "ClaimToken" = NULL, "ClaimExpiresAtUtc" = NULL, "BucketVersion" = "BucketVersion" + {BucketChange}
        WHERE "Id" = @id AND "ClaimToken" = @token AND "Status" = '{nameof(PaymentStatus.Delivering)}'
        """;

    private static readonly Declared[] s_attemptParameters =
    [
        ("@started", typeof(DeliveryAttempt), nameof(DeliveryAttempt.StartedAtUtc)),
        ("@duration", typeof(DeliveryAttempt), nameof(DeliveryAttempt.DurationMs)),
        ("@channel", typeof(DeliveryAttempt), nameof(DeliveryAttempt.Channel)),
        ("@target", typeof(DeliveryAttempt), nameof(DeliveryAttempt.Target)),
        ("@http", typeof(DeliveryAttempt), nameof(DeliveryAttempt.HttpStatus)),
        ("@smtp", typeof(DeliveryAttempt), nameof(DeliveryAttempt.SmtpReply)),
        ("@excerpt", typeof(DeliveryAttempt), nameof(DeliveryAttempt.ResponseExcerpt)),
        ("@id", typeof(Payment), nameof(Payment.Id)),
        ("@token", typeof(Payment), nameof(Payment.ClaimToken)),
    ];

    private static readonly Declared[] s_paymentParameters =
    [
        ("@now", typeof(Payment), nameof(Payment.ProcessedAtUtc)),
        ("@id", typeof(Payment), nameof(Payment.Id)),
        ("@token", typeof(Payment), nameof(Payment.ClaimToken)),
    ];

    /// <summary>
    /// Writes the outcome of each delivered report, in order; per report, whether it was written (false: the pass no
    /// longer held the payment's claim, and nothing was written for it).
    /// </summary>
    public static async Task<bool[]> WriteAsync(PortalDbContext db, IReadOnlyList<DeliveryReport> reports, DateTime now)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
                          ?? throw new InvalidOperationException("Delivered outcomes are written inside the recorder's transaction.");
        if (reports.Count == 0)
        {
            return [];
        }

        var attempt = new Statement(s_attemptSql, Columns(db, s_attemptParameters));
        var payment = new Statement(s_paymentSql, Columns(db, s_paymentParameters));
        return transaction.Connection!.CanCreateBatch
            ? await WriteBatchedAsync(transaction, attempt, payment, reports, now)
            : await WritePreparedAsync(transaction, attempt, payment, reports, now);
    }

    private static async Task<bool[]> WriteBatchedAsync(DbTransaction transaction, Statement attempt, Statement payment,
        IReadOnlyList<DeliveryReport> reports, DateTime now)
    {
        var connection = transaction.Connection!;
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        // Parameters are made by a command, where EF Core's mappings know how to type them, then moved to the batch.
        await using var factory = connection.CreateCommand();
        foreach (var report in reports)
        {
            batch.BatchCommands.Add(attempt.InBatch(batch, factory, AttemptValues(report)));
            batch.BatchCommands.Add(payment.InBatch(batch, factory, PaymentValues(report, now)));
        }

        await batch.ExecuteNonQueryAsync();
        // The update matches exactly when the attempt's insert did: both ask for the same claim token and status.
        return [.. reports.Select((_, i) => batch.BatchCommands[2 * i + 1].RecordsAffected == 1)];
    }

    private static async Task<bool[]> WritePreparedAsync(DbTransaction transaction, Statement attempt, Statement payment,
        IReadOnlyList<DeliveryReport> reports, DateTime now)
    {
        await using var attemptCommand = attempt.Command(transaction);
        await using var paymentCommand = payment.Command(transaction);
        await attemptCommand.PrepareAsync();
        await paymentCommand.PrepareAsync();
        var written = new bool[reports.Count];
        for (var i = 0; i < reports.Count; i++)
        {
            Set(attemptCommand.Parameters, AttemptValues(reports[i]));
            if (await attemptCommand.ExecuteNonQueryAsync() == 1)
            {
                Set(paymentCommand.Parameters, PaymentValues(reports[i], now));
                written[i] = await paymentCommand.ExecuteNonQueryAsync() == 1;
            }
        }

        return written;
    }

    private static object?[] AttemptValues(DeliveryReport report)
    {
        var result = report.Result ?? throw new ArgumentException("Only an attempted delivery has an outcome.", nameof(report));
        return
        [
            report.StartedAtUtc, (int)Math.Min(int.MaxValue, report.Duration.TotalMilliseconds), result.Channel.ToString(),
            StorableText.Clean(result.Target, DeliveryAttempt.MaxTargetLength), result.HttpStatus,
            StorableText.CleanOrNull(result.SmtpReply, DeliveryAttempt.MaxSmtpReplyLength),
            StorableText.CleanOrNull(result.ResponseExcerpt, DeliveryAttempt.MaxExcerptLength), report.PaymentId, report.ClaimToken,
        ];
    }

    private static object?[] PaymentValues(DeliveryReport report, DateTime now) => [now, report.PaymentId, report.ClaimToken];

    private static (string Name, IProperty Column)[] Columns(PortalDbContext db, Declared[] parameters) =>
        [.. parameters.Select(p => (p.Name, db.Model.FindEntityType(p.Entity)!.FindProperty(p.Property)!))];

    /// <summary>A statement and its parameters, each with the column it is typed by, in declaration order.</summary>
    private sealed record Statement(string Sql, (string Name, IProperty Column)[] Parameters)
    {
        /// <summary>The statement with these values, for a batch.</summary>
        public DbBatchCommand InBatch(DbBatch batch, DbCommand factory, object?[] values)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = Sql;
            for (var i = 0; i < Parameters.Length; i++)
            {
                command.Parameters.Add(Parameter(factory, i));
            }

            Set(command.Parameters, values);
            return command;
        }

        /// <summary>The statement as a command to prepare once and run with each payment's values.</summary>
        public DbCommand Command(DbTransaction transaction)
        {
            var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Sql;
            for (var i = 0; i < Parameters.Length; i++)
            {
                command.Parameters.Add(Parameter(command, i));
            }

            return command;
        }

        // The column's own mapping types the parameter (a GUID as text on SQLite, a timestamptz on PostgreSQL); values
        // are set as stored (the channel as its name), past the mapping's converters.
        private DbParameter Parameter(DbCommand command, int index)
        {
            var (name, column) = Parameters[index];
            return column.GetRelationalTypeMapping().CreateParameter(command, name, null, column.IsNullable);
        }
    }

    /// <summary>Sets the parameters in the order they were declared.</summary>
    private static void Set(DbParameterCollection parameters, object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
