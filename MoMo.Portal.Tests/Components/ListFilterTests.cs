using Bunit;
using Microsoft.AspNetCore.Components;
using MoMo.Portal.Components.Pages.Audit;
using MoMo.Portal.Components.Pages.Payers;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Components;

/// <summary>Lists read their filters from the URL, so a shared link shows the same rows.</summary>
public sealed class ListFilterTests : PortalComponentTest
{
    [Fact]
    public void The_audit_log_opens_filtered_by_the_url()
    {
        // The factory created three banks, one partner and one payer, each recorded in the audit log.
        Services.GetRequiredService<NavigationManager>().NavigateTo("audit?on=Bank");

        var page = Render<AuditPage>();

        page.WaitForAssertion(() => Assert.Equal(3, page.FindAll("tbody tr.mud-table-row").Count));
        Assert.All(page.FindAll("tbody tr.mud-table-row"), row => Assert.Contains("bank.create", row.TextContent, StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_payers_list_opens_with_the_search_from_the_url()
    {
        await Portal.Services.GetRequiredService<MoMo.Portal.Payers.PayerService>()
            .CreateAsync("amina-256", "Amina", null, "test", Ct);
        Services.GetRequiredService<NavigationManager>().NavigateTo("payers?q=amina");

        var page = Render<PayersPage>();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("tbody tr.mud-table-row")));
        Assert.Contains("amina-256", page.Find("tbody tr.mud-table-row").TextContent, StringComparison.Ordinal);
    }
}
