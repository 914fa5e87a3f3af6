using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using MoMo.Portal.Data;

namespace MoMo.Portal.Reconciliation;

/// <summary>
/// Writes a statement's entries with one prepared INSERT run per entry inside the caller's transaction: a statement of
/// 100,000 entries through EF Core's change tracker took most of half a minute and a gigabyte.
/// </summary>
internal static class EntryWriter
{
    private static readonly string[] s_columns =
    [
        "BankStatementId", "EntryIndex", "DetailIndex", "EntryReference", "AccountServicerReference", "BookingDate", "ValueDate",
        "AmountMinor", "Currency", "IsCredit", "IsReversal", "Status", "BankTransactionCode", "EndToEndId", "TransactionId",
        "InstructionId", "Uetr", "DetailAccountServicerReference", "DebtorName", "Remittance", "PaymentId", "Break", "SuggestedPaymentId",
    ];

    public static async Task InsertAsync(PortalDbContext db, long statementId, IReadOnlyList<StatementEntry> entries, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"INSERT INTO \"StatementEntries\" ({string.Join(", ", s_columns.Select(c => $"\"{c}\""))}) " +
                              $"VALUES ({string.Join(", ", s_columns.Select((_, i) => $"@p{i}"))})";
        var sqlite = db.Database.IsSqlite();
        // Typed before preparing (PostgreSQL needs the types of null values too).
        var parameters = s_columns.Select((column, i) =>
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i}";
            parameter.DbType = column switch
            {
                "BankStatementId" or "AmountMinor" or "PaymentId" or "SuggestedPaymentId" => System.Data.DbType.Int64,
                "EntryIndex" or "DetailIndex" => System.Data.DbType.Int32,
                "IsCredit" or "IsReversal" => System.Data.DbType.Boolean,
                "BookingDate" or "ValueDate" when !sqlite => System.Data.DbType.Date,
                _ => System.Data.DbType.String,
            };
            command.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        await command.PrepareAsync(cancellationToken);
        foreach (var e in entries)
        {
            object?[] values =
            [
                statementId, e.EntryIndex, e.DetailIndex, e.EntryReference, e.AccountServicerReference, Day(e.BookingDate, sqlite),
                Day(e.ValueDate, sqlite), e.AmountMinor, e.Currency, e.IsCredit, e.IsReversal, e.Status, e.BankTransactionCode, e.EndToEndId,
                e.TransactionId, e.InstructionId, e.Uetr, e.DetailAccountServicerReference, e.DebtorName, e.Remittance, e.PaymentId,
                e.Break?.ToString(), e.SuggestedPaymentId,
            ];
            for (var i = 0; i < values.Length; i++)
            {
                parameters[i].Value = values[i] ?? DBNull.Value;
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>A day as each database stores it: text on SQLite (as EF Core writes it), a date on PostgreSQL.</summary>
    private static object? Day(DateOnly? day, bool sqlite) =>
        day is not { } d ? null : sqlite ? d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : d;
}
