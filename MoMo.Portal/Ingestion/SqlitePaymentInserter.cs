using System.Globalization;
using Microsoft.Data.Sqlite;
using MoMo.Portal.Payments;
using MoMo.Portal.Suspense;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// Inserts payments and their proofs with prepared SQLite statements, inside the caller's transaction.
/// Profiling the group-commit writer showed EF Core's SaveChanges (change tracking and command building for two rows
/// per payment) as the one saturated thread; these statements do the same inserts at a fraction of the CPU.
/// The statements are prepared once and kept with their connection for the life of the writer: preparing them for
/// every batch cost about as much as inserting a dozen payments.
/// The columns and value formats are those of the EF Core model and its SQLite provider (times as
/// "yyyy-MM-dd HH:mm:ss.FFFFFFF", enums as names), so EF Core reads these rows like its own.
/// </summary>
internal sealed class SqlitePaymentInserter : IDisposable
{
    private const string TimeFormat = "yyyy-MM-dd HH:mm:ss.FFFFFFF";

    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _payment;
    private readonly SqliteCommand _proof;
    private readonly SqliteCommand _suspense;

    public SqlitePaymentInserter(SqliteConnection connection)
    {
        _connection = connection;
        _payment = Prepare(connection, """
            INSERT INTO "Payments" ("PayerId", "PartnerAccountId", "BankCode", "BankReference", "AmountMinor", "Currency",
                "RequestFingerprint", "ProofKey", "BankDateUtc", "ReceivedAtUtc", "ProcessedAtUtc", "ProcessError", "Status",
                "AttemptCount", "ScheduleStep", "DeliveryId", "RetryRequestedBy", "NextAttemptAtUtc", "LastError",
                "ClaimToken", "ClaimExpiresAtUtc", "BucketVersion", "FoldedVersion", "FoldedBucket")
            VALUES ($payer, $partner, $bank, $reference, $amount, $currency, $fingerprint, $proofKey, $bankDate, $received,
                NULL, 0, $status, 0, 0, $deliveryId, NULL, $next, NULL, NULL, NULL, 1, 1, $bucket)
            ON CONFLICT ("BankCode", "BankReference") DO NOTHING;
            """, "$payer", "$partner", "$bank", "$reference", "$amount", "$currency", "$fingerprint", "$proofKey",
            "$bankDate", "$received", "$status", "$deliveryId", "$next", "$bucket");
        _proof = Prepare(connection, """
            INSERT INTO "RequestProofs" ("Key", "ReceivedAtUtc", "Method", "Path", "ContentType", "HeadersJson",
                "RemoteAddress", "Body", "BodyTruncated", "BodySha256")
            VALUES ($key, $received, $method, $path, $contentType, $headers, $remote, $body, $truncated, $sha);
            """, "$key", "$received", "$method", "$path", "$contentType", "$headers", "$remote", "$body", "$truncated", "$sha");
        _suspense = Prepare(connection, """
            INSERT INTO "SuspenseCases" ("PaymentId", "Reason", "HeldAtUtc", "Version") VALUES ($payment, $reason, $held, 0);
            """, "$payment", "$reason", "$held");
    }

    /// <summary>
    /// Inserts the payment (marked as counted by the running totals in its first bucket: the fold counts new payments by
    /// their id, see <c>TotalsLock.CountedThroughPaymentId</c>, and writes them again only if they changed), then its proof and, for a payment <paramref name="held"/> in suspense, its case. Returns
    /// false, inserting nothing, when the bank's transaction id is already stored: the unique index decides, within
    /// this transaction and against every other writer.
    /// </summary>
    public bool Insert(SqliteTransaction transaction, RequestProof proof, Payment payment, SuspenseReason? held)
    {
        _payment.Transaction = transaction;
        Bind(_payment, payment.PayerId, payment.PartnerAccountId, payment.BankCode, payment.BankReference,
            payment.AmountMinor, payment.Currency, payment.RequestFingerprint, payment.ProofKey, Time(payment.BankDateUtc),
            Time(payment.ReceivedAtUtc), payment.Status.ToString(), payment.DeliveryId,
            payment.NextAttemptAtUtc is { } next ? Time(next) : null, payment.Bucket.ToString());
        if (_payment.ExecuteNonQuery() == 0)
        {
            return false;
        }

        // Read from the connection, not with INSERT ... RETURNING: read through ExecuteScalar, that statement would stay
        // open and stop SQLite from ever checkpointing the write-ahead log.
        payment.AssignId(SQLitePCL.raw.sqlite3_last_insert_rowid(_connection.Handle));

        _proof.Transaction = transaction;
        Bind(_proof, proof.Key, Time(proof.ReceivedAtUtc), proof.Method, proof.Path, proof.ContentType, proof.HeadersJson,
            proof.RemoteAddress, proof.Body, proof.BodyTruncated ? 1 : 0, proof.BodySha256);
        _proof.ExecuteNonQuery();
        if (held is { } reason)
        {
            _suspense.Transaction = transaction;
            Bind(_suspense, payment.Id, reason.ToString(), Time(payment.ReceivedAtUtc));
            _suspense.ExecuteNonQuery();
        }

        return true;
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        command.Prepare();
        return command;
    }

    /// <summary>Sets the parameters in the order they were declared in <see cref="Prepare"/>.</summary>
    private static void Bind(SqliteCommand command, params ReadOnlySpan<object?> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }

    private static string Time(DateTime utc) => utc.ToString(TimeFormat, CultureInfo.InvariantCulture);

    public void Dispose()
    {
        _payment.Dispose();
        _proof.Dispose();
        _suspense.Dispose();
    }
}
