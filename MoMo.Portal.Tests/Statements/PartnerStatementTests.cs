using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Days;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Statements;
using MoMo.Portal.Tests.TestSupport;
using MoMo.Portal.Users;

namespace MoMo.Portal.Tests.Statements;

/// <summary>Partner statements over closed days, built from what never changes, on each database.</summary>
public abstract class PartnerStatementTests(DatabaseProvider provider) : IAsyncLifetime
{
    private PortalFactory _portal = default!;
    private WebhookReceiver _receiver = default!;
    private DateOnly _yesterday;

    private PartnerStatements Statements => _portal.Services.GetRequiredService<PartnerStatements>();

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _portal = PortalFactory.On(provider);
        await _portal.InitializeAsync();
        await _portal.AddWebhookPartnerAsync("shop", _receiver.Url("shop"));
        _yesterday = _portal.Services.GetRequiredService<DayTotalsReader>().Today.AddDays(-1);
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_statement_lists_what_was_delivered_by_the_close_keeps_later_deliveries_apart_and_is_the_same_file_again()
    {
        var delivered = await SeedAsync("12.50", "T-A", errored: false);
        var late = await SeedAsync("7.25", "T-B", errored: true);
        await RouteAsync();
        await _portal.Services.GetRequiredService<DayCloser>().CloseAsync(_yesterday, "test", Ct);
        await using (var db = _portal.CreateDbContext())
        {
            (await db.Payments.SingleAsync(p => p.Id == late, Ct)).ScheduleStaffRetry("ops", DateTime.UtcNow);
            await db.SaveChangesAsync(Ct);
        }

        await RouteAsync();

        var asClosed = StatementCsv.Write((await Statements.BuildAsync("shop", _yesterday, _yesterday, null, Ct)).Value!);
        var again = StatementCsv.Write((await Statements.BuildAsync("shop", _yesterday, _yesterday, null, Ct)).Value!);
        var withLater = (await Statements.BuildAsync("shop", _yesterday, _yesterday, DateTime.UtcNow, Ct)).Value!;

        Assert.Equal(SHA256.HashData(asClosed), SHA256.HashData(again));
        var lines = Encoding.UTF8.GetString(asClosed).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("section,business_day,payment_id,transaction_id,payer,amount,currency,received_at_utc,delivered_at_utc,delivery_id,count", lines[0]);
        Assert.StartsWith($"payment,{_yesterday:yyyy-MM-dd},{delivered},T-A,{PortalFactory.PayerId},12.50,USD,", lines[1], StringComparison.Ordinal);
        Assert.Equal("payment_total,,,,,12.50,USD,,,,1", lines[2]);
        Assert.Equal(3, lines.Length);
        var adjustment = Assert.Single(withLater.Lines, l => l.Adjustment);
        Assert.Equal((late, 725L), (adjustment.PaymentId, adjustment.AmountMinor));
        Assert.Equal([("USD", 1, 725L)], withLater.Totals(adjustments: true));
    }

