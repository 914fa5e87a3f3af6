using Bunit;
using MoMo.Portal.Components.Pages.Partners;
using MoMo.Portal.Tests.TestSupport;
using MudBlazor;

namespace MoMo.Portal.Tests.Components;

public sealed class StatementDialogTests : PortalComponentTest
{
    [Fact]
    public async Task Checking_a_period_with_an_open_day_says_so_beside_the_dates_and_offers_no_download()
    {
        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        await dialogs.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<StatementDialog>("Statement",
            new DialogParameters<StatementDialog> { { d => d.AccountId, PortalFactory.PartnerId } }));
        dialogs.WaitForAssertion(() => Assert.Contains(dialogs.FindAll("button"), b => b.TextContent.Trim() == "Check"));

        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Check").Click());

        // Yesterday, the default, has not been closed.
        dialogs.WaitForAssertion(() => Assert.Contains("covers closed business days only", dialogs.Markup, StringComparison.Ordinal));
        Assert.Empty(dialogs.FindAll("[data-testid=statement-summary]"));
    }
}
