using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Playwright;

namespace MoMo.Portal.Tests.TestSupport;

/// <summary>
/// The portal on a real socket and Debian's Chromium driven by Playwright. Without Chromium the test is skipped with
/// the reason, unless CI is set: then a missing browser is a failure, never a silent pass.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string s_artifacts = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    private BrowserSession(PortalFactory portal) => Portal = portal;

    public PortalFactory Portal { get; }

    /// <summary>http://localhost:port, as a user would type it.</summary>
    public string BaseUrl { get; private set; } = "";

    public static async Task<BrowserSession> StartAsync(PortalFactory portal)
    {
        if (!File.Exists(ChromiumPath))
        {
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
            {
                throw new InvalidOperationException($"CI is set but {ChromiumPath} is missing: .ci/run installs it with apt-get install chromium.");
            }

            Assert.Skip($"Chromium is not installed at {ChromiumPath} (apt-get install chromium); the browser tests need it.");
        }

        var session = new BrowserSession(portal);
        portal.UseKestrel(0);
        portal.StartServer();
        await portal.InitializeAsync();
        var address = portal.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        session.BaseUrl = new UriBuilder(address) { Host = "localhost" }.Uri.ToString().TrimEnd('/');

        session._playwright = await Playwright.CreateAsync();
        session._browser = await session._playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        return session;
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseUrl,
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        // Script errors and resources the Content-Security-Policy blocked both reach the console as errors.
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                ConsoleErrors.Enqueue($"{page.Url}: {message.Text}");
            }
        };
        page.PageError += (_, error) => ConsoleErrors.Enqueue($"{page.Url}: {error}");
        return page;
    }

    /// <summary>Every console error and uncaught script error of the session's pages.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<string> ConsoleErrors { get; } = new();

    /// <summary>Signs in through the sign-in page and waits for the portal's interactive layout.</summary>
    public async Task<IPage> SignInAsync(string email, string password)
    {
        var page = await NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.FillAsync("#Input\\.Email", email);
        await page.FillAsync("#Input\\.Password", password);
        await page.ClickAsync("button[type=submit]:has-text('Log in')");
        await WaitForInteractiveAsync(page);
        return page;
    }

    /// <summary>Goes to a portal page and waits until its circuit is live, so clicks are not lost on the prerendered page.</summary>
    public static async Task GoToAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await WaitForInteractiveAsync(page);
    }

    public static Task WaitForInteractiveAsync(IPage page) => page.WaitForSelectorAsync("[data-interactive=true]");

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(s_artifacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(s_artifacts, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Portal.DisposeAsync();
    }
}
