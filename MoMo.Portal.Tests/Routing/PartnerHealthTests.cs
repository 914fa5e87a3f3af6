using MoMo.Portal.Components.Pages.Partners;
using MoMo.Portal.Data;
using MoMo.Portal.Routing;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Routing;

/// <summary>The partners list's delivery health, from real deliveries to a loopback receiver, on each database.</summary>
public abstract class PartnerHealthTests(DatabaseProvider provider)
{
    [Fact]
    public async Task The_list_shows_each_partners_failure_streak_waiting_and_errored_payments_and_last_success()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = PortalFactory.On(provider).With("Routing:RetrySchedule", "1s").With("Routing:PauseAfterFailures", "0");
        await portal.InitializeAsync();
        await portal.AddWebhookPartnerAsync("shop", receiver.Url("shop"));
        await portal.AddWebhookPartnerAsync("cafe", receiver.Url("cafe"));
        receiver.Respond = webhook => new Reply(webhook.Path == "/shop" ? 503 : 200);
        await portal.PostPaymentAsync("shop", "1.00", "S-1");
        await portal.PostPaymentAsync("shop", "2.00", "S-2");
        await portal.PostPaymentAsync("cafe", "3.00", "C-1");
        var router = portal.Services.GetRequiredService<PaymentRouter>();

        await router.RunPassAsync(Ct); // shop fails twice, cafe is paid
        var failing = await HealthAsync(portal);
        await Task.Delay(TimeSpan.FromSeconds(1.2), Ct); // the retries are due; shop's second try errors each (one retry only)
        await router.RunPassAsync(Ct);
        var errored = await HealthAsync(portal);
        receiver.Respond = _ => new Reply(200);
        await portal.PostPaymentAsync("shop", "4.00", "S-3");
        await router.RunPassAsync(Ct);
        var recovered = await HealthAsync(portal);

        Assert.Equal((2, 2, 0), (failing["shop"].ConsecutiveFailures, failing["shop"].Waiting, failing["shop"].Errored));
        Assert.Null(failing["shop"].LastSuccessUtc);
        Assert.Equal((0, 0, 0), (failing["cafe"].ConsecutiveFailures, failing["cafe"].Waiting, failing["cafe"].Errored));
        Assert.NotNull(failing["cafe"].LastSuccessUtc);
        Assert.Equal((4, 0, 2), (errored["shop"].ConsecutiveFailures, errored["shop"].Waiting, errored["shop"].Errored));
        Assert.Equal((0, 0, 2), (recovered["shop"].ConsecutiveFailures, recovered["shop"].Waiting, recovered["shop"].Errored));
        Assert.NotNull(recovered["shop"].LastSuccessUtc);
    }

    private static async Task<Dictionary<string, PartnerHealth>> HealthAsync(PortalFactory portal)
    {
        await using var db = portal.CreateDbContext();
        return (await PartnerHealth.LoadAsync(db, null, Ct)).ToDictionary(p => p.AccountId);
    }
}

public sealed class PartnerHealthOnSqliteTests() : PartnerHealthTests(DatabaseProvider.Sqlite);

public sealed class PartnerHealthOnPostgresTests() : PartnerHealthTests(DatabaseProvider.Postgres);
