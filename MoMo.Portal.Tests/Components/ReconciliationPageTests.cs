using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Components.Pages.Reconciliation;
using MoMo.Portal.Data;
using MoMo.Portal.Tests.Reconciliation;
using MoMo.Portal.Tests.TestSupport;
using MudBlazor;

namespace MoMo.Portal.Tests.Components;

public sealed class ReconciliationPageTests : PortalComponentTest
{
    [Fact]
    public async Task An_operator_imports_a_statement_sees_its_matches_and_breaks_and_closes_a_break_with_a_note()
    {
        await Portal.PostPaymentAsync(PortalFactory.PartnerId, "5.00", "T-N1");
        SignedInAs(Roles.Operator);
        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ReconciliationPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=statements]")));

        var bank = page.FindComponent<MudSelect<string>>();
        await page.InvokeAsync(() => bank.Instance.ValueChanged.InvokeAsync(PortalFactory.BankCode));
        var bytes = await File.ReadAllBytesAsync(CamtReaderTests.Sample("camt.054.001.04.xml"), Ct);
        page.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(bytes, "camt.054.001.04.xml"));

        page.WaitForAssertion(() => Assert.Contains("NTF-1-B", page.Find("[data-testid=breaks]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        var statements = page.Find("[data-testid=statements]").TextContent;
        Assert.Contains("NTF-1-A", statements, StringComparison.Ordinal);
        Assert.True(statements.Contains("1 (100% of booked credits)", StringComparison.Ordinal), statements);
        Assert.Contains("missing_payment", page.Find("[data-testid=breaks]").TextContent, StringComparison.Ordinal);

        await page.InvokeAsync(() => page.FindAll("[data-testid=breaks] button").Single(b => b.TextContent.Trim() == "Close…").Click());
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("textarea")));
        dialogs.Find("textarea").Change("Refunded to the payer by the bank.");
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Close break").Click());

        page.WaitForAssertion(() => Assert.Contains("No open break", page.Find("[data-testid=breaks]").TextContent, StringComparison.Ordinal));
        await using var db = Portal.CreateDbContext();
        Assert.Equal("operator@momo.test", (await db.AuditEntries.SingleAsync(a => a.Action == "statement.break.close", Ct)).Actor);
    }

    [Fact]
    public void A_viewer_sees_the_queue_but_cannot_import_or_close()
    {
        SignedInAs(Roles.Viewer);

        var page = Render<ReconciliationPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=statements]")));
        Assert.Empty(page.FindComponents<InputFile>());
    }
}
