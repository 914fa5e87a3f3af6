using System.Globalization;
using System.Security.Cryptography;
using CsvHelper;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Reconciliation;

/// <summary>
/// Reads a bank's CSV statement with CsvHelper by the bank's <see cref="CsvStatementMapping"/>: one statement per file
/// (its id derived from the file's hash), every row a booked entry. A row that does not fit the mapping refuses the
/// file, naming the row.
/// </summary>
public static class CsvStatementReader
{
    public static CamtReader.Result Read(byte[] content, CsvStatementMapping mapping)
    {
        try
        {
            using var csv = CsvReader.Create(content, new CsvReaderOptions { Separator = mapping.Delimiter[0], HasHeader = true });
            var headers = csv.Headers.ToHashSet(StringComparer.Ordinal);
            var named = new[] { mapping.BookingDate, mapping.ValueDate, mapping.Amount, mapping.Currency, mapping.CreditDebit, mapping.Counterparty, mapping.Description }
                .Concat(mapping.References).OfType<string>();
            if (named.Where(column => !headers.Contains(column)).ToList() is { Count: > 0 } missing)
            {
                return Fail($"The CSV has no column {string.Join(", ", missing.Select(m => $"'{m}'"))} that the bank's mapping names " +
                            $"(its columns: {string.Join(", ", headers)}).");
            }

            var entries = new List<StatementEntry>();
            while (csv.Read())
            {
                var row = csv.RowNumber;
                var text = (string? column) => column is null ? null : csv.GetStringOrNull(column)?.Trim() is { Length: > 0 } v ? v : null;
                if (!DateOnly.TryParseExact(text(mapping.BookingDate), mapping.DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var booked))
                {
                    return Fail($"row {row}: the booking date '{text(mapping.BookingDate)}' is not in the format {mapping.DateFormat}.");
                }

                DateOnly? valued = DateOnly.TryParseExact(text(mapping.ValueDate), mapping.DateFormat, CultureInfo.InvariantCulture,
                    DateTimeStyles.None, out var v) ? v : null;
                var currency = text(mapping.Currency) ?? mapping.FixedCurrency ?? "";
                var amountText = (text(mapping.Amount) ?? "").Replace(mapping.DecimalSeparator == "," ? "." : ",", "", StringComparison.Ordinal)
                    .Replace(',', '.');
                var negative = amountText.StartsWith('-');
                if (!Currencies.TryGetMinorUnits(currency, out var minorUnits))
                {
                    return Fail($"row {row}: '{currency}' is not a currency the portal knows.");
                }

                if (!Money.TryParse(amountText.TrimStart('-', '+'), currency, minorUnits, out var amount, out var error))
                {
                    return Fail($"row {row}: the amount '{text(mapping.Amount)}' {currency} is not exact in {currency}'s minor units ({error}).");
                }

                var references = mapping.References.Select(text).ToArray();
                entries.Add(new StatementEntry
                {
                    EntryIndex = entries.Count + 1, DetailIndex = 0, BookingDate = booked, ValueDate = valued, AmountMinor = amount,
                    Currency = currency, Status = "BOOK",
                    IsCredit = mapping.CreditDebit is { } column ? string.Equals(text(column), mapping.CreditValue, StringComparison.OrdinalIgnoreCase) : !negative,
                    EndToEndId = references.ElementAtOrDefault(0), AccountServicerReference = references.ElementAtOrDefault(1),
                    TransactionId = references.ElementAtOrDefault(2), DebtorName = Clip(text(mapping.Counterparty)), Remittance = Clip(text(mapping.Description)),
                });
            }

            var id = "csv-" + Convert.ToHexStringLower(SHA256.HashData(content))[..16];
            return new CamtReader.Result("csv", [new BankStatement { BankCode = "", StatementId = id, MessageId = id, Entries = entries }], null);
        }
        catch (Exception exception) when (exception is CsvFormatException or CsvValidationException or FormatException)
        {
            return Fail($"The file is not a CSV the mapping can read: {exception.Message}");
        }
    }

    private static string? Clip(string? text) => text is { Length: > StatementEntry.MaxText } ? text[..StatementEntry.MaxText] : text;

    private static CamtReader.Result Fail(string error) => new(null, [], error);
}
