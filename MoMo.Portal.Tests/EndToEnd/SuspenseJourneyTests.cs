using Microsoft.Playwright;
using MoMo.Portal.Banks;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Tests.TestSupport;
using MoMo.Portal.Users;

namespace MoMo.Portal.Tests.EndToEnd;

/// <summary>The suspense queue in Chromium: two staff members, one proposes, the other approves, the partner is paid.</summary>
public sealed class SuspenseJourneyTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task An_operator_proposes_a_repair_an_admin_approves_it_and_the_payment_reaches_the_partner()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var session = await BrowserSession.StartAsync(new PortalFactory().With("Routing:RunBackgroundJobs", "true"));
        var accounts = session.Portal.Services.GetRequiredService<UserAccounts>();
        await accounts.CreateAsync("ops@momo.test", Roles.Operator, Password, "test");
        await accounts.CreateAsync("admin@momo.test", Roles.Admin, Password, "test");
        await session.Portal.AddWebhookPartnerAsync("kiosk-7", receiver.Url("kiosk-7"));
        await session.Portal.Services.GetRequiredService<BankService>().SetUnknownReferenceAsync(
            PortalFactory.BankCode, UnknownReferencePolicy.Hold, "test", Xunit.TestContext.Current.CancellationToken);
        // The bank typed the partner's account number with a space.
        var id = await session.Portal.PostPaymentAsync("kiosk 7", "42.00", "T-journey");

        var ops = await session.SignInAsync("ops@momo.test", Password);
        await Assertions.Expect(ops.Locator("[aria-label='1 in suspense']")).ToHaveTextAsync("1");
        await ops.GetByRole(AriaRole.Link, new() { Name = "Suspense" }).First.ClickAsync();
        await ops.Locator("tr", new() { HasText = "kiosk 7" }).ClickAsync();
        var held = ops.Locator("[data-testid=suspense-case]");
        await Assertions.Expect(ops.Locator("[data-testid=suggestions]")).ToContainTextAsync("partner kiosk-7");
        await BrowserSession.ScreenshotAsync(ops, "suspense-queue");
        await held.GetByRole(AriaRole.Button, new() { Name = "Propose repair" }).ClickAsync();
        var dialog = ops.Locator(".mud-dialog");
        await dialog.GetByLabel("Note for the approver").FillAsync("The bank's typo: kiosk-7");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Propose repair" }).ClickAsync();
        await Assertions.Expect(ops.Locator("[data-testid=proposal]")).ToContainTextAsync("Repair: partner kiosk-7, payer payer-1");
        await Assertions.Expect(held.GetByText("You proposed this")).ToBeVisibleAsync();
        await Assertions.Expect(held.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToHaveCountAsync(0);

        var admin = await session.SignInAsync("admin@momo.test", Password);
        await BrowserSession.GoToAsync(admin, $"/suspense?id={id}");
        await Assertions.Expect(admin.Locator("[data-testid=proposal]")).ToContainTextAsync("proposed by ops@momo.test");
        await BrowserSession.ScreenshotAsync(admin, "suspense-approval");
        await admin.Locator("[data-testid=suspense-case]").GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await admin.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Assertions.Expect(admin.GetByText("No payment is in suspense.")).ToBeVisibleAsync();

        await PortalFactory.WaitUntilAsync(async () => (await session.Portal.LoadPaymentAsync(id)).Status == PaymentStatus.Delivered,
            "the partner acknowledges the payment");
        var payment = await session.Portal.LoadPaymentAsync(id);
        Assert.Equal(("kiosk-7", PaymentStatus.Delivered), (payment.PartnerAccountId, payment.Status));
        Assert.Contains("\"amount\":\"42.00\"", Assert.Single(receiver.For("kiosk-7")).Body, StringComparison.Ordinal);
        Assert.Empty(session.ConsoleErrors);
    }

    [Fact]
    public async Task At_a_laptops_width_the_payments_list_shows_status_partner_name_and_bank_transaction_without_scrolling()
    {
        await using var session = await BrowserSession.StartAsync(new PortalFactory());
        await session.Portal.Services.GetRequiredService<UserAccounts>().CreateAsync("viewer@momo.test", Roles.Viewer, Password, "test");
        await session.Portal.PostPaymentAsync(PortalFactory.PartnerId, "9.99", "T-laptop");

        var page = await session.SignInAsync("viewer@momo.test", Password);
        await page.SetViewportSizeAsync(1366, 850);
        await BrowserSession.GoToAsync(page, "/payments");

        var row = page.Locator("tr", new() { HasText = "T-laptop" });
        var status = row.GetByText("Received", new() { Exact = true });
        await Assertions.Expect(status).ToBeInViewportAsync();
        await Assertions.Expect(row.GetByText("Merchant One")).ToBeInViewportAsync();
        var transaction = row.GetByText("T-laptop", new() { Exact = true });
        var box = await transaction.BoundingBoxAsync();
        Assert.True(box!.X + box.Width <= 1366, $"the bank transaction id ends at {box.X + box.Width} px, beyond the 1366 px window");
        await BrowserSession.ScreenshotAsync(page, "payments-1366");
    }
}
