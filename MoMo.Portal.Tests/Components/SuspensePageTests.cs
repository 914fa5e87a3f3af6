using Bunit;
using Microsoft.AspNetCore.Components;
using MoMo.Portal.Banks;
using MoMo.Portal.Components.Layout;
using MoMo.Portal.Components.Pages.Suspense;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Suspense;
using MoMo.Portal.Tests.TestSupport;
using MudBlazor;
using MoMo.Portal.Users;

namespace MoMo.Portal.Tests.Components;

public sealed class SuspensePageTests : PortalComponentTest
{
    private SuspenseService Suspense => Portal.Services.GetRequiredService<SuspenseService>();

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await Portal.Services.GetRequiredService<BankService>().SetUnknownReferenceAsync(
            PortalFactory.BankCode, UnknownReferencePolicy.Hold, "test", Ct);
    }

    [Fact]
    public async Task A_viewer_sees_the_held_payment_its_reason_the_bank_request_and_a_suggestion_but_cannot_act()
    {
        var id = await PostHeldAsync("PAYER 1", PortalFactory.PartnerId, "12.50");

        var page = RenderPage(id);

        page.WaitForAssertion(() => Assert.Contains("payer payer-1", page.Find("[data-testid=suggestions]").TextContent, StringComparison.Ordinal));
        var row = Assert.Single(page.FindAll("tbody tr.mud-table-row"));
        Assert.Contains("Unknown payer", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("12.50 USD", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("USD 12.50 in suspense (1)", page.Find("[data-testid=suspense-balance]").TextContent, StringComparison.Ordinal);
        Assert.Contains("\"reference_number\": \"PAYER 1\"", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() is "Propose repair" or "Approve");
    }

    [Fact]
    public async Task The_proposer_is_not_offered_approval_and_the_navigation_counts_the_queue()
    {
        var id = await PostHeldAsync("nobody", PortalFactory.PartnerId, "3.00");
        await PostHeldAsync("nobody", PortalFactory.PartnerId, "4.00");
        await Suspense.ProposeReturnAsync(id, "Not our customer", "operator@momo.test", Ct);
        SignedInAs(Roles.Operator);

        var nav = Render<NavMenu>();
        var page = RenderPage(id);

        page.WaitForAssertion(() => Assert.Contains("You proposed this", page.Find("[data-testid=suspense-case]").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() == "Approve");
        nav.WaitForAssertion(() => Assert.Equal("2", nav.Find("[aria-label='2 in suspense']").TextContent.Trim()));
    }

    [Fact]
    public async Task Another_staff_member_approves_a_repair_and_the_payment_leaves_suspense()
    {
        var id = await PostHeldAsync("nobody", PortalFactory.PartnerId, "5.00");
        await Suspense.ProposeRepairAsync(new RepairProposal(id, null, PortalFactory.PayerId, null, "Bank typo"), "operator@momo.test", Ct);
        SignedInAs(Roles.Admin);
        var page = RenderPage(id);
        page.WaitForAssertion(() => Assert.Contains("Repair: partner merchant-1, payer payer-1", page.Find("[data-testid=proposal]").TextContent, StringComparison.Ordinal));

        await page.InvokeAsync(() => page.FindAll("button").Single(b => b.TextContent.Trim() == "Approve").Click());
        var confirm = _dialogs;
        confirm.WaitForAssertion(() => Assert.Contains("Approve: Repair", confirm.Markup, StringComparison.Ordinal));
        await confirm.InvokeAsync(() => confirm.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Approve").Click());

        page.WaitForAssertion(() => Assert.Contains("No payment is in suspense.", page.Markup, StringComparison.Ordinal));
        var payment = await Portal.LoadPaymentAsync(id);
        Assert.Equal((PaymentStatus.Received, PortalFactory.PayerId), (payment.Status, payment.PayerId));
        Assert.Equal("admin@momo.test", (await Suspense.FindAsync(id, Ct))!.ResolvedBy);
    }

    [Fact]
    public async Task A_return_without_a_reason_is_refused_beside_the_field_and_nothing_is_proposed()
    {
        var id = await PostHeldAsync("nobody", "no-shop", "6.00");
        SignedInAs(Roles.Operator);
        var page = RenderPage(id);
        page.WaitForAssertion(() => Assert.Contains(page.FindAll("button"), b => b.TextContent.Trim() == "Propose return to bank"));

        await page.InvokeAsync(() => page.FindAll("button").Single(b => b.TextContent.Trim() == "Propose return to bank").Click());
        var dialogs = _dialogs;
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("textarea")));
        await dialogs.InvokeAsync(() => dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Propose return").Click());

        dialogs.WaitForAssertion(() => Assert.Contains("A return needs a reason", dialogs.Markup, StringComparison.Ordinal));
        Assert.Null((await Suspense.FindAsync(id, Ct))!.Proposal);
    }

    /// <summary>The page with the providers the layout would give it, showing payment <paramref name="id"/>.</summary>
    private IRenderedComponent<SuspensePage> RenderPage(long id)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo($"suspense?id={id}");
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        return Render<SuspensePage>();
    }

    private IRenderedComponent<MudDialogProvider> _dialogs = default!;

    private Task<long> PostHeldAsync(string payer, string partner, string amount) =>
        Portal.PostPaymentAsync(partner, amount, Guid.NewGuid().ToString("N"), payer);
}
