using System.Text.Json;
using System.Text.Json.Serialization;

namespace MoMo.Portal.Reconciliation;

/// <summary>
/// How one bank's CSV statements read: the columns by their header names, the separators and the date format. Kept per
/// bank as JSON (<c>bank set --statement-csv-mapping FILE</c>), for example:
/// <code>{"delimiter": ";", "decimal_separator": ",", "date_format": "dd.MM.yyyy", "booking_date": "Buchungstag",
/// "amount": "Betrag", "currency": "Waehrung", "references": ["Referenz"], "counterparty": "Auftraggeber"}</code>
/// Without <see cref="CreditDebit"/> the amount is signed (negative: a debit).
/// </summary>
public sealed record CsvStatementMapping
{
    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public string Delimiter { get; init; } = ",";
    public string DecimalSeparator { get; init; } = ".";
    public string DateFormat { get; init; } = "yyyy-MM-dd";
    public string BookingDate { get; init; } = "";
    public string? ValueDate { get; init; }
    public string Amount { get; init; } = "";

    /// <summary>The currency column; or <see cref="FixedCurrency"/> for files in one currency.</summary>
    public string? Currency { get; init; }

    public string? FixedCurrency { get; init; }

    /// <summary>A column telling credit from debit, and the value that means credit (anything else is a debit).</summary>
    public string? CreditDebit { get; init; }

    public string CreditValue { get; init; } = "C";

    /// <summary>Columns whose values a payment's transaction id may equal, most specific first.</summary>
    public string[] References { get; init; } = [];

    public string? Counterparty { get; init; }
    public string? Description { get; init; }

    /// <summary>The mapping in <paramref name="json"/>, or why it is not one.</summary>
    public static (CsvStatementMapping? Mapping, string? Error) Parse(string json)
    {
        CsvStatementMapping? mapping;
        try
        {
            mapping = JsonSerializer.Deserialize<CsvStatementMapping>(json, Json);
        }
        catch (JsonException exception)
        {
            return (null, $"The CSV mapping is not valid JSON for a mapping: {exception.Message}");
        }

        return mapping switch
        {
            null => (null, "The CSV mapping is empty."),
            { BookingDate: "" } or { Amount: "" } => (null, "The CSV mapping must name the booking_date and amount columns."),
            { Currency: null, FixedCurrency: null } => (null, "The CSV mapping must name a currency column or give a fixed_currency."),
            { Delimiter.Length: not 1 } or { DecimalSeparator: not ("." or ",") } =>
                (null, "delimiter must be one character and decimal_separator '.' or ','."),
            _ => (mapping, null),
        };
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
