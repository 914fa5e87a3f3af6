using MoMo.Portal.Data;
using MoMo.Portal.Tests.TestSupport;
using MoMo.Portal.Users;

namespace MoMo.Portal.Tests.EndToEnd;

public sealed class SmokeTests
{
    [Fact]
    public async Task An_admin_signs_in_and_lands_on_the_dashboard()
    {
        await using var session = await BrowserSession.StartAsync(new PortalFactory());
        await session.Portal.Services.GetRequiredService<UserAccounts>()
            .CreateAsync("admin@momo.test", Roles.Admin, "correct horse battery staple", "test");
        await session.Portal.PostPaymentAsync();

        var page = await session.SignInAsync("admin@momo.test", "correct horse battery staple");
        await page.WaitForSelectorAsync("text=Payments per day");
        await BrowserSession.ScreenshotAsync(page, "dashboard");
        await page.GotoAsync("/payments");
        await page.WaitForSelectorAsync("td:has-text('merchant-1')");
        await BrowserSession.ScreenshotAsync(page, "payments");
    }
}
