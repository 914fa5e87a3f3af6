using Bunit;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Components.Pages.Partners;
using MoMo.Portal.Components.Pages.Payers;
using MoMo.Portal.Data;
using MoMo.Portal.Tests.TestSupport;
using MoMo.Portal.Users;
using MudBlazor;

namespace MoMo.Portal.Tests.Components;

public sealed class DialogTests : PortalComponentTest
{
    [Fact]
    public async Task The_partner_dialog_shows_a_bad_webhook_url_beside_the_field_and_saves_nothing()
    {
        SignedInAs(Roles.Operator);
        var dialogs = await OpenAsync<PartnerDialog>("New partner");

        dialogs.Find("input[type=text]").Change("shop-9");
        dialogs.FindAll("input[type=text]")[1].Change("Shop Nine");
        dialogs.FindAll("input[type=text]")[2].Change("ftp://shop.example/");
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Save").Click());

        dialogs.WaitForAssertion(() => Assert.Contains("must be an absolute http:// or https:// URL", dialogs.Markup, StringComparison.Ordinal));
        await using var db = Portal.CreateDbContext();
        Assert.False(await db.Partners.AnyAsync(p => p.AccountId == "shop-9", Ct));
    }

    [Fact]
    public async Task The_partner_dialog_creates_a_valid_partner_and_records_who_did_it()
    {
        SignedInAs(Roles.Operator);
        var dialogs = await OpenAsync<PartnerDialog>("New partner");

        dialogs.Find("input[type=text]").Change("shop-10");
        dialogs.FindAll("input[type=text]")[1].Change("Shop Ten");
        dialogs.FindAll("input[type=text]")[2].Change("https://shop10.example/hooks");
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Save").Click());

        await PortalFactory.WaitUntilAsync(async () =>
        {
            await using var db = Portal.CreateDbContext();
            return await db.Partners.AnyAsync(p => p.AccountId == "shop-10");
        }, "the partner is stored");
        await using var check = Portal.CreateDbContext();
        Assert.Equal("operator@momo.test", (await check.AuditEntries.SingleAsync(a => a.Action == "partner.create" && a.EntityId == "shop-10", Ct)).Actor);
    }

    [Fact]
    public async Task The_partner_dialog_refuses_a_bad_statement_email_beside_the_field_before_saving_anything_then_keeps_a_good_one()
    {
        SignedInAs(Roles.Operator);
        var dialogs = await OpenAsync<PartnerDialog>("New partner");
        dialogs.Find("input[type=text]").Change("shop-11");
        dialogs.FindAll("input[type=text]")[1].Change("Shop Eleven");
        dialogs.FindAll("input[type=text]")[2].Change("https://shop11.example/hooks");
        dialogs.FindAll("input[type=text]")[3].Change("finance at shop11");

        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Save").Click());

        dialogs.WaitForAssertion(() => Assert.Contains("statement e-mail must be a plain address", dialogs.Markup, StringComparison.Ordinal));
        await using (var db = Portal.CreateDbContext())
        {
            Assert.False(await db.Partners.AnyAsync(p => p.AccountId == "shop-11", Ct));
        }

        dialogs.FindAll("input[type=text]")[3].Change("finance@shop11.example");
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Save").Click());

        await PortalFactory.WaitUntilAsync(async () =>
        {
            await using var db = Portal.CreateDbContext();
            return await db.Partners.AnyAsync(p => p.AccountId == "shop-11" && p.StatementEmail == "finance@shop11.example");
        }, "the partner is stored with its statement address");
    }

    [Fact]
    public async Task The_payer_dialog_refuses_a_local_phone_number_beside_the_field()
    {
        SignedInAs(Roles.Operator);
        var dialogs = await OpenAsync<PayerDialog>("New payer");

        dialogs.Find("input[type=text]").Change("p-77");
        dialogs.FindAll("input[type=text]")[1].Change("Joseph");
        dialogs.FindAll("input[type=text]")[2].Change("0772 123 456");
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Save").Click());

        dialogs.WaitForAssertion(() => Assert.Contains("international form", dialogs.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_viewer_cannot_save_even_if_the_dialog_is_opened()
    {
        var dialogs = await OpenAsync<PayerDialog>("New payer");
        dialogs.Find("input[type=text]").Change("p-78");
        dialogs.FindAll("input[type=text]")[1].Change("Sneaky");

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Save").Click()));

        await using var db = Portal.CreateDbContext();
        Assert.False(await db.Payers.AnyAsync(p => p.Id == "p-78", Ct));
    }

    [Fact]
    public async Task The_server_side_check_refuses_a_viewer_and_allows_an_operator()
    {
        var actor = Services.GetRequiredService<StaffActor>();
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => actor.RequireAsync(Policies.CanOperate));
        Assert.False(await actor.CanAsync(Policies.IsAdmin));
    }

    [Fact]
    public async Task An_operator_demoted_while_the_dialog_is_open_cannot_save()
    {
        SignedInAs(Roles.Operator);
        var dialogs = await OpenAsync<PayerDialog>("New payer");
        dialogs.Find("input[type=text]").Change("p-79");
        dialogs.FindAll("input[type=text]")[1].Change("Too Late");

        // Another Admin demotes them; their circuit still holds the sign-in's Operator claim.
        await Portal.Services.GetRequiredService<UserAccounts>().SetRoleAsync(UserIds[Roles.Operator], Roles.Viewer, "admin@momo.test");

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Save").Click()));
        await using var db = Portal.CreateDbContext();
        Assert.False(await db.Payers.AnyAsync(p => p.Id == "p-79", Ct));
    }

    [Fact]
    public async Task A_locked_admin_with_an_open_page_can_no_longer_act()
    {
        SignedInAs(Roles.Admin);
        var actor = Services.GetRequiredService<StaffActor>();
        Assert.Equal("admin@momo.test", await actor.RequireAsync(Policies.IsAdmin));

        await Portal.Services.GetRequiredService<UserAccounts>().SetLockedAsync(UserIds[Roles.Admin], true, "other-admin@momo.test");

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => actor.RequireAsync(Policies.IsAdmin));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => actor.RequireAsync(Policies.CanOperate));
    }

    private async Task<IRenderedComponent<MudDialogProvider>> OpenAsync<TDialog>(string title) where TDialog : Microsoft.AspNetCore.Components.ComponentBase
    {
        Render<MudPopoverProvider>();
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        await provider.InvokeAsync(() => dialogs.ShowAsync<TDialog>(title));
        provider.WaitForAssertion(() => Assert.NotEmpty(provider.FindAll("input[type=text]")));
        return provider;
    }
}
