using System.Text;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;

namespace MoMo.Portal.Days;

/// <summary>
/// Adds deltas to total rows in one statement per few hundred rows, creating the rows that do not exist yet:
/// <c>INSERT … ON CONFLICT (key) DO UPDATE SET Count = Count + excluded.Count</c>, which SQLite and PostgreSQL both speak.
/// Nothing is read first, so the writer's turn holds only these writes.
/// </summary>
internal static class TotalsUpsert
{
    // Eight parameters a row; SQLite allows 32,766 in one statement.
    private const int RowsPerStatement = 500;

    /// <param name="table"><c>DayTotals</c> (keyed without the origin day) or <c>DayAdjustments</c> (with it).</param>
    public static async Task AddAsync(PortalDbContext db, string table, TotalsDeltas deltas, bool withOrigin, CancellationToken cancellationToken)
    {
        var rows = deltas.Where(d => d.Value.Count != 0 || d.Value.Amount != 0).ToList();
        foreach (var chunk in rows.Chunk(RowsPerStatement))
        {
            var key = withOrigin
                ? "\"Day\", \"OriginDay\", \"BankCode\", \"PartnerAccountId\", \"Currency\", \"Bucket\""
                : "\"Day\", \"BankCode\", \"PartnerAccountId\", \"Currency\", \"Bucket\"";
            var sql = new StringBuilder($"INSERT INTO \"{table}\" ({key}, \"Count\", \"AmountMinor\") VALUES ");
            var parameters = new List<object>(chunk.Length * 8);
            foreach (var ((day, originDay, bank, partner, currency, bucket), (count, amount)) in chunk)
            {
                sql.Append(parameters.Count == 0 ? "(" : ", (");
                object[] values = withOrigin
                    ? [day, originDay, bank, partner, currency, bucket.ToString(), count, amount]
                    : [day, bank, partner, currency, bucket.ToString(), count, amount];
                sql.AppendJoin(", ", values.Select((_, i) => $"{{{parameters.Count + i}}}"));
                sql.Append(')');
                parameters.AddRange(values);
            }

            sql.Append($" ON CONFLICT ({key}) DO UPDATE SET \"Count\" = \"{table}\".\"Count\" + excluded.\"Count\", " +
                       $"\"AmountMinor\" = \"{table}\".\"AmountMinor\" + excluded.\"AmountMinor\"");
            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
        }
    }
}
