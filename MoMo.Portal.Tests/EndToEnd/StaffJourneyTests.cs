using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Tests.Routing;
using MoMo.Portal.Tests.TestSupport;
using MoMo.Portal.Users;

namespace MoMo.Portal.Tests.EndToEnd;

/// <summary>
/// The main staff journeys, in Chromium against the real app on a socket. Each journey starts its own portal and
/// browser; every wait is on a condition, never a sleep.
/// </summary>
public sealed class StaffJourneyTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task The_sign_in_page_and_the_staff_pages_run_without_a_script_error_or_a_blocked_resource()
    {
        await using var session = await StartAsync();
        await AddUserAsync(session, "admin@momo.test", Roles.Admin);

        var page = await session.SignInAsync("admin@momo.test", Password);
        foreach (var path in new[] { "/payments", "/suspense", "/days", "/partners", "/banks", "/intake" })
        {
            await BrowserSession.GoToAsync(page, path);
        }

        // The Hangfire dashboard is served under the same Content-Security-Policy: its graphs draw and it polls its statistics.
        var poll = page.WaitForResponseAsync(response => response.Url.Contains("/hangfire/stats", StringComparison.Ordinal));
        await page.GotoAsync("/hangfire");
        await Assertions.Expect(page.Locator("#realtimeGraph canvas, .realtime-graph canvas, canvas").First).ToBeVisibleAsync();
        Assert.True((await poll).Ok);

        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task An_admin_is_refused_a_wrong_password_locked_out_after_five_and_lands_on_the_dashboard()
    {
        await using var session = await StartAsync();
        await AddUserAsync(session, "admin@momo.test", Roles.Admin);
        await AddUserAsync(session, "careless@momo.test", Roles.Viewer);
        var page = await session.NewPageAsync();

        await page.GotoAsync("/Account/Login");
        await LogInAsync(page, "admin@momo.test", "not the password");
        await Assertions.Expect(page.GetByText("Invalid login attempt")).ToBeVisibleAsync();
        await BrowserSession.ScreenshotAsync(page, "sign-in-error");

        for (var i = 0; i < 5; i++)
        {
            await page.GotoAsync("/Account/Login");
            await LogInAsync(page, "careless@momo.test", "not the password");
        }

        await page.GotoAsync("/Account/Login");
        await LogInAsync(page, "careless@momo.test", Password);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Locked out" })).ToBeVisibleAsync();

        await page.GotoAsync("/Account/Login");
        await LogInAsync(page, "admin@momo.test", Password);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Dashboard" })).ToBeVisibleAsync();
        await BrowserSession.ScreenshotAsync(page, "dashboard");
    }

    [Fact]
    public async Task An_admin_adds_a_partner_and_a_payer_and_a_bank_payment_for_them_is_delivered_and_shown()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var session = await StartAsync(background: true);
        await AddUserAsync(session, "admin@momo.test", Roles.Admin);
        var page = await session.SignInAsync("admin@momo.test", Password);

        await BrowserSession.GoToAsync(page, "/partners");
        await page.GetByRole(AriaRole.Button, new() { Name = "New partner" }).ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await dialog.GetByLabel("Account id (account_number)").FillAsync("kiosk-7");
        await dialog.GetByLabel("Name").FillAsync("Kiosk Seven");
        await dialog.GetByLabel("Webhook URL").FillAsync(receiver.Url("kiosk-7"));
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("td", new() { HasText = "Kiosk Seven" })).ToBeVisibleAsync();
        await BrowserSession.ScreenshotAsync(page, "partners");

        await BrowserSession.GoToAsync(page, "/payers");
        await page.GetByRole(AriaRole.Button, new() { Name = "New payer" }).ClickAsync();
        dialog = page.Locator(".mud-dialog");
        await dialog.GetByLabel("Reference number (reference_number)").FillAsync("amina-256");
        await dialog.GetByLabel("Name").FillAsync("Amina N.");
        await dialog.GetByLabel("Mobile number (optional)").FillAsync("+256772123456");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(page.Locator("td", new() { HasText = "Amina N." })).ToBeVisibleAsync();

        await BrowserSession.GoToAsync(page, "/payments");
        await Assertions.Expect(page.GetByText("No payment matches these filters.")).ToBeVisibleAsync();
        var id = await PostAsync(session, "amina-256", "kiosk-7", "75.50");

        // The list is live: the payment appears without a reload.
        var row = page.Locator("tr", new() { HasText = "kiosk-7" });
        await Assertions.Expect(row).ToBeVisibleAsync();
        await Assertions.Expect(row.GetByText("Delivered")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await BrowserSession.ScreenshotAsync(page, "payments");
        await row.GetByText("kiosk-7").ClickAsync();
        await Assertions.Expect(page.GetByText($"Payment {id}")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByText("Attempt 1", new() { Exact = false })).ToBeVisibleAsync();
        await BrowserSession.ScreenshotAsync(page, "payment-detail");

        await BrowserSession.GoToAsync(page, "/");
        await Assertions.Expect(page.Locator("td", new() { HasText = "kiosk-7" })).ToBeVisibleAsync();
        await BrowserSession.ScreenshotAsync(page, "dashboard-with-payments");

        var webhook = Assert.Single(receiver.For("kiosk-7"));
        await using var db = session.Portal.CreateDbContext();
        var secret = session.Portal.Services.GetRequiredService<MoMo.Portal.Partners.WebhookSecretVault>().Reveal(
            await db.Partners.Where(p => p.AccountId == "kiosk-7").Select(p => p.ProtectedWebhookSecret).SingleAsync(Xunit.TestContext.Current.CancellationToken));
        Assert.True(WebhookDeliveryTests.SignatureIsValid(secret, webhook));
        Assert.Contains("\"amount\":\"75.50\"", webhook.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_operator_retries_an_errored_payment_and_it_is_delivered_once_the_partner_recovers()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = _ => new Reply(500);
        await using var session = await StartAsync(background: true, retrySchedule: "1s");
        await AddUserAsync(session, "ops@momo.test", Roles.Operator);
        await session.Portal.AddWebhookPartnerAsync("flaky", receiver.Url("flaky"));
        var id = await PostAsync(session, PortalFactory.PayerId, "flaky", "12.00");
        await PortalFactory.WaitUntilAsync(async () => (await session.Portal.LoadPaymentAsync(id)).Status == PaymentStatus.Errored,
            "the payment is errored after its two attempts");

        var page = await session.SignInAsync("ops@momo.test", Password);
        await BrowserSession.GoToAsync(page, "/payments?status=Errored");
        var row = page.Locator("tr", new() { HasText = "flaky" });
        await row.Locator("input[type=checkbox]").CheckAsync();
        receiver.Respond = _ => new Reply(200);
        await page.GetByRole(AriaRole.Button, new() { Name = "Retry selected (1)" }).ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
        await Assertions.Expect(page.GetByText("Retried 1 payment(s).")).ToBeVisibleAsync();

        await BrowserSession.GoToAsync(page, $"/payments/{id}");
        // The page follows a payment in flight on its own.
        await Assertions.Expect(page.Locator(".mud-chip", new() { HasText = "Delivered" })).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Assertions.Expect(page.GetByText("Attempt 3", new() { Exact = false })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("td", new() { HasText = "payment.retry" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("td", new() { HasText = "ops@momo.test" }).First).ToBeVisibleAsync();
        await BrowserSession.ScreenshotAsync(page, "payment-retried");
        Assert.Equal(3, receiver.For("flaky").Count());
    }

    [Fact]
    public async Task A_viewer_sees_payments_but_no_retry_or_edit_and_is_refused_hangfire()
    {
        await using var session = await StartAsync();
        await AddUserAsync(session, "viewer@momo.test", Roles.Viewer);
        await session.Portal.PostPaymentAsync();

        var page = await session.SignInAsync("viewer@momo.test", Password);
        await BrowserSession.GoToAsync(page, "/payments");
        await Assertions.Expect(page.Locator("td", new() { HasText = PortalFactory.PartnerId })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Retry all errored matching" })).ToHaveCountAsync(0);
        await BrowserSession.GoToAsync(page, "/partners");
        await Assertions.Expect(page.Locator("td", new() { HasText = PortalFactory.PartnerId })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "New partner" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByLabel($"Edit {PortalFactory.PartnerId}")).ToHaveCountAsync(0);

        await page.GotoAsync("/hangfire");
        await BrowserSession.ScreenshotAsync(page, "hangfire-debug");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("AccessDenied"));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/payments")]
    [InlineData("/banks")]
    public async Task Anonymous_visitors_land_on_sign_in(string path)
    {
        await using var session = await StartAsync();
        var page = await session.NewPageAsync();

        await page.GotoAsync(path);

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/Account/Login"));
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Log in", Exact = true })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_csv_export_of_a_filtered_list_holds_exactly_the_filtered_payments()
    {
        await using var session = await StartAsync();
        await AddUserAsync(session, "viewer@momo.test", Roles.Viewer);
        await session.Portal.AddWebhookPartnerAsync("other", "https://other.example/hooks");
        for (var i = 0; i < 3; i++)
        {
            await session.Portal.PostPaymentAsync(transactionId: $"MINE-{i}");
        }

        await session.Portal.PostPaymentAsync("other", transactionId: "THEIRS-1");
        var page = await session.SignInAsync("viewer@momo.test", Password);
        await BrowserSession.GoToAsync(page, $"/payments?partner={PortalFactory.PartnerId}");
        await Assertions.Expect(page.Locator("tr", new() { HasText = "MINE-0" })).ToBeVisibleAsync();

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByText("Export CSV").ClickAsync());
        var csv = await File.ReadAllLinesAsync(await download.PathAsync(), Xunit.TestContext.Current.CancellationToken);

        Assert.StartsWith("id,received_at_utc", csv[0], StringComparison.Ordinal);
        var rows = csv.Skip(1).ToList();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, r => Assert.Contains($",{PortalFactory.PartnerId},", r, StringComparison.Ordinal));
        Assert.Equal(["MINE-0", "MINE-1", "MINE-2"], rows.Select(r => r.Split(',')[4]).Order());
    }

    private static async Task<BrowserSession> StartAsync(bool background = false, string retrySchedule = "1s,1s")
    {
        var portal = new PortalFactory()
            .With("Routing:RunBackgroundJobs", background ? "true" : "false")
            .With("Routing:RetrySchedule", retrySchedule);
        return await BrowserSession.StartAsync(portal);
    }

    private static Task AddUserAsync(BrowserSession session, string email, string role) =>
        session.Portal.Services.GetRequiredService<UserAccounts>().CreateAsync(email, role, Password, "test");

    private static async Task LogInAsync(IPage page, string email, string password)
    {
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", password);
        await page.ClickAsync("button[type=submit]:has-text('Log in')");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    /// <summary>A bank's POST over the real socket, with its key.</summary>
    private static async Task<long> PostAsync(BrowserSession session, string payer, string partner, string amount)
    {
        using var http = new HttpClient { BaseAddress = new Uri(session.BaseUrl) };
        using var request = BankRequests.Post(BankRequests.Body(payer, partner, amount), session.Portal.BankApiKey);
        var response = await http.SendAsync(request, Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("id").GetInt64();
    }
}
