using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using MimeKit;
using MoMo.Portal.Notifiers;

namespace MoMo.Portal.Alerts;

/// <summary>
/// Tells operations that an alert opened or cleared: an e-mail to <c>Alerts:Email</c> through the <c>Smtp</c> server, and a
/// JSON POST to <c>Alerts:Webhook</c> signed like partner webhooks (Standard Webhooks, <c>Alerts:WebhookSecret</c>).
/// </summary>
public sealed class AlertNotifier(IHttpClientFactory httpClients, IOptions<AlertOptions> options, IOptions<SmtpOptions> smtp, TimeProvider clock)
{
    public const string HttpClientName = "alerts";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(15);
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Sends on every configured channel; returns null when all took it, otherwise what failed.</summary>
    public async Task<string?> SendAsync(Alert alert, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        if (options.Value.Email is { } email)
        {
            try
            {
                await SmtpConnection.SendAsync(smtp.Value, Message(alert, email), s_timeout, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                failures.Add($"e-mail to {email}: {exception.Message}");
            }
        }

        if (options.Value.Webhook is { } url)
        {
            try
            {
                var status = await PostAsync(alert, url, cancellationToken);
                if (status is < 200 or >= 300)
                {
                    failures.Add($"webhook {url}: HTTP {status}");
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                failures.Add($"webhook {url}: {exception.Message}");
            }
        }

        return failures.Count == 0 ? null : string.Join("; ", failures);
    }

    private MimeMessage Message(Alert alert, string to)
    {
        var state = alert.State == AlertState.Open ? "ALERT" : "CLEARED";
        var message = new MimeMessage
        {
            // One id per alert and state: a send repeated after a lost reply is recognisably the same message.
            MessageId = $"alert-{alert.Id}-{alert.State.ToString().ToLowerInvariant()}@momo-portal",
            Subject = $"[{state}] {alert.Condition}{(alert.Subject.Length > 0 ? $" {alert.Subject}" : "")}",
        };
        message.From.Add(MailboxAddress.Parse(smtp.Value.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Body = new TextPart("plain")
        {
            Text = $"{alert.Detail}\n\nOpened {Time(alert.OpenedAtUtc)} UTC" +
                   (alert.ClearedAtUtc is { } cleared ? $", cleared {Time(cleared)} UTC." : ".") +
                   "\nEvery alert and its history: the Alerts page of MoMo Portal.\n",
        };
        return message;
    }

    private async Task<int> PostAsync(Alert alert, string url, CancellationToken cancellationToken)
    {
        var id = $"alert_{alert.Id}_{alert.State.ToString().ToLowerInvariant()}";
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        var body = JsonSerializer.Serialize(new
        {
            Type = alert.State == AlertState.Open ? "alert.opened" : "alert.cleared",
            Id = id,
            Alert = new { alert.Id, alert.Condition, alert.Subject, alert.Detail, alert.OpenedAtUtc, alert.ClearedAtUtc },
        }, s_json);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("webhook-id", id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", WebhookSigner.Sign(options.Value.WebhookSecret!, id, timestamp, body));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_timeout);
        using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
        return (int)response.StatusCode;
    }

    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
