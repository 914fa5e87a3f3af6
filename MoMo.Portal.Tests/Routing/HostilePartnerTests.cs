using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Routing;

/// <summary>
/// Partners whose answers the database cannot take as they are: each outcome is still recorded once, so no payment is
/// delivered again and again at every lease.
/// </summary>
public abstract class HostilePartnerTests(DatabaseProvider provider) : IAsyncLifetime
{
    private readonly PortalFactory _portal = PortalFactory.On(provider)
        .With("Routing:DeliveryTimeout", "00:00:02")
        .With("Routing:ClaimLease", "00:00:06");

    private WebhookReceiver _receiver = null!;

    private PaymentRouter Router => _portal.Services.GetRequiredService<PaymentRouter>();

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        await _portal.InitializeAsync();
        await _portal.AddWebhookPartnerAsync("shop", _receiver.Url("shop"));
    }

    [Fact]
    public async Task A_partner_answering_200_with_NUL_bytes_gets_each_payment_once_and_the_reply_is_kept_without_them()
    {
        _receiver.Respond = _ => new Reply(200, Body: "ok\0\0accepted\u0001\u001f done");
        var ids = new[] { await _portal.PostPaymentAsync("shop"), await _portal.PostPaymentAsync("shop"), await _portal.PostPaymentAsync("shop") };

        var summary = await Router.RunPassAsync(Ct);

        Assert.Equal(3, summary.Delivered);
        // Past the lease, a pass would send again anything whose outcome was lost.
        await Task.Delay(TimeSpan.FromSeconds(7), Ct);
        await Router.RunPassAsync(Ct);
        Assert.Equal(3, _receiver.Received.Count);
        foreach (var id in ids)
        {
            var payment = await _portal.LoadPaymentAsync(id);
            Assert.Equal(PaymentStatus.Delivered, payment.Status);
            Assert.Equal("okaccepted done", Assert.Single(payment.Attempts).ResponseExcerpt);
        }
    }

    [Fact]
    public async Task A_partner_answering_a_10_MB_body_is_read_only_as_far_as_the_excerpt()
    {
        _receiver.Respond = _ => new Reply(200, Body: new string('z', 10 * 1024 * 1024));
        var id = await _portal.PostPaymentAsync("shop");

        var summary = await Router.RunPassAsync(Ct);

        Assert.Equal(1, summary.Delivered);
        var attempt = Assert.Single((await _portal.LoadPaymentAsync(id)).Attempts);
        Assert.Equal(DeliveryAttempt.MaxExcerptLength, attempt.ResponseExcerpt!.Length);
    }

    [Fact]
    public async Task An_outcome_the_database_refuses_is_kept_without_the_reply_and_the_rest_of_the_batch_is_written()
    {
        await _portal.ExecuteSqlAsync(provider == DatabaseProvider.Sqlite
            ? """
              CREATE TRIGGER poison BEFORE INSERT ON "DeliveryAttempts" WHEN NEW."ResponseExcerpt" LIKE '%POISON%'
              BEGIN SELECT RAISE(ABORT, 'poisoned row'); END;
              """
            : """
              CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS
              $$ BEGIN IF NEW."ResponseExcerpt" LIKE '%POISON%' THEN RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; END $$;
              CREATE TRIGGER poison BEFORE INSERT ON "DeliveryAttempts" FOR EACH ROW EXECUTE FUNCTION poison();
              """);
        var poisoned = await _portal.PostPaymentAsync("shop", transactionId: "P-1");
        var fine = new[] { await _portal.PostPaymentAsync("shop", transactionId: "F-1"), await _portal.PostPaymentAsync("shop", transactionId: "F-2") };
        _receiver.Respond = webhook => new Reply(200, Body: webhook.Body.Contains("\"P-1\"", StringComparison.Ordinal) ? "POISON" : "fine");

        var summary = await Router.RunPassAsync(Ct);

        Assert.Equal(3, summary.Delivered);
        var kept = Assert.Single((await _portal.LoadPaymentAsync(poisoned)).Attempts);
        Assert.Null(kept.ResponseExcerpt);
        Assert.Equal(PaymentStatus.Delivered, (await _portal.LoadPaymentAsync(poisoned)).Status);
        foreach (var id in fine)
        {
            Assert.Equal("fine", Assert.Single((await _portal.LoadPaymentAsync(id)).Attempts).ResponseExcerpt);
        }

        await Task.Delay(TimeSpan.FromSeconds(7), Ct);
        await Router.RunPassAsync(Ct);
        Assert.Equal(3, _receiver.Received.Count);
    }

    [Fact]
    public async Task A_secret_stored_in_clear_by_an_earlier_version_is_encrypted_by_the_migration_and_still_signs()
    {
        const string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        await _portal.AddWebhookPartnerAsync("legacy", _receiver.Url("legacy"));
        await _portal.ExecuteSqlAsync($"UPDATE \"Partners\" SET \"WebhookSecret\" = '{secret}' WHERE \"AccountId\" = 'legacy'");

        await _portal.Services.MigrateDatabaseAsync(Ct);

        await using (var db = _portal.CreateDbContext())
        {
            var stored = await db.Partners.Where(p => p.AccountId == "legacy").Select(p => p.ProtectedWebhookSecret).SingleAsync(Ct);
            Assert.DoesNotContain("whsec_", stored, StringComparison.Ordinal);
        }

        await _portal.PostPaymentAsync("legacy");
        await Router.RunPassAsync(Ct);
        Assert.True(WebhookDeliveryTests.SignatureIsValid(secret, Assert.Single(_receiver.For("legacy"))));
    }

    [Fact]
    public async Task Plain_http_webhooks_are_refused_where_they_are_not_allowed_and_nothing_is_sent()
    {
        await using var portal = PortalFactory.On(provider).With("Routing:AllowPlainHttp", "false");
        await portal.InitializeAsync();
        await portal.AddWebhookPartnerAsync("plain", _receiver.Url("plain"));
        var id = await portal.PostPaymentAsync("plain");

        await portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct);

        var payment = await portal.LoadPaymentAsync(id);
        Assert.Equal(PaymentStatus.Errored, payment.Status);
        Assert.Contains("plain http://", payment.LastError, StringComparison.Ordinal);
        Assert.Empty(_receiver.For("plain"));
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _receiver.DisposeAsync();
    }
}

public sealed class HostilePartnerOnSqliteTests() : HostilePartnerTests(DatabaseProvider.Sqlite);

public sealed class HostilePartnerOnPostgresTests() : HostilePartnerTests(DatabaseProvider.Postgres);
