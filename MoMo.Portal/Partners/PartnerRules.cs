using System.Net.Mail;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Partners;

/// <summary>What makes a partner's fields valid, shared by the command line and the portal.</summary>
public static class PartnerRules
{
    /// <summary>Every problem with the given values, keyed by field name; empty when they are all valid.</summary>
    public static Dictionary<string, string> Validate(
        string accountId, string name, NotifyMethod method, string contactPath, string? webhookSecret)
    {
        var errors = new Dictionary<string, string>();
        if (Identifiers.Check(accountId, Partner.MaxAccountIdLength) is { } idError)
        {
            errors["AccountId"] = "The account id " + idError;
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > Partner.MaxNameLength)
        {
            errors["Name"] = $"A name of 1 to {Partner.MaxNameLength} characters is required.";
        }

        if (CheckContactPath(method, contactPath) is { } contactError)
        {
            errors["ContactPath"] = contactError;
        }

        // Null when the secret is not being set (an edit of the other fields).
        if (webhookSecret is not null && !WebhookSecrets.IsValid(webhookSecret))
        {
            errors["WebhookSecret"] = "The secret must be 'whsec_' followed by the base64 of at least 24 random bytes.";
        }

        return errors;
    }

    /// <summary>Null for no statement e-mail or a plain address; otherwise what is wrong.</summary>
    public static string? CheckStatementEmail(string? email) =>
        string.IsNullOrEmpty(email) || (email.Length <= Partner.MaxEmailLength && MailAddress.TryCreate(email, out var address) && address.Address == email)
            ? null
            : "The statement e-mail must be a plain address like finance@merchant.example, or empty for none.";

    /// <summary>A webhook URL for <see cref="NotifyMethod.Api"/>, an e-mail address for <see cref="NotifyMethod.Email"/>.</summary>
    public static string? CheckContactPath(NotifyMethod method, string contactPath)
    {
        if (string.IsNullOrWhiteSpace(contactPath) || contactPath.Length > Partner.MaxContactPathLength)
        {
            return $"A contact of 1 to {Partner.MaxContactPathLength} characters is required.";
        }

        return method switch
        {
            NotifyMethod.Api when !Uri.TryCreate(contactPath, UriKind.Absolute, out var uri)
                                  || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
                                  || !string.IsNullOrEmpty(uri.UserInfo) =>
                "The webhook URL must be an absolute http:// or https:// URL without user name or password.",
            NotifyMethod.Email when !MailAddress.TryCreate(contactPath, out var address) || address.Address != contactPath =>
                "The e-mail address must be a plain address like payments@merchant.example.",
            _ => null,
        };
    }
}
