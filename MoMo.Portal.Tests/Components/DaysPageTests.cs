using Bunit;
using Microsoft.AspNetCore.Components;
using MoMo.Portal.Components.Pages.Days;
using MoMo.Portal.Data;
using MoMo.Portal.Days;
using MoMo.Portal.Payments;
using MoMo.Portal.Tests.TestSupport;
using MudBlazor;
using MoMo.Portal.Users;

namespace MoMo.Portal.Tests.Components;

public sealed class DaysPageTests : PortalComponentTest
{
    private DateOnly Yesterday => Portal.Services.GetRequiredService<DayTotalsReader>().Today.AddDays(-1);

    [Fact]
    public async Task A_viewer_sees_each_day_with_its_totals_by_partner_and_bank_but_cannot_close_it()
    {
        await SeedAsync(Yesterday, 1250, errored: false);
        await SeedAsync(Yesterday, 750, errored: true);

        var page = RenderDays(Yesterday);

        page.WaitForAssertion(() => Assert.Contains("By partner", page.Find("[data-testid=day-detail]").TextContent, StringComparison.Ordinal));
        var row = Assert.Single(page.FindAll("tbody tr.mud-table-row"));
        Assert.Contains("Open", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("20.00 USD", row.TextContent, StringComparison.Ordinal);
        var detail = page.Find("[data-testid=day-detail]").TextContent;
        Assert.Contains(PortalFactory.PartnerId, detail, StringComparison.Ordinal);
        Assert.Contains("1 · 7.50", detail, StringComparison.Ordinal);
        Assert.Contains("2 · 20.00", detail, StringComparison.Ordinal);
        Assert.DoesNotContain(page.FindAll("button"), b => b.TextContent.Trim() == "Close this day");
    }

    [Fact]
    public async Task An_operator_closes_a_past_day_and_it_shows_as_closed_by_them_with_the_statement_emails_it_owes()
    {
        await SeedAsync(Yesterday, 500, errored: false);
        await Portal.Services.GetRequiredService<Portal.Partners.PartnerService>().SetStatementEmailAsync(PortalFactory.PartnerId, "finance@merchant.test", "test", Ct);
        SignedInAs(Roles.Operator);
        var page = RenderDays(Yesterday);
        page.WaitForAssertion(() => Assert.Contains(page.FindAll("button"), b => b.TextContent.Trim() == "Close this day"));

        await page.InvokeAsync(() => page.FindAll("button").Single(b => b.TextContent.Trim() == "Close this day").Click());
        _dialogs.WaitForAssertion(() => Assert.Contains("Its figures are frozen", _dialogs.Markup, StringComparison.Ordinal));
        await _dialogs.InvokeAsync(() => _dialogs.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Close day").Click());

        page.WaitForAssertion(() => Assert.Contains("closed", page.Find("[data-testid=day-detail]").TextContent, StringComparison.Ordinal));
        Assert.Contains("by operator@momo.test", page.Find("[data-testid=day-detail]").TextContent, StringComparison.Ordinal);
        Assert.True((await Portal.Services.GetRequiredService<DayTotalsReader>().DayAsync(Yesterday, Ct)).IsClosed);
        var sends = page.Find("[data-testid=statement-sends]").TextContent;
        Assert.Contains("finance@merchant.test", sends, StringComparison.Ordinal);
        Assert.Contains("pending", sends, StringComparison.Ordinal);
    }

    private IRenderedComponent<MudDialogProvider> _dialogs = default!;

    private IRenderedComponent<DaysPage> RenderDays(DateOnly day)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo($"days?day={day:yyyy-MM-dd}");
        Render<MudPopoverProvider>();
        _dialogs = Render<MudDialogProvider>();
        return Render<DaysPage>();
    }

    private async Task SeedAsync(DateOnly day, long amountMinor, bool errored)
    {
        var calendar = Portal.Services.GetRequiredService<BusinessCalendar>();
        await using var db = Portal.CreateDbContext();
        var payment = Payment.Receive(PortalFactory.BankCode, PortalFactory.PayerId, PortalFactory.PartnerId, amountMinor, "USD",
            null, null, "fp", Guid.NewGuid().ToString("N"), calendar.StartUtc(day).AddHours(2));
        if (errored)
        {
            payment.MarkErrored("HTTP 410");
        }

        db.Payments.Add(payment);
        await db.SaveChangesAsync(Ct);
    }
}
