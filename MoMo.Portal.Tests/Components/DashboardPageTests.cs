using Bunit;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Components.Pages.Dashboard;
using MoMo.Portal.Days;
using MoMo.Portal.Payments;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Components;

public sealed class DashboardPageTests : PortalComponentTest
{
    [Fact]
    public async Task The_tiles_count_todays_payments_by_bucket_from_the_running_totals_folded_or_not()
    {
        await Portal.AddWebhookPartnerAsync("closed-shop", "https://closed.example/hooks");
        await using (var db = Portal.CreateDbContext())
        {
            await db.Partners.Where(p => p.AccountId == "closed-shop").ExecuteUpdateAsync(s => s.SetProperty(p => p.IsActive, false), Ct);
        }

        await SeedAsync(PortalFactory.PartnerId, p => p.MarkDelivered(DateTime.UtcNow));
        await SeedAsync(PortalFactory.PartnerId, p => p.MarkDelivered(DateTime.UtcNow));
        await SeedAsync(PortalFactory.PartnerId, p => p.MarkErrored("HTTP 410"));
        await SeedAsync(PortalFactory.PartnerId, _ => { });
        await Portal.Services.GetRequiredService<TotalsFolder>().FoldAsync(Ct);
        // Received after the fold: counted from the unfolded tail.
        await SeedAsync("closed-shop", _ => { });

        var page = Render<DashboardPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindComponents<StatusTiles>()));
        var today = page.FindComponents<StatusTiles>()[0].Instance.Counts;
        Assert.Equal(new StatusCounts(Received: 5, Delivered: 2, Waiting: 1, Errored: 1, Held: 1, Suspense: 0, Returned: 0), today);
        Assert.Contains("Waiting", page.Markup, StringComparison.Ordinal);
    }

    private async Task SeedAsync(string partner, Action<Payment> then)
    {
        await using var db = Portal.CreateDbContext();
        var payment = Payment.Receive(PortalFactory.BankCode, PortalFactory.PayerId, partner, 100, "USD", null, null, "fp",
            Guid.NewGuid().ToString("N"), DateTime.UtcNow);
        then(payment);
        db.Payments.Add(payment);
        await db.SaveChangesAsync(Ct);
    }
}
