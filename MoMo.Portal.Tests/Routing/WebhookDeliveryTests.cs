using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Data;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Routing;

/// <summary>The router against a real webhook receiver on loopback, one pass at a time.</summary>
public abstract class WebhookDeliveryTests(DatabaseProvider provider) : IAsyncLifetime
{
    private readonly PortalFactory _portal = PortalFactory.On(provider)
        .With("Routing:RetrySchedule", "1s,1s")
        .With("Routing:DeliveryTimeout", "00:00:01")
        .With("Routing:ClaimLease", "00:00:08");

    private WebhookReceiver _receiver = null!;
    private string _secret = "";

    private PaymentRouter Router => _portal.Services.GetRequiredService<PaymentRouter>();

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        await _portal.InitializeAsync();
        _secret = await _portal.AddWebhookPartnerAsync("shop", _receiver.Url("shop"));
    }

    [Fact]
    public async Task A_payment_is_posted_to_the_partner_signed_per_standard_webhooks_and_marked_delivered()
    {
        var id = await _portal.PostPaymentAsync("shop", "55.10", "T-1");

        var summary = await Router.RunPassAsync(Ct);

        Assert.Equal(1, summary.Delivered);
        var webhook = Assert.Single(_receiver.Received);
        Assert.True(SignatureIsValid(_secret, webhook), "the signature does not verify with the partner's secret");
        Assert.Equal(webhook.Id, webhook.Headers["Idempotency-Key"]);
        Assert.Contains("MoMo-Portal", webhook.Headers["User-Agent"], StringComparison.Ordinal);
        Assert.InRange(long.Parse(webhook.Headers["webhook-timestamp"]), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(),
            DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        using var json = JsonDocument.Parse(webhook.Body);
        Assert.Equal("payment.received", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(webhook.Id, json.RootElement.GetProperty("id").GetString());
        var data = json.RootElement.GetProperty("data");
        Assert.Equal(id, data.GetProperty("payment_id").GetInt64());
        Assert.Equal("55.10", data.GetProperty("amount").GetString());
        Assert.Equal("USD", data.GetProperty("currency").GetString());
        Assert.Equal(PortalFactory.PayerId, data.GetProperty("reference_number").GetString());
        Assert.Equal("shop", data.GetProperty("account_number").GetString());
        Assert.Equal(PortalFactory.BankCode, data.GetProperty("bank_code").GetString());
        Assert.Equal("T-1", data.GetProperty("transaction_id").GetString());

        var payment = await _portal.LoadPaymentAsync(id);
        Assert.Equal(PaymentStatus.Delivered, payment.Status);
        Assert.NotNull(payment.ProcessedAtUtc);
        Assert.Null(payment.ClaimToken);
        var attempt = Assert.Single(payment.Attempts);
        Assert.Equal(DeliveryOutcome.Delivered, attempt.Outcome);
        Assert.Equal(200, attempt.HttpStatus);
        Assert.Equal(DeliveryChannel.Webhook, attempt.Channel);
        Assert.Equal(_receiver.Url("shop"), attempt.Target);
        Assert.Equal(DeliveryAttempt.RouterTrigger, attempt.TriggeredBy);
        Assert.Equal(payment.DeliveryId, webhook.Id);
    }

    [Fact]
    public async Task A_delivered_payment_is_never_sent_again()
    {
        await _portal.PostPaymentAsync("shop");
        await Router.RunPassAsync(Ct);

        var second = await Router.RunPassAsync(Ct);

        Assert.Equal(0, second.Attempts);
        Assert.Single(_receiver.Received);
    }

    [Fact]
    public async Task A_500_is_retried_on_schedule_with_the_same_webhook_id_until_the_partner_takes_it()
    {
        var calls = 0;
        _receiver.Respond = _ => Interlocked.Increment(ref calls) == 1 ? new Reply(500, Body: "database down") : new Reply(200);
        var id = await _portal.PostPaymentAsync("shop");

        var first = await Router.RunPassAsync(Ct);
        var afterFirst = await _portal.LoadPaymentAsync(id);
        await PortalFactory.WaitUntilAsync(async () => (await Router.RunPassAsync(Ct)).Delivered == 1, "the retry delivers it");

        Assert.Equal(1, first.RetryScheduled);
        Assert.Equal(PaymentStatus.RetryScheduled, afterFirst.Status);
        // The first delay of "1s,1s" (plus up to 10 % jitter), counted from when the failure was recorded: at least
        // a second after the attempt began, and not the next delay or the recurring job's tick.
        Assert.InRange(afterFirst.NextAttemptAtUtc!.Value - afterFirst.Attempts[0].StartedAtUtc,
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4));
        Assert.Contains("500", afterFirst.LastError, StringComparison.Ordinal);
        var payment = await _portal.LoadPaymentAsync(id);
        Assert.Equal(PaymentStatus.Delivered, payment.Status);
        Assert.Equal(2, payment.AttemptCount);
        Assert.Equal([500, 200], payment.Attempts.OrderBy(a => a.Number).Select(a => a.HttpStatus));
        Assert.Equal("database down", payment.Attempts.Single(a => a.Number == 1).ResponseExcerpt);
        Assert.Single(_receiver.Received.Select(r => r.Id).Distinct());
    }

    [Fact]
    public async Task When_every_attempt_fails_the_payment_is_errored_after_the_last_one()
    {
        _receiver.Respond = _ => new Reply(503);
        var id = await _portal.PostPaymentAsync("shop");

        await PortalFactory.WaitUntilAsync(async () =>
        {
            await Router.RunPassAsync(Ct);
            return (await _portal.LoadPaymentAsync(id)).Status == PaymentStatus.Errored;
        }, "the payment is errored");

        var payment = await _portal.LoadPaymentAsync(id);
        Assert.Equal(3, payment.AttemptCount); // "1s,1s": two delays, three attempts
        Assert.True(payment.ProcessError);
        Assert.Contains("503", payment.LastError, StringComparison.Ordinal);
        Assert.All(payment.Attempts, a => Assert.Equal(DeliveryOutcome.TransientFailure, a.Outcome));
    }

    [Theory]
    [InlineData(410)]
    [InlineData(400)]
    [InlineData(404)]
    public async Task A_permanent_4xx_errors_the_payment_at_once(int status)
    {
        _receiver.Respond = _ => new Reply(status);
        var id = await _portal.PostPaymentAsync("shop");

        var summary = await Router.RunPassAsync(Ct);

        Assert.Equal(1, summary.Errored);
        var payment = await _portal.LoadPaymentAsync(id);
        Assert.Equal(PaymentStatus.Errored, payment.Status);
        Assert.True(payment.ProcessError);
        Assert.Equal(DeliveryOutcome.PermanentFailure, Assert.Single(payment.Attempts).Outcome);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(302)]
    [InlineData(502)]
    public async Task Timeouts_redirects_and_server_errors_are_transient(int status)
    {
        _receiver.Respond = _ => new Reply(status, Headers: new() { ["Location"] = "http://127.0.0.1:1/elsewhere" });
        var id = await _portal.PostPaymentAsync("shop");

        await Router.RunPassAsync(Ct);

        var payment = await _portal.LoadPaymentAsync(id);
        Assert.Equal(PaymentStatus.RetryScheduled, payment.Status);
        Assert.Equal(status, Assert.Single(payment.Attempts).HttpStatus);
        Assert.Single(_receiver.Received); // the redirect was not followed
    }

    [Fact]
    public async Task A_429_is_retried_no_sooner_than_its_Retry_After()
    {
        _receiver.Respond = _ => new Reply(429, Headers: new() { ["Retry-After"] = "120" });
        var id = await _portal.PostPaymentAsync("shop");

        await Router.RunPassAsync(Ct);

        var payment = await _portal.LoadPaymentAsync(id);
        Assert.Equal(PaymentStatus.RetryScheduled, payment.Status);
        Assert.True(payment.NextAttemptAtUtc >= payment.Attempts[0].StartedAtUtc.AddSeconds(119), $"next attempt {payment.NextAttemptAtUtc:O}");
        Assert.Equal(429, payment.Attempts[0].HttpStatus);
    }

    [Fact]
    public async Task A_partner_that_does_not_answer_in_time_is_a_transient_failure()
    {
        _receiver.Respond = _ => new Reply(200, Delay: TimeSpan.FromSeconds(5));
        var id = await _portal.PostPaymentAsync("shop");

        await Router.RunPassAsync(Ct);

        var payment = await _portal.LoadPaymentAsync(id);
        Assert.Equal(PaymentStatus.RetryScheduled, payment.Status);
        var attempt = Assert.Single(payment.Attempts);
        Assert.Equal(DeliveryOutcome.TransientFailure, attempt.Outcome);
        Assert.Contains("No answer within 1 s", attempt.Error, StringComparison.Ordinal);
        Assert.InRange(attempt.DurationMs, 900, 4000);
    }

    [Fact]
    public async Task Connection_refused_is_a_transient_failure()
    {
        await _portal.AddWebhookPartnerAsync("gone", "http://127.0.0.1:1/hooks");
        var id = await _portal.PostPaymentAsync("gone");

        await Router.RunPassAsync(Ct);

        var payment = await _portal.LoadPaymentAsync(id);
        Assert.Equal(PaymentStatus.RetryScheduled, payment.Status);
        Assert.Contains("connect", Assert.Single(payment.Attempts).Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_tls_failure_is_transient()
    {
        // https:// to a plain-http server: the TLS handshake fails.
        await _portal.AddWebhookPartnerAsync("tls", _receiver.Url("tls").Replace("http://", "https://", StringComparison.Ordinal));
        var id = await _portal.PostPaymentAsync("tls");

        await Router.RunPassAsync(Ct);

        var payment = await _portal.LoadPaymentAsync(id);
        Assert.Equal(PaymentStatus.RetryScheduled, payment.Status);
        Assert.Contains("TLS", Assert.Single(payment.Attempts).Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_name_that_does_not_resolve_is_transient()
    {
        await _portal.AddWebhookPartnerAsync("nxdomain", "http://partner.invalid/hooks");
        var id = await _portal.PostPaymentAsync("nxdomain");

        await Router.RunPassAsync(Ct);

        var payment = await _portal.LoadPaymentAsync(id);
        Assert.Equal(PaymentStatus.RetryScheduled, payment.Status);
        Assert.False(string.IsNullOrEmpty(Assert.Single(payment.Attempts).Error));
    }

    [Fact]
    public async Task A_connection_reset_by_the_partner_is_transient_and_other_partners_still_get_theirs()
    {
        using var resetter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        resetter.Start();
        var port = ((System.Net.IPEndPoint)resetter.LocalEndpoint).Port;
        var resets = Task.Run(async () =>
        {
            while (true)
            {
                using var client = await resetter.AcceptTcpClientAsync(Ct);
                client.LingerState = new System.Net.Sockets.LingerOption(true, 0); // close with RST
                await Task.Delay(50, Ct);
            }
        }, Ct);
        await _portal.AddWebhookPartnerAsync("resets", $"http://127.0.0.1:{port}/hooks");
        var reset = await _portal.PostPaymentAsync("resets");
        var fine = await _portal.PostPaymentAsync("shop");

        var summary = await Router.RunPassAsync(Ct);

        Assert.Equal(1, summary.Delivered);
        Assert.Equal(PaymentStatus.RetryScheduled, (await _portal.LoadPaymentAsync(reset)).Status);
        Assert.Equal(PaymentStatus.Delivered, (await _portal.LoadPaymentAsync(fine)).Status);
        resetter.Stop();
        await Task.WhenAny(resets);
    }

    [Fact]
    public async Task An_inactive_partners_payments_wait_and_go_out_when_it_is_enabled_again()
    {
        await SetActiveAsync("shop", false);
        var id = await _portal.PostPaymentAsync("shop");

        var whileInactive = await Router.RunPassAsync(Ct);
        await SetActiveAsync("shop", true);
        var afterEnabling = await Router.RunPassAsync(Ct);

        Assert.Equal(0, whileInactive.Attempts);
        Assert.Equal(1, afterEnabling.Delivered);
        Assert.Equal(PaymentStatus.Delivered, (await _portal.LoadPaymentAsync(id)).Status);
    }

    [Fact]
    public async Task Staff_retry_of_an_errored_payment_delivers_it_and_the_attempt_is_theirs()
    {
        _receiver.Respond = _ => new Reply(410);
        var id = await _portal.PostPaymentAsync("shop");
        await Router.RunPassAsync(Ct);
        _receiver.Respond = _ => new Reply(200);

        var retry = await _portal.Services.GetRequiredService<PaymentRetryService>().RetryAsync([id], "ops@momo.test", Ct);
        await Router.RunPassAsync(Ct);

        Assert.Equal(1, retry.Retried);
        var payment = await _portal.LoadPaymentAsync(id);
        Assert.Equal(PaymentStatus.Delivered, payment.Status);
        Assert.False(payment.ProcessError);
        Assert.Equal(["router", "ops@momo.test"], payment.Attempts.OrderBy(a => a.Number).Select(a => a.TriggeredBy));
        Assert.Equal(2, _receiver.Received.Count(r => r.Id == payment.DeliveryId));
    }

    [Fact]
    public async Task A_pass_that_died_mid_delivery_leaves_a_claim_the_next_pass_takes_after_it_expires()
    {
        // The first pass hangs inside the partner's call; cancelling it is what a killed process looks like from
        // the database: the payment stays claimed (Delivering) and nothing is recorded.
        _receiver.Respond = _ => new Reply(200, Delay: TimeSpan.FromSeconds(30));
        var id = await _portal.PostPaymentAsync("shop");
        using var kill = new CancellationTokenSource();
        var dying = Router.RunPassAsync(kill.Token);
        await PortalFactory.WaitUntilAsync(() => Task.FromResult(!_receiver.MaxInFlight.Equals(0)), "the partner is being called");
        await kill.CancelAsync();
        await dying;
        var claimed = await _portal.LoadPaymentAsync(id);
        _receiver.Respond = _ => new Reply(200);

        var beforeExpiry = await Router.RunPassAsync(Ct);
        await PortalFactory.WaitUntilAsync(async () => (await Router.RunPassAsync(Ct)).Delivered == 1,
            "the expired claim is taken over", TimeSpan.FromSeconds(20));

        Assert.Equal(PaymentStatus.Delivering, claimed.Status);
        Assert.NotNull(claimed.ClaimToken);
        Assert.Equal(0, beforeExpiry.Attempts);
        var payment = await _portal.LoadPaymentAsync(id);
        Assert.Equal(PaymentStatus.Delivered, payment.Status);
        Assert.Single(payment.Attempts);
        Assert.All(_receiver.Received, r => Assert.Equal(payment.DeliveryId, r.Id));
    }

    [Fact]
    public async Task Two_routers_running_at_once_deliver_each_payment_exactly_once()
    {
        _receiver.Respond = _ => new Reply(200, Delay: TimeSpan.FromMilliseconds(5));
        var ids = new List<long>();
        for (var i = 0; i < 60; i++)
        {
            ids.Add(await _portal.PostPaymentAsync("shop", transactionId: $"T-two-{i}"));
        }

        // Two routers with their own lanes, as two processes on one database would have.
        var options = _portal.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<RoutingOptions>>();
        var routers = Enumerable.Range(0, 2).Select(_ => ActivatorUtilities.CreateInstance<PaymentRouter>(
            _portal.Services, new DeliveryLanes(options))).ToList();

        var summaries = await Task.WhenAll(routers.Select(r => r.RunPassAsync(Ct)));

        Assert.Equal(60, summaries.Sum(s => s.Delivered));
        Assert.Equal(60, _receiver.Received.Count);
        Assert.Equal(60, _receiver.Received.Select(r => r.Id).Distinct().Count());
        await using var db = _portal.CreateDbContext();
        Assert.Equal(60, await db.Payments.CountAsync(p => ids.Contains(p.Id) && p.Status == PaymentStatus.Delivered, Ct));
        Assert.Equal(60, await db.DeliveryAttempts.CountAsync(a => ids.Contains(a.PaymentId), Ct));
    }

    [Fact]
    public async Task After_a_rotation_both_secrets_sign_until_the_overlap_ends_then_only_the_new_one()
    {
        var rotated = await _portal.Services.GetRequiredService<Portal.Partners.PartnerService>().RotateSecretAsync("shop", "admin@momo.test", Ct);
        await _portal.PostPaymentAsync("shop", "1.00", "R-1");
        await Router.RunPassAsync(Ct);
        await using (var db = _portal.CreateDbContext())
        {
            // The overlap (24 h by default) has run out.
            await db.Partners.Where(p => p.AccountId == "shop")
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.PreviousSecretValidUntilUtc, DateTime.UtcNow.AddSeconds(-1)), Ct);
        }

        await _portal.PostPaymentAsync("shop", "2.00", "R-2");
        await Router.RunPassAsync(Ct);

        Assert.NotNull(rotated);
        Assert.InRange(rotated.PreviousValidUntilUtc!.Value, DateTime.UtcNow.AddHours(23), DateTime.UtcNow.AddHours(25));
        var during = Assert.Single(_receiver.Received, w => w.Body.Contains("R-1", StringComparison.Ordinal));
        var after = Assert.Single(_receiver.Received, w => w.Body.Contains("R-2", StringComparison.Ordinal));
        Assert.Equal(2, during.Headers["webhook-signature"].Split(' ').Length);
        Assert.True(SignatureIsValid(_secret, during), "the old secret verifies during the overlap");
        Assert.True(SignatureIsValid(rotated.Secret, during), "the new secret verifies during the overlap");
        Assert.Single(after.Headers["webhook-signature"].Split(' '));
        Assert.False(SignatureIsValid(_secret, after), "the old secret no longer signs");
        Assert.True(SignatureIsValid(rotated.Secret, after));
        await using var check = _portal.CreateDbContext();
        var stored = await check.Partners.SingleAsync(p => p.AccountId == "shop", Ct);
        Assert.DoesNotContain("whsec_", stored.ProtectedPreviousWebhookSecret, StringComparison.Ordinal); // encrypted at rest
    }

    private async Task SetActiveAsync(string accountId, bool active)
    {
        await using var db = _portal.CreateDbContext();
        await db.Partners.Where(p => p.AccountId == accountId).ExecuteUpdateAsync(s => s.SetProperty(p => p.IsActive, active), Ct);
    }

    /// <summary>Verifies as a partner would, from the specification, without the portal's own signer.</summary>
    internal static bool SignatureIsValid(string secret, ReceivedWebhook webhook)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        var content = Encoding.UTF8.GetBytes($"{webhook.Id}.{webhook.Headers["webhook-timestamp"]}.{webhook.Body}");
        var expected = "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, content));
        return webhook.Headers["webhook-signature"].Split(' ').Contains(expected);
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _receiver.DisposeAsync();
    }
}

public sealed class WebhookDeliveryOnSqliteTests() : WebhookDeliveryTests(DatabaseProvider.Sqlite);

public sealed class WebhookDeliveryOnPostgresTests() : WebhookDeliveryTests(DatabaseProvider.Postgres);
