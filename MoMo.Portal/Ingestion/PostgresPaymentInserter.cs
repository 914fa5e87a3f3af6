using MoMo.Portal.Payments;
using MoMo.Portal.Suspense;
using Npgsql;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// Inserts a batch of payments and their proofs in one round trip (an <see cref="NpgsqlBatch"/>), inside the caller's
/// transaction. EF Core's SaveChanges for two rows per payment was the saturated CPU of the PostgreSQL writer, as it was
/// on SQLite (see <see cref="Sqlite.SqlitePaymentInserter"/>). Each statement inserts the payment unless its bank
/// transaction id is already stored — the unique index decides, against every instance — and its proof only with it.
/// </summary>
internal static class PostgresPaymentInserter
{
    private const string Sql = """
        WITH payment AS (
            INSERT INTO "Payments" ("PayerId", "PartnerAccountId", "BankCode", "BankReference", "AmountMinor", "Currency",
                "RequestFingerprint", "ProofKey", "BankDateUtc", "ReceivedAtUtc", "ProcessError", "Status", "AttemptCount",
                "ScheduleStep", "DeliveryId", "NextAttemptAtUtc", "BucketVersion", "FoldedVersion")
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, FALSE, $11, 0, 0, $12, $13, 1, 0)
            ON CONFLICT ("BankCode", "BankReference") DO NOTHING
            RETURNING "Id"),
        proof AS (
            INSERT INTO "RequestProofs" ("Key", "ReceivedAtUtc", "Method", "Path", "ContentType", "HeadersJson",
                "RemoteAddress", "Body", "BodyTruncated", "BodySha256")
            SELECT $14, $15, $16, $17, $18, $19, $20, $21, $22, $23 FROM payment)
        SELECT "Id" FROM payment
        """;

    // The same, for a payment held in suspense: its case is inserted with it.
    private static readonly string s_heldSql = Sql.Replace("""
        SELECT "Id" FROM payment
        """, """
        , suspense AS (
            INSERT INTO "SuspenseCases" ("PaymentId", "Reason", "HeldAtUtc", "Version") SELECT "Id", $24, $10, 0 FROM payment)
        SELECT "Id" FROM payment
        """, StringComparison.Ordinal);

    /// <summary>
    /// Inserts every payment with its proof (and its suspense case, when held); returns, per payment, whether it was
    /// stored (it then has its id) or its transaction id was already taken.
    /// </summary>
    public static async Task<bool[]> InsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction,
        IReadOnlyList<(RequestProof Proof, Payment Payment, SuspenseReason? Held)> rows)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var (proof, payment, held) in rows)
        {
            var command = new NpgsqlBatchCommand(held is null ? Sql : s_heldSql);
            Add(command, payment.PayerId, payment.PartnerAccountId, payment.BankCode, payment.BankReference,
                payment.AmountMinor, payment.Currency, payment.RequestFingerprint, payment.ProofKey, payment.BankDateUtc,
                payment.ReceivedAtUtc, payment.Status.ToString(), payment.DeliveryId, payment.NextAttemptAtUtc,
                proof.Key, proof.ReceivedAtUtc, proof.Method, proof.Path, proof.ContentType, proof.HeadersJson,
                proof.RemoteAddress, proof.Body, proof.BodyTruncated, proof.BodySha256);
            if (held is { } reason)
            {
                Add(command, reason.ToString());
            }

            batch.BatchCommands.Add(command);
        }

        var stored = new bool[rows.Count];
        await using var reader = await batch.ExecuteReaderAsync();
        for (var i = 0; i < rows.Count; i++)
        {
            if (await reader.ReadAsync())
            {
                rows[i].Payment.AssignId(reader.GetInt64(0));
                stored[i] = true;
            }

            await reader.NextResultAsync();
        }

        return stored;
    }

    private static void Add(NpgsqlBatchCommand command, params object?[] values)
    {
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
    }
}
