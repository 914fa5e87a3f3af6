using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using System.Text.RegularExpressions;
using MoMo.Portal.Partners;
using MoMo.Portal.Payers;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// Reads a bank's JSON body strictly: every bad field is reported at once, by the name the bank sent, and nothing
/// passes through a floating-point number.
/// </summary>
public static partial class PaymentInstructionParser
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly string[] s_fields =
        ["reference_number", "account_number", "amount", "currency", "transaction_id", "payment_bank_date"];

    private const string InvalidName = "A property name is not valid text: it holds an unpaired \\u surrogate escape.";

    private static readonly JsonDocumentOptions s_jsonOptions = new() { AllowDuplicateProperties = false, MaxDepth = 8 };

    /// <summary>How far in the future a bank's payment date may lie (clocks differ, time zones confuse).</summary>
    private static readonly TimeSpan s_futureTolerance = TimeSpan.FromDays(1);

    private static readonly DateTime s_earliestBankDate = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static ParseResult Parse(ReadOnlyMemory<byte> body, string? idempotencyKey, DateTime nowUtc)
    {
        // The JSON reader checks the UTF-8 of a string only when the string is read, and a property name that is not
        // UTF-8 then throws far from here: refuse any malformed byte sequence up front, wherever it is.
        if (!Utf8.IsValid(body.Span))
        {
            return new ParseResult.Malformed(
                $"The body is not valid UTF-8: the bytes at offset {InvalidUtf8Offset(body.Span)} are not a UTF-8 character.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, s_jsonOptions);
        }
        catch (JsonException exception)
        {
            return new ParseResult.Malformed($"The body is not valid JSON: {exception.Message}");
        }
        catch (InvalidOperationException)
        {
            // The duplicate-name check decodes every name, and a name whose escapes form no character throws here.
            return new ParseResult.Malformed(InvalidName);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new ParseResult.Malformed(
                    $"The body must be a JSON object with the payment's fields, not {Describe(document.RootElement.ValueKind)}.");
            }

            return Validate(document.RootElement, idempotencyKey, nowUtc);
        }
    }

    private static ParseResult Validate(JsonElement body, string? idempotencyKey, DateTime nowUtc)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Fail(string field, string message) => errors[field] = [$"{field} {message}"];

        foreach (var property in body.EnumerateObject())
        {
            if (NameOf(property) is not { } name)
            {
                return new ParseResult.Malformed(InvalidName);
            }

            if (!s_fields.Contains(name, StringComparer.Ordinal))
            {
                Fail(name, $"is not a payment field; the fields are {string.Join(", ", s_fields)}.");
            }
        }

        var payerId = RequiredId(body, "reference_number", Payer.MaxIdLength, Fail);
        var partnerId = RequiredId(body, "account_number", Partner.MaxAccountIdLength, Fail);
        var currency = ReadCurrency(body, Fail);
        var amountMinor = ReadAmount(body, currency, Fail);
        var bankReference = ReadBankReference(body, idempotencyKey, Fail);
        var bankDate = ReadBankDate(body, nowUtc, Fail);

        if (errors.Count > 0)
        {
            return new ParseResult.Invalid(errors);
        }

        return new ParseResult.Valid(new PaymentInstruction(payerId!, partnerId!, amountMinor, currency!, bankReference, bankDate));
    }

    private static string? RequiredId(JsonElement body, string field, int maxLength, Action<string, string> fail)
    {
        if (ReadString(body, field, required: true, fail) is not { } value)
        {
            return null;
        }

        if (Identifiers.Check(value, maxLength) is { } error)
        {
            fail(field, error);
            return null;
        }

        return value;
    }

    private static string? ReadCurrency(JsonElement body, Action<string, string> fail)
    {
        if (ReadString(body, "currency", required: true, fail) is not { } code)
        {
            return null;
        }

        if (Currencies.IsKnown(code))
        {
            return code;
        }

        fail("currency", Currencies.IsKnown(code.ToUpperInvariant())
            ? $"must be written in capitals: '{code.ToUpperInvariant()}'."
            : $"'{Shorten(code)}' is not an ISO 4217 currency code (e.g. USD, UGX, KES).");
        return null;
    }

    private static long ReadAmount(JsonElement body, string? currency, Action<string, string> fail)
    {
        if (!body.TryGetProperty("amount", out var amount) || amount.ValueKind == JsonValueKind.Null)
        {
            fail("amount", "is required.");
            return 0;
        }

        // The number's own text, exactly as the bank wrote it: "55.10" stays 5510 cents, never 55.099999...
        var text = amount.ValueKind switch
        {
            JsonValueKind.Number => amount.GetRawText(),
            JsonValueKind.String => TextOf(amount),
            _ => null,
        };
        if (text is null)
        {
            fail("amount", $"must be a number or a numeric string, not {Describe(amount.ValueKind)}.");
            return 0;
        }

        // Without a valid currency the decimals cannot be judged; check the form with the loosest currency.
        if (!Money.TryParse(text, currency ?? "the currency", currency is null ? 4 : MinorUnits(currency), out var minor, out var error))
        {
            fail("amount", error);
        }

        return minor;
    }

    private static int MinorUnits(string currency) => Currencies.TryGetMinorUnits(currency, out var units) ? units : 2;

    private static string? ReadBankReference(JsonElement body, string? idempotencyKey, Action<string, string> fail)
    {
        var transactionId = ReadString(body, "transaction_id", required: false, fail);
        if (transactionId is not null && Identifiers.Check(transactionId, Payment.MaxBankReferenceLength) is { } error)
        {
            fail("transaction_id", error);
            return null;
        }

        if (idempotencyKey is null)
        {
            return transactionId;
        }

        if (Identifiers.Check(idempotencyKey, Payment.MaxBankReferenceLength) is { } headerError)
        {
            fail(IdempotencyKeyHeader, headerError);
            return null;
        }

        if (transactionId is not null && transactionId != idempotencyKey)
        {
            fail(IdempotencyKeyHeader, "differs from transaction_id in the body; send one of them, or the same value in both.");
            return null;
        }

        return idempotencyKey;
    }

    private static DateTime? ReadBankDate(JsonElement body, DateTime nowUtc, Action<string, string> fail)
    {
        if (ReadString(body, "payment_bank_date", required: false, fail) is not { } text)
        {
            return null;
        }

        var match = Iso8601().Match(text);
        if (!match.Success)
        {
            fail("payment_bank_date", "must be an ISO 8601 date or date-time, e.g. 2026-11-27 or 2026-11-27T09:30:00+03:00.");
            return null;
        }

        if (match.Groups["time"].Success && !match.Groups["zone"].Success)
        {
            fail("payment_bank_date", "needs a time zone: end it with Z (UTC) or an offset such as +03:00.");
            return null;
        }

        if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            fail("payment_bank_date", $"'{Shorten(text)}' is not a real date.");
            return null;
        }

        var utc = parsed.UtcDateTime;
        if (utc > nowUtc + s_futureTolerance || utc < s_earliestBankDate)
        {
            fail("payment_bank_date", "is out of range: it must lie between 2000-01-01 and tomorrow.");
            return null;
        }

        return utc;
    }

    private static string? ReadString(JsonElement body, string field, bool required, Action<string, string> fail)
    {
        if (!body.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                fail(field, "is required.");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            fail(field, $"must be a string, not {Describe(value.ValueKind)}.");
            return null;
        }

        if (TextOf(value) is not { } text)
        {
            fail(field, "is not valid text: it holds an unpaired \\u surrogate escape.");
            return null;
        }

        return text;
    }

    /// <summary>The string's text, or null when its escapes do not form valid Unicode (a lone "\ud800").</summary>
    private static string? TextOf(JsonElement value)
    {
        try
        {
            return value.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>The property's name, or null when its escapes do not form valid Unicode (<c>{"\ud800": 1}</c>).</summary>
    private static string? NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static int InvalidUtf8Offset(ReadOnlySpan<byte> body)
    {
        var offset = 0;
        while (offset < body.Length)
        {
            if (Rune.DecodeFromUtf8(body[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return offset;
            }

            offset += consumed;
        }

        return offset;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    [GeneratedRegex(
        @"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?<time>T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?(?<zone>Z|[+-][0-9]{2}:[0-9]{2})?)?\z",
        RegexOptions.CultureInvariant)]
    private static partial Regex Iso8601();
}

/// <summary>What <see cref="PaymentInstructionParser"/> made of a body.</summary>
public abstract record ParseResult
{
    public sealed record Valid(PaymentInstruction Instruction) : ParseResult;

    /// <summary>Not JSON, or not a JSON object.</summary>
    public sealed record Malformed(string Detail) : ParseResult;

    /// <summary>A JSON object with bad fields: every problem, keyed by the field's name.</summary>
    public sealed record Invalid(IDictionary<string, string[]> Errors) : ParseResult;
}
