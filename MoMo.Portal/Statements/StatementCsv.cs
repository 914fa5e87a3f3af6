using System.Globalization;
using CsvHelper;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Statements;

/// <summary>
/// A statement as RFC 4180 CSV (CsvHelper: CRLF line ends, quoting where needed, formula-looking text escaped for
/// spreadsheets). One table: a row per payment, then a total per currency, then the adjustments and their totals; every
/// value comes from the statement, so the same statement gives the same bytes.
/// </summary>
public static class StatementCsv
{
    private static readonly string[] s_header =
        ["section", "business_day", "payment_id", "transaction_id", "payer", "amount", "currency", "received_at_utc",
         "delivered_at_utc", "delivery_id", "count"];

    public static byte[] Write(PartnerStatement statement)
    {
        using var buffer = new MemoryStream();
        using (var csv = CsvWriter.Create(buffer, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true))
        {
            Row(csv, s_header);
            foreach (var adjustments in new[] { false, true })
            {
                var section = adjustments ? "adjustment" : "payment";
                foreach (var line in statement.Lines.Where(l => l.Adjustment == adjustments))
                {
                    Row(csv, section, Day(line.Day), line.PaymentId.ToString(CultureInfo.InvariantCulture), line.TransactionId ?? "",
                        line.PayerId, Money.Format(line.AmountMinor, line.Currency), line.Currency, Time(line.ReceivedAtUtc),
                        Time(line.DeliveredAtUtc), line.DeliveryId, "1");
                }

                foreach (var (currency, count, amount) in statement.Totals(adjustments))
                {
                    Row(csv, section + "_total", "", "", "", "", Money.Format(amount, currency), currency, "", "", "",
                        count.ToString(CultureInfo.InvariantCulture));
                }
            }
        }

        return buffer.ToArray();
    }

    /// <summary>The file name a partner gets: partner, period and the cut of its adjustments.</summary>
    public static string FileName(PartnerStatement statement) =>
        $"statement-{statement.PartnerAccountId}-{Day(statement.From)}-{Day(statement.To)}.csv";

    private static void Row(CsvWriter csv, params string[] fields) => csv.WriteRecord(fields);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
