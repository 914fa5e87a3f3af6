using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using MoMo.Portal.Partners;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;

namespace MoMo.Portal.Notifiers;

/// <summary>
/// POSTs a signed JSON event to the partner's URL. Only 2xx counts as delivered; redirects are not followed.
/// 408, 429, 5xx, timeouts and network errors are transient; 410 and other 4xx are permanent.
/// </summary>
public sealed class WebhookNotifier(IHttpClientFactory httpClients, IOptions<RoutingOptions> options, TimeProvider clock)
    : IPartnerNotifier
{
    public const string HttpClientName = "webhooks";
    public const string UserAgent = "MoMo-Portal-Webhooks/1.0";

    private static readonly JsonSerializerOptions s_json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.Never };

    private static readonly ProductInfoHeaderValue s_userAgent = ProductInfoHeaderValue.Parse(UserAgent);

    /// <summary>The longest Retry-After the router will honour; beyond that the normal schedule applies.</summary>
    private static readonly TimeSpan s_maxRetryAfter = TimeSpan.FromDays(1);

    public NotifyMethod Method => NotifyMethod.Api;

    public async Task<NotificationResult> SendAsync(PaymentNotice notice, CancellationToken cancellationToken)
    {
        var routing = options.Value;
        if (!routing.AllowPlainHttp && notice.Contact.StartsWith("http:", StringComparison.OrdinalIgnoreCase))
        {
            return Result(notice, DeliveryOutcome.PermanentFailure,
                "Refused to send over plain http://: give the partner an https:// URL (or set Routing:AllowPlainHttp).");
        }

        if (routing.Proxy is not null && !routing.AllowPrivateNetworks
            && await OutboundAddressPolicy.RefusalAsync(new Uri(notice.Contact).Host, cancellationToken) is { } internalTarget)
        {
            return Result(notice, DeliveryOutcome.PermanentFailure, internalTarget.Message);
        }

        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();
        var body = Body(notice, timestamp);
        using var request = new HttpRequestMessage(HttpMethod.Post, notice.Contact)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json", "utf-8") } },
        };
        // The portal makes these values itself (ids, digits, base64), so they skip the header parsers, which allocated
        // on every delivery (docs/BENCHMARKS.md, "Routing": 15.4 -> 11.6 KB a delivery, with the body and excerpt changes).
        request.Headers.TryAddWithoutValidation("webhook-id", notice.DeliveryId);
        request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        // During a secret rotation's overlap both secrets sign, space-separated (Standard Webhooks): a partner verifying
        // with either one accepts the webhook.
        request.Headers.TryAddWithoutValidation("webhook-signature", notice.PreviousWebhookSecret is { } previous
            ? $"{WebhookSigner.Sign(notice.WebhookSecret, notice.DeliveryId, timestamp, body)} {WebhookSigner.Sign(previous, notice.DeliveryId, timestamp, body)}"
            : WebhookSigner.Sign(notice.WebhookSecret, notice.DeliveryId, timestamp, body));
        request.Headers.TryAddWithoutValidation("Idempotency-Key", notice.DeliveryId);
        request.Headers.UserAgent.Add(s_userAgent);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.DeliveryTimeout);
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var excerpt = await ExcerptAsync(response, timeout.Token);
            var status = (int)response.StatusCode;
            return status switch
            {
                >= 200 and < 300 => Result(notice, DeliveryOutcome.Delivered, null, status, excerpt),
                408 or 429 or >= 500 or (>= 300 and < 400) => Result(notice, DeliveryOutcome.TransientFailure,
                    $"The partner answered HTTP {status} {response.ReasonPhrase}.", status, excerpt, RetryAfter(response)),
                _ => Result(notice, DeliveryOutcome.PermanentFailure,
                    $"The partner answered HTTP {status} {response.ReasonPhrase}; retrying will not change that.", status, excerpt),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Result(notice, DeliveryOutcome.TransientFailure,
                $"No answer within {options.Value.DeliveryTimeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException exception) when (exception.InnerException is OutboundAddressRefusedException refused)
        {
            return Result(notice, DeliveryOutcome.PermanentFailure, refused.Message);
        }
        catch (HttpRequestException exception)
        {
            return Result(notice, DeliveryOutcome.TransientFailure, Describe(exception));
        }
    }

    /// <summary>The event as partners receive it, in UTF-8: the bytes that are signed are the bytes that are sent.</summary>
    public static byte[] Body(PaymentNotice notice, long timestamp) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        type = notice.Type,
        id = notice.DeliveryId,
        timestamp = DateTimeOffset.FromUnixTimeSeconds(timestamp).UtcDateTime,
        data = new
        {
            payment_id = notice.PaymentId,
            reference_number = notice.PayerId,
            account_number = notice.PartnerAccountId,
            amount = notice.Amount,
            currency = notice.Currency,
            bank_code = notice.BankCode,
            transaction_id = notice.BankReference,
            payment_bank_date = notice.BankDateUtc,
            received_at = notice.ReceivedAtUtc,
        },
    }, s_json);

    private static NotificationResult Result(PaymentNotice notice, DeliveryOutcome outcome, string? error,
        int? status = null, string? excerpt = null, TimeSpan? retryAfter = null) =>
        new(DeliveryChannel.Webhook, notice.Contact, outcome, error, status, null, excerpt, retryAfter);

    private static async Task<string?> ExcerptAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength == 0)
        {
            return null;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(DeliveryAttempt.MaxExcerptLength);
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            var length = 0;
            int read;
            while (length < DeliveryAttempt.MaxExcerptLength
                   && (read = await stream.ReadAsync(buffer.AsMemory(length, DeliveryAttempt.MaxExcerptLength - length), cancellationToken)) > 0)
            {
                length += read;
            }

            return length == 0 ? null : Encoding.UTF8.GetString(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var wait = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - clock.GetUtcNow(),
            _ => (TimeSpan?)null,
        };
        return wait > TimeSpan.Zero ? (wait < s_maxRetryAfter ? wait : s_maxRetryAfter) : null;
    }

    private static string Describe(HttpRequestException exception)
    {
        var root = exception.GetBaseException();
        var reason = exception.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "The partner's host name does not resolve",
            HttpRequestError.ConnectionError => "Could not connect to the partner",
            HttpRequestError.SecureConnectionError => "The TLS handshake with the partner failed",
            _ => "The request to the partner failed",
        };
        return $"{reason}: {root.Message}";
    }
}
