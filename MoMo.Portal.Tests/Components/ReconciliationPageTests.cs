using Bunit;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Components.Pages.Reconciliation;
using MoMo.Portal.Data;
using MoMo.Portal.Reconciliation;
using MoMo.Portal.Tests.Reconciliation;
using MoMo.Portal.Tests.TestSupport;
using MudBlazor;
using MoMo.Portal.Users;

namespace MoMo.Portal.Tests.Components;

public sealed class ReconciliationPageTests : PortalComponentTest
{
    [Fact]
    public async Task An_operator_creates_the_missing_payment_of_one_entry_and_closes_the_other_break_with_a_note()
    {
        await ImportAsync("camt.054.001.04.xml");
        SignedInAs(Roles.Operator);
        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        var page = Render<ReconciliationPage>();
        page.WaitForAssertion(() => Assert.Contains("NTF-1-B", page.Find("[data-testid=breaks]").TextContent, StringComparison.Ordinal));
        Assert.Contains("missing_payment", page.Find("[data-testid=breaks]").TextContent, StringComparison.Ordinal);

        // T-N1's row comes first (entry order): create its payment, the payer left empty first.
        await page.InvokeAsync(() => page.FindAll("[data-testid=breaks] button").First(b => b.TextContent.Trim() == "Create payment…").Click());
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindComponents<CreatePaymentDialog>()));
        var dialog = dialogs.FindComponent<CreatePaymentDialog>();
        await dialog.InvokeAsync(() => dialog.FindComponent<MudSelect<string>>().Instance.ValueChanged.InvokeAsync(PortalFactory.PartnerId));
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Create payment").Click());
        dialogs.WaitForAssertion(() => Assert.Contains("reference_number", dialogs.Markup, StringComparison.Ordinal));
        dialog.FindComponent<MudTextField<string>>().Find("input").Change(PortalFactory.PayerId);
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Create payment").Click());

        page.WaitForAssertion(() => Assert.DoesNotContain("T-N1", page.Find("[data-testid=breaks]").TextContent, StringComparison.Ordinal));
        await page.InvokeAsync(() => page.FindAll("[data-testid=breaks] button").Single(b => b.TextContent.Trim() == "Close…").Click());
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("textarea")));
        dialogs.Find("textarea").Change("Refunded to the payer by the bank.");
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Close break").Click());

        page.WaitForAssertion(() => Assert.Contains("No open break", page.Find("[data-testid=breaks]").TextContent, StringComparison.Ordinal));
        Assert.Contains("1 (100% of booked credits)", page.Find("[data-testid=statements]").TextContent, StringComparison.Ordinal);
        await using var db = Portal.CreateDbContext();
        var payment = await db.Payments.SingleAsync(Ct);
        Assert.Equal(("T-N1", 500L, PortalFactory.PayerId), (payment.BankReference, payment.AmountMinor, payment.PayerId));
        Assert.Equal("operator@momo.test", (await db.AuditEntries.SingleAsync(a => a.Action == "statement.payment.create", Ct)).Actor);
        Assert.Equal("operator@momo.test", (await db.AuditEntries.SingleAsync(a => a.Action == "statement.break.close", Ct)).Actor);
    }

    [Fact]
    public async Task A_statements_page_lists_its_entries_beside_their_payments_and_filters_to_open_breaks()
    {
        var matched = await Portal.PostPaymentAsync(PortalFactory.PartnerId, "12.50", "T-1");
        await ImportAsync("camt.053.001.02.xml");
        await using var db = Portal.CreateDbContext();
        var statement = await db.BankStatements.SingleAsync(Ct);

        var page = Render<StatementPage>(p => p.Add(s => s.Id, statement.Id));
        page.WaitForAssertion(() => Assert.Contains($"payment {matched}", page.Find("[data-testid=entries]").TextContent, StringComparison.Ordinal));
        var all = page.FindAll("[data-testid=entries] tbody tr").Count;
        await page.InvokeAsync(() => page.FindComponent<MudSwitch<bool>>().Instance.ValueChanged.InvokeAsync(true));

        page.WaitForAssertion(() => Assert.DoesNotContain($"payment {matched}", page.Find("[data-testid=entries]").TextContent, StringComparison.Ordinal));
        Assert.Contains("Statement STMT-20261201", page.Markup, StringComparison.Ordinal);
        Assert.Contains((await db.StatementFiles.SingleAsync(Ct)).Sha256, page.Find("[data-testid=statement-header]").TextContent, StringComparison.Ordinal);
        Assert.Equal(6, all); // every entry, the debit and the pending one included
        Assert.Equal(await db.StatementEntries.CountAsync(e => e.Break != null, Ct), page.FindAll("[data-testid=entries] tbody tr").Count);
        Assert.Contains("missing_payment", page.Find("[data-testid=entries]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void A_viewer_sees_the_queue_but_cannot_import_or_close()
    {
        SignedInAs(Roles.Viewer);

        var page = Render<ReconciliationPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=statements]")));
        Assert.Empty(page.FindAll("[data-testid=import-file]"));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() is "Close…" or "Create payment…");
    }

    private async Task ImportAsync(string sample)
    {
        await using var file = File.OpenRead(CamtReaderTests.Sample(sample));
        var outcome = await Portal.Services.GetRequiredService<StatementImporter>().ImportAsync(PortalFactory.BankCode, sample, file, "test", Ct);
        Assert.IsType<ImportOutcome.Imported>(outcome);
    }
}
