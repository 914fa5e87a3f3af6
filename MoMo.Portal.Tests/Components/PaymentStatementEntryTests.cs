using Bunit;
using MoMo.Portal.Components.Pages.Payments;
using MoMo.Portal.Reconciliation;
using MoMo.Portal.Tests.Reconciliation;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Components;

public sealed class PaymentStatementEntryTests : PortalComponentTest
{
    [Fact]
    public async Task A_payment_shows_the_statement_entry_matched_to_it_and_an_unmatched_one_says_so()
    {
        var matched = await Portal.PostPaymentAsync(PortalFactory.PartnerId, "5.00", "T-N1");
        var other = await Portal.PostPaymentAsync(PortalFactory.PartnerId, "9.00", "T-ELSE");
        await using (var file = File.OpenRead(CamtReaderTests.Sample("camt.054.001.04.xml")))
        {
            await Services.GetRequiredService<StatementImporter>().ImportAsync(PortalFactory.BankCode, "n.xml", file, "test", Ct);
        }

        var onStatement = Render<PaymentStatementEntry>(p => p.Add(c => c.PaymentId, matched));
        var notOnStatement = Render<PaymentStatementEntry>(p => p.Add(c => c.PaymentId, other));

        onStatement.WaitForAssertion(() => Assert.Contains("Matched to entry", onStatement.Markup, StringComparison.Ordinal));
        Assert.Contains("NTF-1-A", onStatement.Markup, StringComparison.Ordinal);
        notOnStatement.WaitForAssertion(() => Assert.Contains("Not on any imported statement yet.", notOnStatement.Markup, StringComparison.Ordinal));
    }
}
