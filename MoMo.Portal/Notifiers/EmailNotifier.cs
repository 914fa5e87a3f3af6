using System.Globalization;
using System.Net;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;
using MoMo.Portal.Partners;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;

namespace MoMo.Portal.Notifiers;

/// <summary>
/// Sends one e-mail per payment through the configured SMTP server. The Message-ID is derived from the delivery id,
/// so a repeat carries the same id. SMTP 5xx is permanent; 4xx, connection and TLS errors are transient.
/// </summary>
public sealed class EmailNotifier(IOptions<SmtpOptions> smtp, IOptions<RoutingOptions> routing) : IPartnerNotifier
{
    public NotifyMethod Method => NotifyMethod.Email;

    public async Task<NotificationResult> SendAsync(PaymentNotice notice, CancellationToken cancellationToken)
    {
        var options = smtp.Value;
        if (options.Problem() is { } problem)
        {
            return Result(notice, DeliveryOutcome.TransientFailure, $"E-mail is not configured: {problem}");
        }

        try
        {
            var reply = await SmtpConnection.SendAsync(options, Message(notice, options), routing.Value.DeliveryTimeout, cancellationToken);
            return Result(notice, DeliveryOutcome.Delivered, null, reply);
        }
        catch (SmtpCommandException exception)
        {
            var code = (int)exception.StatusCode;
            return Result(notice, code >= 500 ? DeliveryOutcome.PermanentFailure : DeliveryOutcome.TransientFailure,
                $"The mail server refused the message: {code} {exception.Message}", $"{code} {exception.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Result(notice, DeliveryOutcome.TransientFailure,
                $"The mail server did not answer within {routing.Value.DeliveryTimeout.TotalSeconds:0.#} s.");
        }
        catch (Exception exception) when (SmtpConnection.IsConnectionProblem(exception))
        {
            return Result(notice, DeliveryOutcome.TransientFailure,
                $"Could not hand the message to {options.Host}:{options.Port}: {exception.Message}");
        }
    }

    /// <summary>The e-mail as the partner receives it: plain text and HTML with the same facts.</summary>
    public static MimeMessage Message(PaymentNotice notice, SmtpOptions options)
    {
        var message = new MimeMessage
        {
            MessageId = $"{notice.DeliveryId}@momo-portal",
            Subject = (notice.Type == PaymentNotice.PaymentReceived ? "" : "[TEST] ") +
                      $"Payment received: {notice.Amount} {notice.Currency} from {notice.PayerId}",
        };
        message.From.Add(MailboxAddress.Parse(options.From));
        message.To.Add(new MailboxAddress(notice.PartnerName, notice.Contact));
        message.Headers.Add("X-MoMo-Delivery-Id", notice.DeliveryId);

        var facts = new (string Label, string Value)[]
        {
            ("Payment", notice.PaymentId.ToString(CultureInfo.InvariantCulture)),
            ("Amount", $"{notice.Amount} {notice.Currency}"),
            ("Payer reference", notice.PayerId),
            ("Your account", notice.PartnerAccountId),
            ("Bank", notice.BankCode),
            ("Bank transaction", notice.BankReference ?? "-"),
            ("Paid at the bank (UTC)", notice.BankDateUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
            ("Received (UTC)", notice.ReceivedAtUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
            ("Delivery id", notice.DeliveryId),
        };
        var intro = $"MoMo Portal received a payment for {notice.PartnerName}.";
        var repeat = "If this delivery id reached you before, this is a repeat of the same payment, not a new one.";
        var builder = new BodyBuilder
        {
            TextBody = $"{intro}\n\n{string.Join('\n', facts.Select(f => $"{f.Label}: {f.Value}"))}\n\n{repeat}\n",
            HtmlBody = $"<p>{WebUtility.HtmlEncode(intro)}</p><table>" +
                       string.Concat(facts.Select(f => $"<tr><th align=\"left\">{WebUtility.HtmlEncode(f.Label)}</th>" +
                                                       $"<td>{WebUtility.HtmlEncode(f.Value)}</td></tr>")) +
                       $"</table><p>{WebUtility.HtmlEncode(repeat)}</p>",
        };
        message.Body = builder.ToMessageBody();
        return message;
    }

    private static NotificationResult Result(PaymentNotice notice, DeliveryOutcome outcome, string? error, string? reply = null) =>
        new(DeliveryChannel.Email, notice.Contact, outcome, error, SmtpReply: Truncate(reply));

    private static string? Truncate(string? reply) => reply is { Length: > 512 } ? reply[..512] : reply;
}
