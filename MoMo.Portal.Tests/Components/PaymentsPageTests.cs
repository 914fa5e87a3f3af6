using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Components.Pages.Payments;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Tests.TestSupport;
using MudBlazor;
using MoMo.Portal.Users;

namespace MoMo.Portal.Tests.Components;

public sealed class PaymentsPageTests : PortalComponentTest
{
    [Fact]
    public async Task The_status_in_the_url_filters_the_grid_on_the_server()
    {
        await SeedPaymentsAsync(3, PaymentStatus.Errored);
        await SeedPaymentsAsync(2);
        Services.GetRequiredService<NavigationManager>().NavigateTo("payments?status=Errored");

        var page = Render<PaymentsPage>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("tbody tr.mud-table-row").Count));
        Assert.All(page.FindAll("tbody tr.mud-table-row"), row => Assert.Contains("Errored", row.TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Changing_a_filter_puts_it_in_the_url_and_reloads_the_grid()
    {
        await Portal.AddWebhookPartnerAsync("other", "https://other.example/hooks");
        await SeedPaymentsAsync(2);
        await SeedPaymentsAsync(4, partner: "other");
        Services.GetRequiredService<NavigationManager>().NavigateTo("payments");
        var page = Render<PaymentsPage>();
        page.WaitForAssertion(() => Assert.Equal(6, page.FindAll("tbody tr.mud-table-row").Count));

        await page.InvokeAsync(() => page.FindComponent<PaymentFilterBar>().Instance.FilterChanged.InvokeAsync(new PaymentFilter { Partner = "other" }));

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("tbody tr.mud-table-row").Count));
        Assert.EndsWith("payments?partner=other", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_grid_pages_on_the_server_25_rows_at_a_time()
    {
        await SeedPaymentsAsync(30);

        var page = Render<PaymentsPage>();

        page.WaitForAssertion(() => Assert.Equal(25, page.FindAll("tbody tr.mud-table-row").Count));
        Assert.Contains("1-25 of 30", page.Markup, StringComparison.Ordinal);
        await page.InvokeAsync(() => page.FindComponent<MudDataGrid<PaymentRow>>().Instance.NavigateTo(Page.Next));
        page.WaitForAssertion(() => Assert.Equal(5, page.FindAll("tbody tr.mud-table-row").Count));
    }

    [Fact]
    public void A_viewer_gets_no_retry_buttons()
    {
        var page = Render<PaymentsPage>();

        Assert.DoesNotContain("Retry", page.Markup, StringComparison.Ordinal);
        Assert.Contains("Export CSV", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void An_operator_gets_the_retry_buttons()
    {
        SignedInAs(Roles.Operator);

        var page = Render<PaymentsPage>();

        Assert.Contains("Retry selected", page.Markup, StringComparison.Ordinal);
        Assert.Contains("Retry all errored matching", page.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retry_all_errored_matching_asks_with_the_count_and_retries_them()
    {
        SignedInAs(Roles.Operator);
        await SeedPaymentsAsync(3, PaymentStatus.Errored);
        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        var page = Render<PaymentsPage>();

        await page.InvokeAsync(() => page.FindAll("button").Single(b => b.TextContent.Contains("Retry all errored matching", StringComparison.Ordinal)).Click());

        dialogs.WaitForAssertion(() => Assert.Contains("Retry all 3 errored payment(s)", dialogs.Markup, StringComparison.Ordinal));
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Retry 3").Click());
        await PortalFactory.WaitUntilAsync(async () =>
        {
            await using var db = Portal.CreateDbContext();
            return await db.Payments.CountAsync(p => p.Status == PaymentStatus.RetryScheduled) == 3;
        }, "the three payments are due again");
        await using var check = Portal.CreateDbContext();
        Assert.Equal(3, await check.AuditEntries.CountAsync(a => a.Action == "payment.retry" && a.Actor == "operator@momo.test", Ct));
    }
}
