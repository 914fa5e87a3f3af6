using Bunit;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Components.Pages.Partners;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Tests.TestSupport;
using MudBlazor;
using MoMo.Portal.Users;

namespace MoMo.Portal.Tests.Components;

public sealed class RecoverDialogTests : PortalComponentTest
{
    [Fact]
    public async Task An_operator_counts_the_errored_payments_since_a_time_then_requeues_exactly_those()
    {
        SignedInAs(Roles.Operator);
        long errored;
        await using (var db = Portal.CreateDbContext())
        {
            var payment = Payment.Receive(PortalFactory.BankCode, PortalFactory.PayerId, PortalFactory.PartnerId, 500, "USD", "RD-1", null, "fp",
                Guid.NewGuid().ToString("N"), DateTime.UtcNow);
            payment.MarkErrored("HTTP 410");
            db.Payments.Add(payment);
            await db.SaveChangesAsync(Ct);
            errored = payment.Id;
        }

        Render<MudPopoverProvider>();
        var dialogs = Render<MudDialogProvider>();
        await dialogs.InvokeAsync(() => Services.GetRequiredService<IDialogService>().ShowAsync<RecoverDialog>("Recover",
            new DialogParameters<RecoverDialog> { { d => d.AccountId, PortalFactory.PartnerId } }));
        dialogs.WaitForAssertion(() => Assert.Contains(dialogs.FindAll("button"), b => b.TextContent.Trim() == "Count"));
        Assert.True(dialogs.FindAll("button").Single(b => b.TextContent.Trim().StartsWith("Re-queue", StringComparison.Ordinal)).HasAttribute("disabled"),
            "nothing is re-queued before the count is seen");

        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Count").Click());
        dialogs.WaitForAssertion(() => Assert.Contains("1 errored payment will be re-queued", dialogs.Find("[data-testid=recover-count]").TextContent,
            StringComparison.Ordinal));
        await dialogs.InvokeAsync(() => dialogs.FindAll("button").Single(b => b.TextContent.Trim() == "Re-queue 1").Click());

        await PortalFactory.WaitUntilAsync(async () =>
        {
            await using var db = Portal.CreateDbContext();
            return (await db.Payments.SingleAsync(p => p.Id == errored)).Status != PaymentStatus.Errored;
        }, "the payment is re-queued");
        await using var check = Portal.CreateDbContext();
        Assert.Equal("operator@momo.test", (await check.AuditEntries.SingleAsync(a => a.Action == "partner.recover", Ct)).Actor);
    }
}
