using Bunit;
using MoMo.Portal.Alerts;
using MoMo.Portal.Components.Pages.Alerts;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Components;

public sealed class AlertsPageTests : PortalComponentTest
{
    [Fact]
    public async Task A_viewer_sees_open_alerts_first_then_the_history_with_what_was_sent()
    {
        await using (var db = Portal.CreateDbContext())
        {
            db.Alerts.Add(new Alert
            {
                Condition = AlertConditions.SuspenseOverdue, Subject = "", OpenedAtUtc = DateTime.UtcNow.AddDays(-2), Detail = "2 payment(s) in suspense",
                State = AlertState.Cleared, ClearedAtUtc = DateTime.UtcNow.AddDays(-1), OpenSentAtUtc = DateTime.UtcNow.AddDays(-2),
                ClearSentAtUtc = DateTime.UtcNow.AddDays(-1),
            });
            db.Alerts.Add(new Alert
            {
                Condition = AlertConditions.BacklogDue, Subject = "", OpenedAtUtc = DateTime.UtcNow.AddMinutes(-3), Detail = "7 payment(s) due",
                LastSendError = "e-mail to ops@momo.test: Connection refused",
            });
            await db.SaveChangesAsync(Ct);
        }

        var page = Render<AlertsPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=alerts] tbody tr").Count));
        var rows = page.FindAll("[data-testid=alerts] tbody tr");
        Assert.Contains("routing_backlog_due", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("not yet: e-mail to ops@momo.test", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("suspense_overdue", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("opened, cleared", rows[1].TextContent, StringComparison.Ordinal);
    }
}
