using Microsoft.Playwright;
using MoMo.Portal.Data;
using MoMo.Portal.Tests.Reconciliation;
using MoMo.Portal.Tests.TestSupport;
using MoMo.Portal.Users;

namespace MoMo.Portal.Tests.EndToEnd;

/// <summary>Bank statement reconciliation in Chromium: upload a statement, see its break, resolve it, and the partner is paid.</summary>
public sealed class ReconciliationJourneyTests
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task An_operator_uploads_a_statement_creates_the_payment_the_bank_never_notified_and_the_partner_receives_it()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var session = await BrowserSession.StartAsync(new PortalFactory().With("Routing:RunBackgroundJobs", "true"));
        await session.Portal.Services.GetRequiredService<UserAccounts>().CreateAsync("ops@momo.test", Roles.Operator, Password, "test");
        await session.Portal.AddWebhookPartnerAsync("kiosk-7", receiver.Url("kiosk-7"));
        var notified = await session.Portal.PostPaymentAsync(PortalFactory.PartnerId, "5.00", "T-N1"); // T-N2 the bank never sent

        var ops = await session.SignInAsync("ops@momo.test", Password);
        await BrowserSession.GoToAsync(ops, "/reconciliation");
        await ops.Locator(".mud-select").First.ClickAsync();
        await ops.Locator(".mud-popover-open .mud-list-item", new() { HasText = PortalFactory.BankCode }).ClickAsync();
        // The choice reaches the server before the file does: the upload goes to the bank the page holds.
        await Assertions.Expect(ops.Locator(".mud-select input").First).ToHaveValueAsync(PortalFactory.BankCode);
        await ops.Locator("[data-testid=import-file]").SetInputFilesAsync(CamtReaderTests.Sample("camt.054.001.04.xml"));
        await Assertions.Expect(ops.GetByText("Imported camt.054.001.04.xml: 2 entries, 1 matched, 1 break(s).")).ToBeVisibleAsync();
        var breakRow = ops.Locator("[data-testid=breaks] tr", new() { HasText = "T-N2" });
        await Assertions.Expect(breakRow).ToContainTextAsync("missing_payment");
        await BrowserSession.ScreenshotAsync(ops, "reconciliation-break");

        await breakRow.GetByRole(AriaRole.Button, new() { Name = "Create payment…" }).ClickAsync();
        var dialog = ops.Locator(".mud-dialog");
        await dialog.Locator(".mud-select").First.ClickAsync();
        await ops.Locator(".mud-popover-open .mud-list-item", new() { HasText = "kiosk-7" }).ClickAsync();
        // The choice re-renders the dialog from the server: typing before that render lands loses the text on a busy
        // machine, so wait for it, and for the typed value to stay, before creating.
        await Assertions.Expect(dialog.GetByRole(AriaRole.Combobox, new() { Name = "Partner" })).ToContainTextAsync("kiosk-7");
        var payer = dialog.GetByLabel("Payer reference");
        await payer.FillAsync(PortalFactory.PayerId);
        await payer.BlurAsync();
        await Assertions.Expect(payer).ToHaveValueAsync(PortalFactory.PayerId);
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create payment" }).ClickAsync();
        await Assertions.Expect(ops.GetByText("No open break.")).ToBeVisibleAsync();

        await ops.GetByRole(AriaRole.Link, new() { Name = "NTF-1-A" }).ClickAsync();
        await Assertions.Expect(ops.Locator("[data-testid=entries]")).ToContainTextAsync($"payment {notified}");
        await ops.GoBackAsync();
        await BrowserSession.WaitForInteractiveAsync(ops);
        await ops.GetByRole(AriaRole.Link, new() { Name = "NTF-1-B" }).ClickAsync();
        await Assertions.Expect(ops.Locator("[data-testid=entries]")).ToContainTextAsync("payer-1 → kiosk-7");
        await BrowserSession.ScreenshotAsync(ops, "reconciliation-statement");
        await PortalFactory.WaitUntilAsync(() => Task.FromResult(receiver.For("kiosk-7").Count() == 1), "the partner receives the created payment");
        var delivered = Assert.Single(receiver.For("kiosk-7"));
        Assert.Contains("\"amount\":\"6.00\"", delivered.Body, StringComparison.Ordinal);
        Assert.Empty(session.ConsoleErrors);
    }
}
