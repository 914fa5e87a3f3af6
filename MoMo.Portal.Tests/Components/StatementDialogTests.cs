using Bunit;
using MoMo.Portal.Components.Pages.Partners;
using MoMo.Portal.Days;
using MoMo.Portal.Statements;
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

    [Fact]
    public async Task Checking_a_closed_period_offers_the_csv_and_the_pdf_with_their_hashes()
    {
        var yesterday = Services.GetRequiredService<DayTotalsReader>().Today.AddDays(-1);
        await Services.GetRequiredService<DayCloser>().CloseAsync(yesterday, "test", Ct);
        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        await dialogs.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<StatementDialog>("Statement",
            new DialogParameters<StatementDialog> { { d => d.AccountId, PortalFactory.PartnerId } }));
        dialogs.WaitForAssertion(() => Assert.Contains(dialogs.FindAll("button"), b => b.TextContent.Trim() == "Check"));

        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Check").Click());

        dialogs.WaitForAssertion(() => Assert.Single(dialogs.FindAll("[data-testid=statement-summary]")));
        var statement = (await Services.GetRequiredService<PartnerStatements>()
            .BuildAsync(PortalFactory.PartnerId, yesterday, yesterday, null, Ct)).Value!;
        var files = Services.GetRequiredService<StatementFiles>();
        Assert.Equal(files.Render(statement, StatementFormat.Pdf).Sha256,
            dialogs.Find("[data-testid=statement-pdf-sha]").TextContent);
        Assert.Equal(files.Render(statement, StatementFormat.Csv).Sha256,
            dialogs.Find("[data-testid=statement-csv-sha]").TextContent);
        Assert.Contains(dialogs.FindAll("a"), a => a.GetAttribute("href") ==
            $"partners/{PortalFactory.PartnerId}/statement.pdf?from={yesterday:yyyy-MM-dd}&to={yesterday:yyyy-MM-dd}");
    }
}
