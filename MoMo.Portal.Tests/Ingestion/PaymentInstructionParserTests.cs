using System.Text;
using MoMo.Portal.Ingestion;

namespace MoMo.Portal.Tests.Ingestion;

/// <summary>The bank request parser on its own, byte for byte: the rules every way in (the API, a statement entry) shares.</summary>
public sealed class PaymentInstructionParserTests
{
    private static readonly DateTime s_now = new(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc);

    private static ParseResult Parse(string json, string? idempotencyKey = null) =>
        PaymentInstructionParser.Parse(Encoding.UTF8.GetBytes(json), idempotencyKey, s_now);

    [Fact]
    public void A_valid_request_keeps_the_amount_exact_in_minor_units_and_the_bank_date_in_utc()
    {
        var result = Parse("""
            {"reference_number":"payer-1","account_number":"shop","amount":"55.10","currency":"USD","transaction_id":"T-9",
             "payment_bank_date":"2026-12-01T09:30:00+03:00"}
            """);

        var instruction = Assert.IsType<ParseResult.Valid>(result).Instruction;
        Assert.Equal(("payer-1", "shop", 5510L, "USD", "T-9", (DateTime?)new DateTime(2026, 12, 1, 6, 30, 0, DateTimeKind.Utc)),
            (instruction.PayerId, instruction.PartnerAccountId, instruction.AmountMinor, instruction.Currency, instruction.BankReference,
                instruction.BankDateUtc));
    }

    [Fact]
    public void Every_bad_field_is_reported_at_once_by_the_name_the_bank_sent()
    {
        var result = Parse("""{"account_number":"shop","amount":"1.005","currency":"USD","payment_bank_date":"2026-12-01T09:30:00"}""");
        var lowerCase = Parse("""{"reference_number":"p","account_number":"shop","amount":"1.005","currency":"usd"}""");

        var errors = Assert.IsType<ParseResult.Invalid>(result).Errors;
        Assert.Equal(["amount", "payment_bank_date", "reference_number"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("USD", errors["amount"].Single(), StringComparison.Ordinal);
        // Without a valid currency the amount's decimals cannot be judged: only the currency is reported.
        var currency = Assert.Single(Assert.IsType<ParseResult.Invalid>(lowerCase).Errors);
        Assert.Equal("currency", currency.Key);
        Assert.Contains("capitals", currency.Value.Single(), StringComparison.Ordinal);
        Assert.Contains("time zone", errors["payment_bank_date"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Two_amounts_that_mean_the_same_make_the_same_fingerprint_and_another_amount_another()
    {
        static string Fingerprint(string amount) => Assert.IsType<ParseResult.Valid>(Parse(
            $$"""{"reference_number":"p","account_number":"s","amount":{{amount}},"currency":"USD","transaction_id":"T"}""")).Instruction.Fingerprint();

        Assert.Equal(Fingerprint("10.5"), Fingerprint("\"10.50\""));
        Assert.NotEqual(Fingerprint("10.5"), Fingerprint("10.51"));
    }

    [Fact]
    public void An_idempotency_key_that_differs_from_the_transaction_id_is_refused_and_an_equal_one_is_the_reference()
    {
        const string body = """{"reference_number":"p","account_number":"s","amount":1,"currency":"USD","transaction_id":"T-1"}""";

        var differs = Assert.IsType<ParseResult.Invalid>(Parse(body, "T-2"));
        var same = Assert.IsType<ParseResult.Valid>(Parse(body, "T-1"));

        Assert.Contains(PaymentInstructionParser.IdempotencyKeyHeader, differs.Errors.Keys);
        Assert.Equal("T-1", same.Instruction.BankReference);
    }

    [Fact]
    public void Malformed_bodies_are_told_apart_from_invalid_fields()
    {
        Assert.IsType<ParseResult.Malformed>(Parse("{\"amount\": 1,"));
        Assert.IsType<ParseResult.Malformed>(Parse("""{"amount":1,"amount":2}"""));
        Assert.IsType<ParseResult.Malformed>(PaymentInstructionParser.Parse(new byte[] { 0x7B, 0xFF, 0x7D }, null, s_now));
    }
}
