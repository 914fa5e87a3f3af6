using Microsoft.EntityFrameworkCore;
using MimeKit;
using MoMo.Portal.Data;
using MoMo.Portal.Days;
using MoMo.Portal.Partners;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Statements;
using MoMo.Portal.Tests.TestSupport;
using netDumbster.smtp;

namespace MoMo.Portal.Tests.Statements;

/// <summary>Statement e-mails after the close, through MailKit to real SMTP servers on loopback, on each database.</summary>
public abstract class StatementEmailTests(DatabaseProvider provider)
{
    [Fact]
    public async Task A_closed_day_sends_each_partner_with_an_address_one_email_with_the_statement_as_pdf_and_csv()
    {
        using var smtp = SimpleSmtpServer.Start(LoopbackPort.Free());
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = await StartPortalAsync(smtp.Configuration.Port);
        await portal.AddWebhookPartnerAsync("shop", receiver.Url("shop"));
        await portal.AddWebhookPartnerAsync("quiet", receiver.Url("quiet"));
        await portal.Services.GetRequiredService<PartnerService>().SetStatementEmailAsync("shop", "finance@shop.test", "test", Ct);
        var yesterday = await SeedDeliveredAsync(portal, "shop", 1250, "T-1");
        await portal.Services.GetRequiredService<DayCloser>().CloseAsync(yesterday, "test", Ct);
        var mailer = portal.Services.GetRequiredService<StatementMailer>();

        // Two runs at once (two instances' jobs), then a later run: one e-mail in all.
        var sent = await Task.WhenAll(mailer.SendDueAsync(Ct), mailer.SendDueAsync(Ct));
        await portal.Services.GetRequiredService<CloseDaysJob>().RunAsync(Ct);

        Assert.Equal(1, sent.Sum());
        var received = Assert.Single(smtp.ReceivedEmail);
        var message = await MimeMessage.LoadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(received.Data)), Ct);
        Assert.Equal("finance@shop.test", Assert.Single(message.To.Mailboxes).Address);
        Assert.Equal($"Statement for {yesterday:yyyy-MM-dd}: Partner shop", message.Subject);
        Assert.Equal($"statement-{yesterday:yyyy-MM-dd}-shop@momo-portal", message.MessageId);
        var statement = (await portal.Services.GetRequiredService<PartnerStatements>().BuildAsync("shop", yesterday, yesterday, null, Ct)).Value!;
        var files = portal.Services.GetRequiredService<StatementFiles>();
        var pdf = files.Render(statement, StatementFormat.Pdf);
        var csv = files.Render(statement, StatementFormat.Csv);
        var attachments = message.Attachments.OfType<MimePart>().ToDictionary(a => a.FileName ?? "", Bytes);
        Assert.Equal(pdf.Bytes, attachments[pdf.FileName]);
        Assert.Equal(csv.Bytes, attachments[csv.FileName]);
        Assert.Contains(pdf.Sha256, message.TextBody, StringComparison.Ordinal);
        Assert.Contains("1 payment, 12.50 USD", message.TextBody, StringComparison.Ordinal);

        await using var db = portal.CreateDbContext();
        var send = await db.StatementSends.SingleAsync(Ct); // none for the partner without an address
        Assert.Equal(("shop", StatementSendStatus.Sent, 1), (send.PartnerAccountId, send.Status, send.Attempts));
        Assert.Equal((pdf.Sha256, csv.Sha256), (send.PdfSha256, send.CsvSha256));
        Assert.StartsWith("250", send.SmtpReply, StringComparison.Ordinal);
        Assert.NotNull(send.SentAtUtc);
    }

    [Fact]
    public async Task A_mail_server_busy_with_451_is_tried_again_later()
    {
        await using var busy = new ScriptedSmtpServer("451 4.3.0 Try again later");
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = await StartPortalAsync(busy.Port);
        await portal.AddWebhookPartnerAsync("shop", receiver.Url("shop"));
        await portal.Services.GetRequiredService<PartnerService>().SetStatementEmailAsync("shop", "finance@shop.test", "test", Ct);
        var yesterday = await SeedDeliveredAsync(portal, "shop", 500, "T-2");
        await portal.Services.GetRequiredService<DayCloser>().CloseAsync(yesterday, "test", Ct);
        var mailer = portal.Services.GetRequiredService<StatementMailer>();

        var sent = await mailer.SendDueAsync(Ct);
        var again = await mailer.SendDueAsync(Ct); // not due yet: nothing is tried

        Assert.Equal((0, 0), (sent, again));
        await using var db = portal.CreateDbContext();
        var send = await db.StatementSends.SingleAsync(Ct);
        Assert.Equal((StatementSendStatus.Pending, 1), (send.Status, send.Attempts));
        Assert.StartsWith("451", send.SmtpReply, StringComparison.Ordinal);
        Assert.Contains("refused", send.LastError, StringComparison.Ordinal);
        Assert.True(send.NextAttemptAtUtc > DateTime.UtcNow.AddMinutes(4), $"next attempt {send.NextAttemptAtUtc:O}");
    }

    [Fact]
    public async Task A_mailbox_refused_with_550_is_kept_as_failed_and_not_tried_again()
    {
        await using var refusing = new ScriptedSmtpServer("550 5.1.1 No such mailbox");
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = await StartPortalAsync(refusing.Port);
        await portal.AddWebhookPartnerAsync("shop", receiver.Url("shop"));
        await portal.Services.GetRequiredService<PartnerService>().SetStatementEmailAsync("shop", "finance@shop.test", "test", Ct);
        var yesterday = await SeedDeliveredAsync(portal, "shop", 500, "T-4");
        await portal.Services.GetRequiredService<DayCloser>().CloseAsync(yesterday, "test", Ct);

        await portal.Services.GetRequiredService<StatementMailer>().SendDueAsync(Ct);

        await using var db = portal.CreateDbContext();
        var failed = await db.StatementSends.SingleAsync(Ct);
        Assert.Equal((StatementSendStatus.Failed, 1), (failed.Status, failed.Attempts));
        Assert.StartsWith("550", failed.SmtpReply, StringComparison.Ordinal);
        Assert.Null(failed.NextAttemptAtUtc);
        Assert.Null(failed.PdfSha256);
    }

    [Fact]
    public async Task The_command_line_sets_the_address_refuses_a_bad_one_and_lists_the_sends_of_a_day()
    {
        using var smtp = SimpleSmtpServer.Start(LoopbackPort.Free());
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = await StartPortalAsync(smtp.Configuration.Port);
        await portal.AddWebhookPartnerAsync("shop", receiver.Url("shop"));

        var bad = await CommandLineRunner.RunOnAsync(portal.Services, "partner", "set", "--account-id", "shop", "--statement-email", "not an address");
        var set = await CommandLineRunner.RunOnAsync(portal.Services, "partner", "set", "--account-id", "shop", "--statement-email", "finance@shop.test");
        var yesterday = await SeedDeliveredAsync(portal, "shop", 700, "T-3");
        await portal.Services.GetRequiredService<DayCloser>().CloseAsync(yesterday, "test", Ct);
        var send = await CommandLineRunner.RunOnAsync(portal.Services, "statements", "send");
        var list = await CommandLineRunner.RunOnAsync(portal.Services, "statements", "sends", "--date", $"{yesterday:yyyy-MM-dd}", "--json");

        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("plain address", bad.Error, StringComparison.Ordinal);
        Assert.Equal(0, set.ExitCode);
        Assert.Contains("finance@shop.test", set.Output, StringComparison.Ordinal);
        Assert.Contains("Sent 1 statement e-mail", send.Output, StringComparison.Ordinal);
        using var json = System.Text.Json.JsonDocument.Parse(list.Output);
        var row = Assert.Single(json.RootElement.EnumerateArray().ToList());
        Assert.Equal("sent", row.GetProperty("status").GetString());
        Assert.Equal(64, row.GetProperty("pdf_sha256").GetString()!.Length);
        await using var db = portal.CreateDbContext();
        Assert.Contains(await db.AuditEntries.Select(a => a.Action).ToListAsync(Ct), a => a == "partner.statement-email");
    }

    private static byte[] Bytes(MimePart part)
    {
        using var buffer = new MemoryStream();
        part.Content!.DecodeTo(buffer);
        return buffer.ToArray();
    }

    /// <summary>A payment received yesterday and delivered at once; returns yesterday.</summary>
    private static async Task<DateOnly> SeedDeliveredAsync(PortalFactory portal, string partner, long amountMinor, string transactionId)
    {
        var calendar = portal.Services.GetRequiredService<BusinessCalendar>();
        var yesterday = portal.Services.GetRequiredService<DayTotalsReader>().Today.AddDays(-1);
        await using (var db = portal.CreateDbContext())
        {
            db.Payments.Add(Payment.Receive(PortalFactory.BankCode, PortalFactory.PayerId, partner, amountMinor, "USD", transactionId, null, "fp",
                Guid.NewGuid().ToString("N"), calendar.StartUtc(yesterday).AddHours(2)));
            await db.SaveChangesAsync(Ct);
        }

        await portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct);
        return yesterday;
    }

    private async Task<PortalFactory> StartPortalAsync(int smtpPort)
    {
        var portal = PortalFactory.On(provider)
            .WithSmtp(smtpPort);
        await portal.InitializeAsync();
        return portal;
    }
}

public sealed class StatementEmailOnSqliteTests() : StatementEmailTests(DatabaseProvider.Sqlite);

public sealed class StatementEmailOnPostgresTests() : StatementEmailTests(DatabaseProvider.Postgres);
