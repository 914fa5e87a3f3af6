using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Metrics;

/// <summary><c>/metrics</c> scraped over HTTP as Prometheus does, after real payments and deliveries, on each database.</summary>
public abstract class MetricsTests(DatabaseProvider provider)
{
    private const string Token = "a-metrics-token-of-at-least-32-characters";

    [Fact]
    public async Task A_scrape_from_loopback_counts_what_banks_sent_what_partners_got_and_the_backlog()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = await PortalFactory.On(provider).StartOnKestrelAsync();
        await portal.AddWebhookPartnerAsync("shop", receiver.Url("shop"));
        await portal.AddWebhookPartnerAsync("closed", receiver.Url("closed"));
        await portal.PostPaymentAsync("shop", "12.50", "M-1");
        await portal.PostPaymentAsync("closed", "3.00", "M-2");
        await portal.PostPaymentAsync("shop", "4.00", "M-3");
        using var client = portal.CreateClient();
        var invalid = await client.SendAsync(BankRequests.Post(BankRequests.Body(amount: "-1"), portal.BankApiKey), Ct);
        var stranger = await client.SendAsync(BankRequests.Post(BankRequests.Body(), "mbk_not-a-key-not-a-key-not-a-key"), Ct);
        await using (var db = portal.CreateDbContext())
        {
            await db.Partners.Where(p => p.AccountId == "closed").ExecuteUpdateAsync(s => s.SetProperty(p => p.IsActive, false), Ct);
        }

        await portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct);
        await using (var db = portal.CreateDbContext())
        {
            // One payment errored, as after a permanent failure.
            await db.Payments.Where(p => p.BankReference == "M-3")
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PaymentStatus.Errored), Ct);
        }

        // Another portal in this process (as tests run them): its payments are its own, never in this one's metrics.
        await using var other = await PortalFactory.On(provider).StartOnKestrelAsync();
        await other.AddWebhookPartnerAsync("shop", receiver.Url("shop"));
        await other.PostPaymentAsync("shop", "1.00", "O-1");
        using (var otherClient = other.CreateClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await otherClient.GetAsync("/metrics", Ct)).StatusCode);
        }

        var response = await client.GetAsync("/metrics", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(400, (int)invalid.StatusCode);
        Assert.Equal(401, (int)stranger.StatusCode);
        var metrics = Scrape.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(3, metrics.Value("momo_payments_received_total", ("bank", PortalFactory.BankCode), ("outcome", "created")));
        Assert.Equal(1, metrics.Value("momo_payments_received_total", ("bank", PortalFactory.BankCode), ("outcome", "rejected"), ("code", "validation_failed")));
        Assert.Equal(1, metrics.Value("momo_payments_received_total", ("bank", "unauthenticated"), ("outcome", "rejected")));
        Assert.Equal(2, metrics.Value("momo_delivery_attempts_total", ("partner", "shop"), ("result", "delivered")));
        Assert.Equal(2, metrics.Value("momo_delivery_latency_seconds_count", ("partner", "shop")));
        Assert.Equal(1, metrics.Value("momo_routing_backlog", ("state", "held")));
        Assert.Equal(1, metrics.Value("momo_routing_backlog", ("state", "errored")));
        Assert.Equal(0, metrics.Value("momo_routing_backlog", ("state", "due")));
        Assert.Equal(0, metrics.Value("momo_routing_due_oldest_age_seconds"));
        Assert.True(metrics.Value("momo_ingestion_batch_size_count") >= 1);
        Assert.True(metrics.Value("momo_ingestion_commit_duration_seconds_count") >= 1);
        Assert.True(metrics.Names.Any(n => n.StartsWith("http_server_request_duration_seconds", StringComparison.Ordinal)), "ASP.NET Core's meter");
        Assert.True(metrics.Names.Any(n => n.StartsWith("dotnet_", StringComparison.Ordinal) || n.StartsWith("process_runtime_dotnet", StringComparison.Ordinal)),
            "the runtime's meter");
    }

    [Fact]
    public async Task Without_loopback_or_the_token_metrics_do_not_exist_and_with_the_token_they_do()
    {
        // The in-memory test server gives no remote address: the request is not from loopback.
        await using var portal = PortalFactory.On(provider).With("Metrics:Token", Token);
        await portal.InitializeAsync();
        using var client = portal.CreateClient();

        var anonymous = await client.GetAsync("/metrics", Ct);
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Token + "x") } };
        var wrongToken = await client.SendAsync(wrong, Ct);
        using var right = new HttpRequestMessage(HttpMethod.Get, "/metrics") { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", Token) } };
        var withToken = await client.SendAsync(right, Ct);

        Assert.Equal(HttpStatusCode.NotFound, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, wrongToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withToken.StatusCode);
        Assert.Contains("momo_routing_backlog", await withToken.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    /// <summary>The Prometheus text format, read back: each sample's name, labels and value.</summary>
    private sealed class Scrape
    {
        private readonly List<(string Name, Dictionary<string, string> Labels, double Value)> _samples = [];

        public IEnumerable<string> Names => _samples.Select(s => s.Name);

        public static Scrape Parse(string text)
        {
            var scrape = new Scrape();
            foreach (var line in text.Split('\n').Where(l => l.Length > 0 && l[0] != '#'))
            {
                var brace = line.IndexOf('{', StringComparison.Ordinal);
                var space = line.LastIndexOf(' ');
                var name = brace >= 0 && brace < space ? line[..brace] : line[..line.IndexOf(' ', StringComparison.Ordinal)];
                var labels = new Dictionary<string, string>();
                if (brace >= 0 && brace < space)
                {
                    var body = line[(brace + 1)..line.LastIndexOf('}')];
                    foreach (System.Text.RegularExpressions.Match pair in System.Text.RegularExpressions.Regex.Matches(body, "(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\""))
                    {
                        labels[pair.Groups[1].Value] = pair.Groups[2].Value;
                    }
                }

                // A sample ends with its value, and maybe a timestamp after it.
                var parts = line[(line.LastIndexOf('}') + 1)..].Trim().Split(' ');
                scrape._samples.Add((name, labels, double.Parse(brace >= 0 ? parts[0] : line.Split(' ')[1], CultureInfo.InvariantCulture)));
            }

            return scrape;
        }

        /// <summary>The sum of the samples named <paramref name="name"/> with these labels (0 when there are none).</summary>
        public double Value(string name, params (string Key, string Value)[] labels) =>
            _samples.Where(s => s.Name == name && labels.All(l => s.Labels.GetValueOrDefault(l.Key) == l.Value)).Sum(s => s.Value);
    }
}

public sealed class MetricsOnSqliteTests() : MetricsTests(DatabaseProvider.Sqlite);

public sealed class MetricsOnPostgresTests() : MetricsTests(DatabaseProvider.Postgres);
