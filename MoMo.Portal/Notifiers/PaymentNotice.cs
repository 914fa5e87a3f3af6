using MoMo.Portal.Partners;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Notifiers;

/// <summary>Everything a notifier needs to tell a partner about one payment, detached from the database.</summary>
public sealed record PaymentNotice(
    string DeliveryId,
    long PaymentId,
    string PayerId,
    string PartnerAccountId,
    string PartnerName,
    NotifyMethod Method,
    string Contact,
    string WebhookSecret,
    long AmountMinor,
    string Currency,
    string BankCode,
    string? BankReference,
    DateTime BankDateUtc,
    DateTime ReceivedAtUtc,
    string Type = PaymentNotice.PaymentReceived,
    string? PreviousWebhookSecret = null)
{
    public const string PaymentReceived = "payment.received";

    /// <summary>The amount as a plain decimal with the currency's decimals, e.g. "55.10".</summary>
    public string Amount => Money.Format(AmountMinor, Currency);

    /// <summary>
    /// The notice of <paramref name="payment"/> for <paramref name="partner"/>, signed with <paramref name="webhookSecret"/>
    /// (in clear) and, during a rotation's overlap, also with <paramref name="previousWebhookSecret"/>.
    /// </summary>
    public static PaymentNotice For(Payment payment, Partner partner, string webhookSecret, string? previousWebhookSecret = null) => new(
        payment.DeliveryId, payment.Id, payment.PayerId, partner.AccountId, partner.Name, partner.NotifyMethod,
        partner.ContactPath, webhookSecret, payment.AmountMinor, payment.Currency, payment.BankCode,
        payment.BankReference, payment.BankDateUtc, payment.ReceivedAtUtc, PreviousWebhookSecret: previousWebhookSecret);
}

/// <summary>What came of one attempt to notify a partner.</summary>
public sealed record NotificationResult(
    DeliveryChannel Channel,
    string Target,
    DeliveryOutcome Outcome,
    string? Error = null,
    int? HttpStatus = null,
    string? SmtpReply = null,
    string? ResponseExcerpt = null,
    TimeSpan? RetryAfter = null)
{
    public bool Delivered => Outcome == DeliveryOutcome.Delivered;
}

/// <summary>Hands a payment to its partner over one channel.</summary>
public interface IPartnerNotifier
{
    NotifyMethod Method { get; }

    Task<NotificationResult> SendAsync(PaymentNotice notice, CancellationToken cancellationToken);
}
