using MoMo.Portal.Partners;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Data;
using MoMo.Portal.Tests.TestSupport;
using netDumbster.smtp;

namespace MoMo.Portal.Tests.Routing;

/// <summary>E-mail delivery through MailKit to real SMTP servers on loopback.</summary>
public abstract class EmailDeliveryTests(DatabaseProvider provider)
{
    [Fact]
    public async Task A_payment_for_an_email_partner_arrives_as_one_message_with_a_stable_message_id()
    {
        using var smtp = SimpleSmtpServer.Start(LoopbackPort.Free());
        await using var portal = await StartPortalAsync(smtp.Configuration.Port);
        var id = await portal.PostPaymentAsync("mailshop", "1250.5", "T-mail");

        var summary = await portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct);

        Assert.Equal(1, summary.Delivered);
        var message = Assert.Single(smtp.ReceivedEmail);
        var payment = await portal.LoadPaymentAsync(id);
        Assert.Equal("Payment received: 1250.50 USD from payer-1", message.Headers["Subject"]);
        Assert.Contains(payment.DeliveryId, message.Headers["Message-ID"], StringComparison.Ordinal);
        Assert.Equal("payments@mailshop.test", Assert.Single(message.ToAddresses).Address);
        var text = string.Join("\n", message.MessageParts.Select(p => p.BodyData));
        Assert.Contains("1250.50 USD", text, StringComparison.Ordinal);
        Assert.Contains("T-mail", text, StringComparison.Ordinal);
        Assert.Contains("text/html", string.Join(" ", message.MessageParts.Select(p => p.HeaderData)), StringComparison.Ordinal);

        Assert.Equal(PaymentStatus.Delivered, payment.Status);
        var attempt = Assert.Single(payment.Attempts);
        Assert.Equal(DeliveryChannel.Email, attempt.Channel);
        Assert.Equal("payments@mailshop.test", attempt.Target);
        Assert.StartsWith("2", attempt.SmtpReply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mailbox_refused_with_550_errors_the_payment_at_once()
    {
        await using var smtp = new ScriptedSmtpServer("550 5.1.1 No such mailbox");
        await using var portal = await StartPortalAsync(smtp.Port);
        var id = await portal.PostPaymentAsync("mailshop");

        var summary = await portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct);

        Assert.Equal(1, summary.Errored);
        var payment = await portal.LoadPaymentAsync(id);
        Assert.Equal(PaymentStatus.Errored, payment.Status);
        var attempt = Assert.Single(payment.Attempts);
        Assert.Equal(DeliveryOutcome.PermanentFailure, attempt.Outcome);
        Assert.StartsWith("550", attempt.SmtpReply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mailbox_busy_with_451_is_retried()
    {
        await using var smtp = new ScriptedSmtpServer("451 4.3.0 Try again later");
        await using var portal = await StartPortalAsync(smtp.Port);
        var id = await portal.PostPaymentAsync("mailshop");

        await portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct);

        var payment = await portal.LoadPaymentAsync(id);
        Assert.Equal(PaymentStatus.RetryScheduled, payment.Status);
        Assert.StartsWith("451", Assert.Single(payment.Attempts).SmtpReply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_mail_server_that_is_down_is_a_transient_failure()
    {
        await using var portal = await StartPortalAsync(LoopbackPort.Free());
        var id = await portal.PostPaymentAsync("mailshop");

        await portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct);

        var payment = await portal.LoadPaymentAsync(id);
        Assert.Equal(PaymentStatus.RetryScheduled, payment.Status);
        var attempt = Assert.Single(payment.Attempts);
        Assert.Equal(DeliveryOutcome.TransientFailure, attempt.Outcome);
        Assert.Contains("Could not hand the message", attempt.Error, StringComparison.Ordinal);
    }

    private async Task<PortalFactory> StartPortalAsync(int smtpPort)
    {
        var portal = PortalFactory.On(provider)
            .WithSmtp(smtpPort)
            .With("Routing:DeliveryTimeout", "00:00:05");
        await portal.InitializeAsync();
        await portal.Services.GetRequiredService<PartnerService>().CreateAsync(
            "mailshop", "Mail Shop", NotifyMethod.Email, "payments@mailshop.test", null, "test", Ct);
        return portal;
    }
}

public sealed class EmailDeliveryOnSqliteTests() : EmailDeliveryTests(DatabaseProvider.Sqlite);

public sealed class EmailDeliveryOnPostgresTests() : EmailDeliveryTests(DatabaseProvider.Postgres);