    [Fact]
    public async Task The_pdf_holds_forty_payments_a_page_heads_each_with_operator_partner_and_period_and_is_the_same_file_again()
    {
        for (var i = 0; i < 85; i++)
        {
            await SeedAsync($"{i + 1}.00", $"T-{i:000}", errored: false);
        }

        await RouteAsync();
        await _portal.Services.GetRequiredService<DayCloser>().CloseAsync(_yesterday, "test", Ct);
        var files = _portal.Services.GetRequiredService<StatementFiles>();
        var statement = (await Statements.BuildAsync("shop", _yesterday, _yesterday, null, Ct)).Value!;

        var first = files.Render(statement, StatementFormat.Pdf);
        await Task.Delay(1100, Ct); // a clock in the file would show now
        var again = files.Render((await Statements.BuildAsync("shop", _yesterday, _yesterday, null, Ct)).Value!, StatementFormat.Pdf);

        Assert.Equal(first.Sha256, again.Sha256);
        Assert.Equal($"statement-shop-{_yesterday:yyyy-MM-dd}-{_yesterday:yyyy-MM-dd}.pdf", first.FileName);
        using var pdf = PdfSharp.Pdf.IO.PdfReader.Open(new MemoryStream(first.Bytes), PdfSharp.Pdf.IO.PdfDocumentOpenMode.Import);
        Assert.Equal(3, pdf.PageCount); // 85 payments: 40 + 40 + 5 and the totals
        Assert.Equal("MoMo Portal", pdf.Info.Author);
        Assert.All(pdf.Pages.Cast<PdfSharp.Pdf.PdfPage>(), page => Assert.True(page.Width.Point > page.Height.Point, "landscape"));
        var text = PdfText.Of(first.Bytes);
        Assert.Equal(3, PdfText.Count(text, "Partner statement"));
        Assert.Equal(3, PdfText.Count(text, $"Business days {_yesterday:yyyy-MM-dd} to {_yesterday:yyyy-MM-dd}"));
        Assert.Contains("Page 3 of 3", text, StringComparison.Ordinal);
        Assert.Contains("85 payments", text, StringComparison.Ordinal);
        Assert.Contains(Money.Format(Enumerable.Range(1, 85).Sum(i => i * 100L), "USD"), text, StringComparison.Ordinal);
        Assert.Contains("T-084", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_statement_of_an_open_day_an_unknown_partner_or_a_reversed_period_is_refused()
    {
        var today = _yesterday.AddDays(1);

        var open = await Statements.BuildAsync("shop", _yesterday, today, null, Ct);
        var unknown = await Statements.BuildAsync("ghost", _yesterday, _yesterday, null, Ct);
        var reversed = await Statements.BuildAsync("shop", today, _yesterday, null, Ct);

        Assert.Contains("covers closed business days only", open.Errors["Period"], StringComparison.Ordinal);
        Assert.Contains($"{today:yyyy-MM-dd}", open.Errors["Period"], StringComparison.Ordinal);
        Assert.Equal("No partner has the account number 'ghost'.", unknown.Errors["Partner"]);
        Assert.Contains("starts", reversed.Errors["Period"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_command_line_writes_the_file_and_prints_its_hash()
    {
        await SeedAsync("3.00", "=HYPERLINK(\"x\")", errored: false);
        await RouteAsync();
        await _portal.Services.GetRequiredService<DayCloser>().CloseAsync(_yesterday, "test", Ct);
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "statement.csv");

        var pdf = Path.Combine(directory.Path, "statement.pdf");

        var run = await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "partner", "--partner", "shop",
            "--from", $"{_yesterday:yyyy-MM-dd}", "--to", $"{_yesterday:yyyy-MM-dd}", "--format", "csv", "-o", file);
        var runPdf = await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "partner", "--partner", "shop",
            "--from", $"{_yesterday:yyyy-MM-dd}", "--to", $"{_yesterday:yyyy-MM-dd}", "--format", "pdf", "-o", pdf);

        Assert.Equal((0, 0), (run.ExitCode, runPdf.ExitCode));
        var bytes = await File.ReadAllBytesAsync(file, Ct);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(bytes)), run.Output, StringComparison.Ordinal);
        var pdfBytes = await File.ReadAllBytesAsync(pdf, Ct);
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(pdfBytes, 0, 5), StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(pdfBytes)), runPdf.Output, StringComparison.Ordinal);
        // A bank's formula-looking transaction id stays text in a spreadsheet.
        Assert.DoesNotContain(",=HYPERLINK", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_download_the_same_bytes_and_anonymous_visitors_get_nothing()
    {
        await SeedAsync("4.00", "T-D", errored: false);
        await RouteAsync();
        await _portal.Services.GetRequiredService<DayCloser>().CloseAsync(_yesterday, "test", Ct);
        await _portal.Services.GetRequiredService<Portal.Users.UserAccounts>().CreateAsync("viewer@momo.test", Roles.Viewer, "a-long-test-password", "test");
        var path = $"/partners/shop/statement.csv?from={_yesterday:yyyy-MM-dd}&to={_yesterday:yyyy-MM-dd}";

        var anonymous = await SignIn.Anonymous(_portal).GetAsync(path, Ct);
        using var staff = await SignIn.AsAsync(_portal, "viewer@momo.test", "a-long-test-password");
        var download = await staff.GetAsync(path, Ct);
        var pdf = await staff.GetAsync(path.Replace("statement.csv", "statement.pdf", StringComparison.Ordinal), Ct);
        var other = await staff.GetAsync(path.Replace("statement.csv", "statement.xlsx", StringComparison.Ordinal), Ct);
        var open = await staff.GetAsync($"/partners/shop/statement.csv?from={_yesterday.AddDays(1):yyyy-MM-dd}&to={_yesterday.AddDays(1):yyyy-MM-dd}", Ct);

        Assert.NotEqual(System.Net.HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, download.StatusCode);
        Assert.Equal($"statement-shop-{_yesterday:yyyy-MM-dd}-{_yesterday:yyyy-MM-dd}.csv", download.Content.Headers.ContentDisposition?.FileName);
        var expected = StatementCsv.Write((await Statements.BuildAsync("shop", _yesterday, _yesterday, null, Ct)).Value!);
        Assert.Equal(expected, await download.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var expectedPdf = _portal.Services.GetRequiredService<StatementFiles>()
            .Render((await Statements.BuildAsync("shop", _yesterday, _yesterday, null, Ct)).Value!, StatementFormat.Pdf);
        Assert.Equal(expectedPdf.Bytes, await pdf.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, other.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, open.StatusCode);
        Assert.Contains("covers closed business days only", await open.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    private async Task<long> SeedAsync(string amount, string transactionId, bool errored)
    {
        var calendar = _portal.Services.GetRequiredService<BusinessCalendar>();
        await using var db = _portal.CreateDbContext();
        var payment = Payment.Receive(PortalFactory.BankCode, PortalFactory.PayerId, "shop", (long)(decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture) * 100),
            "USD", transactionId, null, "fp", Guid.NewGuid().ToString("N"), calendar.StartUtc(_yesterday).AddHours(3));
        if (errored)
        {
            payment.MarkErrored("HTTP 410");
        }

        db.Payments.Add(payment);
        await db.SaveChangesAsync(Ct);
        return payment.Id;
    }

    private Task<RoutingSummary> RouteAsync() => _portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct);
}

public sealed class PartnerStatementOnSqliteTests() : PartnerStatementTests(DatabaseProvider.Sqlite);

public sealed class PartnerStatementOnPostgresTests() : PartnerStatementTests(DatabaseProvider.Postgres);
