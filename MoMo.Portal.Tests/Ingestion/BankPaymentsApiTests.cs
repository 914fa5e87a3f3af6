using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Ingestion;
using MoMo.Portal.Payments;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Ingestion;

/// <summary>The bank API's contract, the same on both database providers.</summary>
public abstract class BankPaymentsApiTests(PortalFactory portal)
{
    private readonly HttpClient _client = portal.CreateClient();
    [Fact]
    public async Task Post_valid_payment_returns_201_with_location_and_commits_it_with_its_proof()
    {
        var body = BankRequests.Body(amount: "55.10", transactionId: "T-201");

        var response = await _client.SendAsync(BankRequests.Post(body, portal.BankApiKey), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.JsonAsync();
        var id = json.GetProperty("id").GetInt64();
        Assert.Equal($"/api/v1/banks/{PortalFactory.BankCode}/payments/{id}", response.Headers.Location?.ToString());
        Assert.Equal("55.10", json.GetProperty("amount").GetString());
        Assert.Equal("received", json.GetProperty("status").GetString());
        Assert.Equal("T-201", json.GetProperty("transaction_id").GetString());

        await using var db = portal.CreateDbContext();
        var payment = await db.Payments.SingleAsync(p => p.Id == id, Ct);
        Assert.Equal(5510, payment.AmountMinor);
        Assert.Equal("USD", payment.Currency);
        Assert.Equal(PaymentStatus.Received, payment.Status);
        Assert.Equal(PortalFactory.PayerId, payment.PayerId);
        Assert.Equal(PortalFactory.PartnerId, payment.PartnerAccountId);

        var proof = await db.RequestProofs.SingleAsync(p => p.Key == payment.ProofKey, Ct);
        Assert.Equal(body, Encoding.UTF8.GetString(proof.Body));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(body))), proof.BodySha256);
        Assert.Equal("POST", proof.Method);
        Assert.Contains("\"X-Api-Key\":\"[redacted]\"", proof.HeadersJson, StringComparison.Ordinal);
        Assert.DoesNotContain(portal.BankApiKey, proof.HeadersJson, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X-Bank-Token")]
    [InlineData("X-Client-Secret")]
    [InlineData("Proxy-Authorization")]
    [InlineData("X-Upstream-Auth-Id")]
    [InlineData("Cookie")]
    public async Task Credential_looking_headers_are_redacted_in_the_proof(string header)
    {
        using var request = BankRequests.Post(BankRequests.Body(), portal.BankApiKey);
        request.Headers.TryAddWithoutValidation(header, "s3cr3t-value-9f8e7d");

        var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await using var db = portal.CreateDbContext();
        var id = (await response.JsonAsync()).GetProperty("id").GetInt64();
        var proofKey = (await db.Payments.SingleAsync(p => p.Id == id, Ct)).ProofKey;
        var headers = (await db.RequestProofs.SingleAsync(p => p.Key == proofKey, Ct)).HeadersJson;
        Assert.DoesNotContain("s3cr3t-value-9f8e7d", headers, StringComparison.Ordinal);
        Assert.Contains($"\"{header}\":\"[redacted]\"", headers, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Original_africa_bank_route_accepts_the_original_body()
    {
        var banks = portal.Services.GetRequiredService<MoMo.Portal.Banks.BankService>();
        var created = await banks.CreateAsync("africa_bank", "Africa Bank", null, "test", Ct);
        var request = BankRequests.Post(
            """{"reference_number":"payer-1","account_number":"merchant-1","amount":"55","currency":"USD"}""",
            created.Value!.ApiKey);
        request.RequestUri = new Uri("/africa_bank", UriKind.Relative);

        var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal("africa_bank", json.GetProperty("bank_code").GetString());
        Assert.Equal("55.00", json.GetProperty("amount").GetString());
    }

    [Theory]
    [InlineData("55", "USD", 5500)]
    [InlineData("55.1", "USD", 5510)]
    [InlineData("55.10", "USD", 5510)]
    [InlineData("0.01", "USD", 1)]
    [InlineData("250000", "UGX", 250000)]
    [InlineData("1.234", "KWD", 1234)]
    [InlineData("9999999999999.99", "USD", 999999999999999)]
    public async Task Amount_as_a_string_is_stored_exactly_in_minor_units(string amount, string currency, long minor)
    {
        var response = await _client.SendAsync(BankRequests.Post(BankRequests.Body(amount: amount, currency: currency), portal.BankApiKey), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await using var db = portal.CreateDbContext();
        var id = (await response.JsonAsync()).GetProperty("id").GetInt64();
        Assert.Equal(minor, (await db.Payments.SingleAsync(p => p.Id == id, Ct)).AmountMinor);
    }

    [Theory]
    [InlineData("55", 5500)]
    [InlineData("55.10", 5510)]
    [InlineData("0.3", 30)]
    public async Task Amount_as_a_JSON_number_keeps_the_digits_the_bank_wrote(string number, long minor)
    {
        var body = $$"""{"reference_number":"payer-1","account_number":"merchant-1","amount":{{number}},"currency":"USD"}""";

        var response = await _client.SendAsync(BankRequests.Post(body, portal.BankApiKey), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await using var db = portal.CreateDbContext();
        var id = (await response.JsonAsync()).GetProperty("id").GetInt64();
        Assert.Equal(minor, (await db.Payments.SingleAsync(p => p.Id == id, Ct)).AmountMinor);
    }

    [Theory]
    [InlineData("\"55.123\"", "USD")]
    [InlineData("\"55.5\"", "UGX")]
    [InlineData("\"1.2345\"", "KWD")]
    [InlineData("\"0\"", "USD")]
    [InlineData("0", "USD")]
    [InlineData("\"0.00\"", "USD")]
    [InlineData("-5", "USD")]
    [InlineData("\"-5\"", "USD")]
    [InlineData("\"+5\"", "USD")]
    [InlineData("1e3", "USD")]
    [InlineData("\"1E3\"", "USD")]
    [InlineData("\"NaN\"", "USD")]
    [InlineData("\"Infinity\"", "USD")]
    [InlineData("\" 55\"", "USD")]
    [InlineData("\"55 \"", "USD")]
    [InlineData("\"1,000\"", "USD")]
    [InlineData("\"055\"", "USD")]
    [InlineData("\".5\"", "USD")]
    [InlineData("\"5.\"", "USD")]
    [InlineData("\"\"", "USD")]
    [InlineData("\"١٢\"", "USD")]
    [InlineData("\"10000000000000\"", "USD")]
    [InlineData("12345678901234567890", "UGX")]
    [InlineData("true", "USD")]
    [InlineData("[55]", "USD")]
    [InlineData("null", "USD")]
    public async Task Bad_amount_is_refused_with_400_naming_amount_and_nothing_is_stored(string amountJson, string currency)
    {
        var body = $$"""{"reference_number":"payer-1","account_number":"merchant-1","amount":{{amountJson}},"currency":"{{currency}}"}""";
        var before = await CountPaymentsAsync();

        var response = await _client.SendAsync(BankRequests.Post(body, portal.BankApiKey), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("amount", out var amountErrors), problem.ToString());
        Assert.StartsWith("amount ", amountErrors[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await CountPaymentsAsync());
    }

    [Fact]
    public async Task Every_invalid_field_is_reported_at_once()
    {
        var body = """
            {"reference_number":"","account_number":42,"amount":"1.001","currency":"usd","payment_bank_date":"2026-11-27T10:00:00","colour":"red"}
            """;

        var response = await _client.SendAsync(BankRequests.Post(body, portal.BankApiKey), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        var fields = errors.EnumerateObject().Select(p => p.Name).Order().ToArray();
        Assert.Equal(["account_number", "colour", "currency", "payment_bank_date", "reference_number"], fields);
        Assert.Contains("'USD'", errors.GetProperty("currency")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("time zone", errors.GetProperty("payment_bank_date")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_lone_surrogate_escape_is_a_validation_error_not_a_crash()
    {
        var body = """{"reference_number":"\ud800","account_number":"merchant-1","amount":"\udfff","currency":"USD"}""";

        var response = await _client.SendAsync(BankRequests.Post(body, portal.BankApiKey), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.Contains("not valid text", errors.GetProperty("reference_number")[0].GetString(), StringComparison.Ordinal);
        Assert.True(errors.TryGetProperty("amount", out _));
    }

    [Theory]
    [InlineData("7B22FFFE223A317D")] // {"<FF FE>":1}: not UTF-8 inside a property name
    [InlineData("7B22C0AF223A317D")] // an overlong encoding of '/' as a name
    [InlineData("7B22EDA080223A317D")] // a surrogate encoded as UTF-8
    [InlineData("7B2263757272656E6379223A2255FF44227D")] // {"currency":"U<FF>D"}: inside a value
    [InlineData("7B225C7564383030223A317D")] // {"\ud800":1}: a lone surrogate escape as a name
    [InlineData("7B225C75303030305C7564666666223A317D")] // {"\u0000\udfff":1}
    public async Task Malformed_text_anywhere_in_the_body_is_a_400_problem_with_its_proof_kept(string hex)
    {
        var body = Convert.FromHexString(hex);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/banks/{PortalFactory.BankCode}/payments")
        {
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Headers.Add("X-Api-Key", portal.BankApiKey);

        var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("malformed_json", (await response.JsonAsync()).GetProperty("code").GetString());
        await using var db = portal.CreateDbContext();
        var record = await db.IntakeRecords.OrderBy(r => r.Id).LastAsync(Ct);
        Assert.Equal(400, record.StatusCode);
        var proof = await db.RequestProofs.SingleAsync(p => p.Key == record.ProofKey, Ct);
        Assert.Equal(body, proof.Body);
    }

    [Fact]
    public async Task Missing_required_fields_are_each_named()
    {
        var response = await _client.SendAsync(BankRequests.Post("{}", portal.BankApiKey), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var fields = (await response.JsonAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["account_number", "amount", "currency", "reference_number"], fields);
    }

    [Fact]
    public async Task Payment_bank_date_with_an_offset_is_stored_in_utc()
    {
        var body = """{"reference_number":"payer-1","account_number":"merchant-1","amount":"5","currency":"USD","payment_bank_date":"2026-01-15T09:30:00+03:00"}""";

        var response = await _client.SendAsync(BankRequests.Post(body, portal.BankApiKey), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await using var db = portal.CreateDbContext();
        var id = (await response.JsonAsync()).GetProperty("id").GetInt64();
        var stored = await db.Payments.SingleAsync(p => p.Id == id, Ct);
        Assert.Equal(new DateTime(2026, 1, 15, 6, 30, 0, DateTimeKind.Utc), stored.BankDateUtc);
        Assert.Equal(DateTimeKind.Utc, stored.BankDateUtc.Kind);
    }

    [Fact]
    public async Task Duplicate_json_property_is_malformed()
    {
        var body = """{"reference_number":"payer-1","account_number":"merchant-1","amount":"5","amount":"500","currency":"USD"}""";

        var response = await _client.SendAsync(BankRequests.Post(body, portal.BankApiKey), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("malformed_json", (await response.JsonAsync()).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("{\"reference_number\":")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("\"a string\"")]
    [InlineData("")]
    public async Task Malformed_body_returns_400_problem(string body)
    {
        var response = await _client.SendAsync(BankRequests.Post(body, portal.BankApiKey), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal("malformed_json", problem.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=utf-16")]
    public async Task Non_json_content_type_returns_415_and_keeps_the_proof(string contentType)
    {
        var body = BankRequests.Body(transactionId: "T-415-" + contentType.GetHashCode(StringComparison.Ordinal));

        var response = await _client.SendAsync(BankRequests.Post(body, portal.BankApiKey, contentType: contentType), Ct);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await using var db = portal.CreateDbContext();
        var record = await db.IntakeRecords.OrderBy(r => r.Id).LastAsync(Ct);
        Assert.Equal(415, record.StatusCode);
        Assert.Equal(IntakeOutcome.Rejected, record.Outcome);
        var proof = await db.RequestProofs.SingleAsync(p => p.Key == record.ProofKey, Ct);
        Assert.Equal(body, Encoding.UTF8.GetString(proof.Body));
        Assert.Equal(contentType, proof.ContentType);
    }

    [Fact]
    public async Task Vendor_json_content_type_is_accepted()
    {
        var response = await _client.SendAsync(
            BankRequests.Post(BankRequests.Body(), portal.BankApiKey, contentType: "application/vnd.bank+json; charset=utf-8"), Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Body_over_64_KiB_returns_413_and_keeps_the_first_64_KiB_as_proof()
    {
        var body = $$"""{"reference_number":"payer-1","account_number":"merchant-1","amount":"5","currency":"USD","pad":"{{new string('x', 70_000)}}"}""";

        var response = await _client.SendAsync(BankRequests.Post(body, portal.BankApiKey), Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("body_too_large", (await response.JsonAsync()).GetProperty("code").GetString());
        await using var db = portal.CreateDbContext();
        var record = await db.IntakeRecords.OrderBy(r => r.Id).LastAsync(Ct);
        Assert.Equal(413, record.StatusCode);
        var proof = await db.RequestProofs.SingleAsync(p => p.Key == record.ProofKey, Ct);
        Assert.True(proof.BodyTruncated);
        Assert.Equal(IngestionService.MaxBodyBytes, proof.Body.Length);
    }

    [Fact]
    public async Task Missing_api_key_returns_401_and_the_attempt_is_in_the_intake_log()
    {
        var response = await _client.SendAsync(BankRequests.Post(BankRequests.Body(), apiKey: null), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal("api_key_missing", problem.GetProperty("code").GetString());
        Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await using var db = portal.CreateDbContext();
        Assert.Equal(401, (await db.IntakeRecords.OrderBy(r => r.Id).LastAsync(Ct)).StatusCode);
    }

    [Theory]
    [InlineData(PortalFactory.BankCode, "mbk_wrong-key-that-is-long-enough")]
    [InlineData("no_such_bank", "mbk_wrong-key-that-is-long-enough")]
    public async Task Wrong_key_or_unknown_bank_returns_401(string bankCode, string key)
    {
        var response = await _client.SendAsync(BankRequests.Post(BankRequests.Body(), key, bankCode), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("api_key_invalid", (await response.JsonAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Another_banks_key_is_not_accepted()
    {
        var response = await _client.SendAsync(BankRequests.Post(BankRequests.Body(), portal.OtherBankApiKey), Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Disabled_bank_returns_403()
    {
        var response = await _client.SendAsync(
            BankRequests.Post(BankRequests.Body(), portal.DisabledBankApiKey, PortalFactory.DisabledBankCode), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("bank_disabled", (await response.JsonAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Unknown_partner_returns_422_naming_it_and_keeps_the_proof()
    {
        var body = BankRequests.Body(partner: "merchant-404");
        var before = await CountPaymentsAsync();

        var response = await _client.SendAsync(BankRequests.Post(body, portal.BankApiKey), Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await response.JsonAsync();
        Assert.Equal("unknown_reference", problem.GetProperty("code").GetString());
        Assert.Contains("'merchant-404'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.GetProperty("errors").TryGetProperty("account_number", out _));
        Assert.False(problem.GetProperty("errors").TryGetProperty("reference_number", out _));
        Assert.Equal(before, await CountPaymentsAsync());

        await using var db = portal.CreateDbContext();
        var record = await db.IntakeRecords.OrderBy(r => r.Id).LastAsync(Ct);
        Assert.Equal(422, record.StatusCode);
        Assert.Contains("merchant-404", record.Reason, StringComparison.Ordinal);
        Assert.Equal(body, Encoding.UTF8.GetString((await db.RequestProofs.SingleAsync(p => p.Key == record.ProofKey, Ct)).Body));
    }

    [Fact]
    public async Task Unknown_payer_and_partner_are_both_named()
    {
        var response = await _client.SendAsync(BankRequests.Post(BankRequests.Body(payer: "who", partner: "what"), portal.BankApiKey), Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var detail = (await response.JsonAsync()).GetProperty("detail").GetString()!;
        Assert.Contains("'who'", detail, StringComparison.Ordinal);
        Assert.Contains("'what'", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Same_transaction_id_and_body_returns_200_with_the_original_payment()
    {
        var body = BankRequests.Body(transactionId: "T-repeat");
        var first = await _client.SendAsync(BankRequests.Post(body, portal.BankApiKey), Ct);
        // The same payment written differently (other order, spacing, number instead of string) is the same request.
        var reworded = """{ "currency": "USD", "amount": 55.1, "transaction_id": "T-repeat", "account_number": "merchant-1", "reference_number": "payer-1" }""";

        var second = await _client.SendAsync(BankRequests.Post(reworded, portal.BankApiKey), Ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((await first.JsonAsync()).GetProperty("id").GetInt64(), (await second.JsonAsync()).GetProperty("id").GetInt64());
        await using var db = portal.CreateDbContext();
        Assert.Equal(1, await db.Payments.CountAsync(p => p.BankReference == "T-repeat", Ct));
        var record = await db.IntakeRecords.OrderBy(r => r.Id).LastAsync(Ct);
        Assert.Equal(IntakeOutcome.Replayed, record.Outcome);
    }

    [Fact]
    public async Task Same_transaction_id_with_a_different_body_returns_409()
    {
        await _client.SendAsync(BankRequests.Post(BankRequests.Body(amount: "10", transactionId: "T-409"), portal.BankApiKey), Ct);

        var response = await _client.SendAsync(BankRequests.Post(BankRequests.Body(amount: "11", transactionId: "T-409"), portal.BankApiKey), Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("transaction_id_conflict", (await response.JsonAsync()).GetProperty("code").GetString());
        await using var db = portal.CreateDbContext();
        Assert.Equal(1000, (await db.Payments.SingleAsync(p => p.BankReference == "T-409", Ct)).AmountMinor);
    }

    [Fact]
    public async Task Same_transaction_id_at_two_banks_is_two_payments()
    {
        var body = BankRequests.Body(transactionId: "T-shared");

        var mine = await _client.SendAsync(BankRequests.Post(body, portal.BankApiKey), Ct);
        var theirs = await _client.SendAsync(BankRequests.Post(body, portal.OtherBankApiKey, PortalFactory.OtherBankCode), Ct);

        Assert.Equal(HttpStatusCode.Created, mine.StatusCode);
        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
    }

    [Fact]
    public async Task Idempotency_key_header_works_like_transaction_id()
    {
        var body = BankRequests.Body(amount: "7");

        var first = await _client.SendAsync(BankRequests.Post(body, portal.BankApiKey, idempotencyKey: "IK-1"), Ct);
        var second = await _client.SendAsync(BankRequests.Post(body, portal.BankApiKey, idempotencyKey: "IK-1"), Ct);
        var changed = await _client.SendAsync(BankRequests.Post(BankRequests.Body(amount: "8"), portal.BankApiKey, idempotencyKey: "IK-1"), Ct);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        Assert.Equal("IK-1", (await first.JsonAsync()).GetProperty("transaction_id").GetString());
    }

    [Fact]
    public async Task Idempotency_key_that_differs_from_transaction_id_is_a_validation_error()
    {
        var response = await _client.SendAsync(
            BankRequests.Post(BankRequests.Body(transactionId: "A"), portal.BankApiKey, idempotencyKey: "B"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("Idempotency-Key", out _));
    }

    [Fact]
    public async Task Fifty_racing_requests_with_one_transaction_id_store_one_payment()
    {
        var body = BankRequests.Body(amount: "99.99", transactionId: "T-race");

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            _client.SendAsync(BankRequests.Post(body, portal.BankApiKey), Ct)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(49, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var ids = await Task.WhenAll(responses.Select(async r => (await r.JsonAsync()).GetProperty("id").GetInt64()));
        Assert.Single(ids.Distinct());
        await using var db = portal.CreateDbContext();
        Assert.Equal(1, await db.Payments.CountAsync(p => p.BankReference == "T-race", Ct));
    }

    [Fact]
    public async Task Get_returns_the_banks_own_payment_with_its_status()
    {
        var created = await _client.SendAsync(BankRequests.Post(BankRequests.Body(amount: "12.5"), portal.BankApiKey), Ct);
        var location = created.Headers.Location!;

        var request = new HttpRequestMessage(HttpMethod.Get, location);
        request.Headers.Add("X-Api-Key", portal.BankApiKey);
        var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.JsonAsync();
        Assert.Equal("12.50", json.GetProperty("amount").GetString());
        Assert.Equal("received", json.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Get_of_another_banks_payment_is_404_and_without_a_key_is_401()
    {
        var created = await _client.SendAsync(BankRequests.Post(BankRequests.Body(), portal.BankApiKey), Ct);
        var id = (await created.JsonAsync()).GetProperty("id").GetInt64();

        var asOther = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/banks/{PortalFactory.OtherBankCode}/payments/{id}");
        asOther.Headers.Add("X-Api-Key", portal.OtherBankApiKey);
        var crossBank = await _client.SendAsync(asOther, Ct);
        var anonymous = await _client.GetAsync($"/api/v1/banks/{PortalFactory.BankCode}/payments/{id}", Ct);

        Assert.Equal(HttpStatusCode.NotFound, crossBank.StatusCode);
        Assert.Equal("payment_not_found", (await crossBank.JsonAsync()).GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_describes_the_bank_api()
    {
        var document = await _client.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct);

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/africa_bank", out _));
        var post = paths.GetProperty("/api/v1/banks/{bankCode}/payments").GetProperty("post");
        Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _));
        Assert.True(post.GetProperty("responses").TryGetProperty("422", out _));
        Assert.True(paths.TryGetProperty("/api/v1/banks/{bankCode}/payments/{id}", out _));
    }

    private async Task<int> CountPaymentsAsync()
    {
        await using var db = portal.CreateDbContext();
        return await db.Payments.CountAsync(Ct);
    }
}

public sealed class BankPaymentsApiOnSqliteTests(PortalFactory portal) : BankPaymentsApiTests(portal), IClassFixture<PortalFactory>;

public sealed class BankPaymentsApiOnPostgresTests(PostgresPortalFactory portal)
    : BankPaymentsApiTests(PostgresServer.Required(portal)), IClassFixture<PostgresPortalFactory>;
