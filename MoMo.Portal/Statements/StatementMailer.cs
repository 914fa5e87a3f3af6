using System.Globalization;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;
using MoMo.Portal.Data;
using MoMo.Portal.Notifiers;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Statements;

/// <summary>
/// Sends the statement e-mails each close created (<see cref="StatementSend"/>): the day's statement as PDF and CSV, the
/// hashes in the text. An instance claims a send by compare-and-set on its attempt count, so with several instances each
/// e-mail goes out once; a refusal for now (4xx, no connection) is tried again later, a permanent one (5xx) is kept as failed.
/// </summary>
public sealed partial class StatementMailer(
    IDbContextFactory<PortalDbContext> dbFactory, PartnerStatements statements, StatementFiles files, IOptions<SmtpOptions> smtp,
    IOptions<StatementOptions> options, TimeProvider clock, ILogger<StatementMailer> logger)
{
    /// <summary>How long a claimed send is left to its sender before another instance may take it over.</summary>
    private static readonly TimeSpan s_lease = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(1);

    /// <summary>Sends every statement e-mail that is due; returns how many were sent.</summary>
    public async Task<int> SendDueAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        List<StatementSend> due;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            due = await db.StatementSends.AsNoTracking()
                .Where(s => s.Status == StatementSendStatus.Pending && s.NextAttemptAtUtc <= now)
                .OrderBy(s => s.Id).Take(100).ToListAsync(cancellationToken);
        }

        var sent = 0;
        foreach (var send in due)
        {
            if (await ClaimAsync(send, now, cancellationToken) && await SendAsync(send, cancellationToken))
            {
                sent++;
            }
        }

        return sent;
    }

    private async Task<bool> ClaimAsync(StatementSend send, DateTime now, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var claimed = await db.StatementSends
            .Where(s => s.Id == send.Id && s.Status == StatementSendStatus.Pending && s.Attempts == send.Attempts && s.NextAttemptAtUtc <= now)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Attempts, send.Attempts + 1).SetProperty(x => x.LastAttemptAtUtc, now)
                .SetProperty(x => x.NextAttemptAtUtc, now + s_lease), cancellationToken);
        send.Attempts++;
        return claimed == 1;
    }

    private async Task<bool> SendAsync(StatementSend send, CancellationToken cancellationToken)
    {
        var built = await statements.BuildAsync(send.PartnerAccountId, send.Day, send.Day, null, cancellationToken);
        if (built.Value is not { } statement)
        {
            await RecordAsync(send, StatementSendStatus.Failed, string.Join(" ", built.Errors.Values), null, null, cancellationToken);
            return false;
        }

        var pdf = files.Render(statement, StatementFormat.Pdf);
        var csv = files.Render(statement, StatementFormat.Csv);
        if (smtp.Value.Problem() is { } problem)
        {
            await RecordAsync(send, Retry(send), $"E-mail is not configured: {problem}", null, null, cancellationToken);
            return false;
        }

        try
        {
            var reply = await SmtpConnection.SendAsync(smtp.Value, Message(send, statement, pdf, csv), s_timeout, cancellationToken);
            await RecordAsync(send, StatementSendStatus.Sent, null, reply, (pdf, csv), cancellationToken);
            LogSent(send.Day, send.PartnerAccountId, send.Email);
            return true;
        }
        catch (SmtpCommandException exception)
        {
            var code = (int)exception.StatusCode;
            await RecordAsync(send, code >= 500 ? StatementSendStatus.Failed : Retry(send),
                $"The mail server refused the message: {code} {exception.Message}", $"{code} {exception.Message}", null, cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await RecordAsync(send, Retry(send), $"The mail server did not answer within {s_timeout.TotalSeconds:0} s.", null, null, cancellationToken);
        }
        catch (Exception exception) when (SmtpConnection.IsConnectionProblem(exception))
        {
            await RecordAsync(send, Retry(send), $"Could not hand the message to {smtp.Value.Host}:{smtp.Value.Port}: {exception.Message}",
                null, null, cancellationToken);
        }

        return false;
    }

    private static StatementSendStatus Retry(StatementSend send) =>
        send.Attempts >= StatementSend.MaxAttempts ? StatementSendStatus.Failed : StatementSendStatus.Pending;

    /// <summary>Records the attempt's end, if this instance still holds the claim (nobody took it over meanwhile).</summary>
    private async Task RecordAsync(StatementSend send, StatementSendStatus status, string? error, string? reply,
        (StatementFile Pdf, StatementFile Csv)? attached, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        // 5 min, 10, 20, ... after each failure: a mail server down for the night is tried into the morning.
        DateTime? next = status == StatementSendStatus.Pending ? now + TimeSpan.FromMinutes(5 * Math.Pow(2, send.Attempts - 1)) : null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.StatementSends.Where(s => s.Id == send.Id && s.Attempts == send.Attempts)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, status).SetProperty(x => x.NextAttemptAtUtc, next)
                .SetProperty(x => x.LastError, Truncate(error, 1024)).SetProperty(x => x.SmtpReply, Truncate(reply, 512))
                .SetProperty(x => x.SentAtUtc, status == StatementSendStatus.Sent ? now : null)
                .SetProperty(x => x.PdfSha256, attached == null ? null : attached.Value.Pdf.Sha256)
                .SetProperty(x => x.CsvSha256, attached == null ? null : attached.Value.Csv.Sha256), cancellationToken);
    }

    /// <summary>The e-mail as the partner receives it: the totals and hashes in the text, the two files attached.</summary>
    public MimeMessage Message(StatementSend send, PartnerStatement statement, StatementFile pdf, StatementFile csv)
    {
        var day = send.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var message = new MimeMessage
        {
            // The same statement e-mail sent again (a lost reply, a takeover) carries the same id.
            MessageId = $"statement-{day}-{send.PartnerAccountId}@momo-portal",
            Subject = $"Statement for {day}: {statement.PartnerName}",
        };
        message.From.Add(MailboxAddress.Parse(smtp.Value.From));
        message.To.Add(new MailboxAddress(statement.PartnerName, send.Email));

        var lines = new List<string>
        {
            $"{options.Value.OperatorName}: the statement of business day {day} for {statement.PartnerName} (account {statement.PartnerAccountId}).",
            "",
        };
        foreach (var (adjustments, title) in new[] { (false, "Payments delivered by the close of the day"), (true, "Adjustments") })
        {
            var totals = statement.Totals(adjustments).ToList();
            lines.Add($"{title}: {(totals.Count == 0 ? "none" : string.Join(", ", totals.Select(t =>
                $"{t.Count} payment{(t.Count == 1 ? "" : "s")}, {Money.Format(t.AmountMinor, t.Currency)} {t.Currency}")))}");
        }

        lines.Add("");
        lines.Add("Attached, with their SHA-256 (the same statement made again gives the same files):");
        lines.Add($"  {pdf.FileName}  {pdf.Sha256}");
        lines.Add($"  {csv.FileName}  {csv.Sha256}");
        var body = new BodyBuilder { TextBody = string.Join('\n', lines) + "\n" };
        body.Attachments.Add(pdf.FileName, pdf.Bytes, ContentType.Parse(pdf.ContentType));
        body.Attachments.Add(csv.FileName, csv.Bytes, ContentType.Parse(csv.ContentType));
        message.Body = body.ToMessageBody();
        return message;
    }

    private static string? Truncate(string? text, int length) => text is { } t && t.Length > length ? t[..length] : text;

    [LoggerMessage(Level = LogLevel.Information, Message = "Sent the statement of {Day} for partner {Partner} to {Email}")]
    private partial void LogSent(DateOnly day, string partner, string email);
}
