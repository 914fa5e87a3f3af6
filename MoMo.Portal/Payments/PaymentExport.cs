using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;

namespace MoMo.Portal.Payments;

/// <summary>
/// <c>GET /payments/export.csv</c>: exactly the payments the list shows for the same filter, streamed row by row so
/// a million payments never sit in memory at once.
/// </summary>
internal static class PaymentExport
{
    private const string Header =
        "id,received_at_utc,payment_bank_date_utc,bank_code,transaction_id,reference_number,account_number,amount,currency,status,held,attempts,last_error";

    public static void MapPaymentExport(this WebApplication app) =>
        app.MapGet("/payments/export.csv", async (HttpContext http, IDbContextFactory<PortalDbContext> dbFactory,
            TimeProvider clock, CancellationToken cancellationToken) =>
        {
            var filter = PaymentFilter.FromQuery(http.Request.Query.ToDictionary(q => q.Key, q => (string?)q.Value.ToString()));
            http.Response.ContentType = "text/csv; charset=utf-8";
            // Payment data must not stay in a browser's or a proxy's cache on a shared back-office PC.
            http.Response.Headers.CacheControl = "no-store";
            http.Response.Headers.ContentDisposition =
                $"attachment; filename=\"payments-{clock.GetUtcNow():yyyyMMdd-HHmmss}.csv\"";

            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), bufferSize: 64 * 1024);
            await writer.WriteLineAsync(Header);
            var keys = await PaymentKeys.ReadAsync(db, cancellationToken);
            var rows = PaymentRow.Sort(filter.Apply(db.Payments.AsNoTracking(), db.Partners, keys), null, descending: true)
                .Select(PaymentRow.Projection(db.Partners)).AsAsyncEnumerable();
            await foreach (var row in rows.WithCancellation(cancellationToken))
            {
                await writer.WriteLineAsync(string.Join(',',
                    row.Id.ToString(CultureInfo.InvariantCulture), Time(row.ReceivedAtUtc), Time(row.BankDateUtc),
                    Cell(row.BankCode), Cell(row.BankReference), Cell(row.PayerId), Cell(row.PartnerAccountId), row.Amount,
                    row.Currency, row.Status.ToString(), row.Held ? "true" : "false",
                    row.AttemptCount.ToString(CultureInfo.InvariantCulture), Cell(row.LastError)));
            }
        }).WithName("ExportPayments").ExcludeFromDescription();

    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>
    /// RFC 4180 quoting, and a leading apostrophe for text a spreadsheet would run as a formula: ids come from banks,
    /// and a bank's "=HYPERLINK(...)" must stay text on a back-office PC.
    /// </summary>
    internal static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        // OWASP's advice for CSV injection: prefix and quote, so no spreadsheet reads the cell as anything but text.
        var formula = value[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
        if (formula)
        {
            value = "'" + value;
        }

        return formula || value.AsSpan().IndexOfAny(",\"\r\n") >= 0
            ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\""
            : value;
    }
}
