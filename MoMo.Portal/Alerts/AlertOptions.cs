using System.ComponentModel.DataAnnotations;
using MoMo.Portal.Partners;

namespace MoMo.Portal.Alerts;

/// <summary>The <c>Alerts</c> configuration section: thresholds and where alerts go.</summary>
public sealed class AlertOptions : IValidatableObject
{
    public const string Section = "Alerts";

    /// <summary>How often the conditions are evaluated (a Hangfire recurring job, six-field cron).</summary>
    public string Cron { get; set; } = "*/30 * * * * *";

    /// <summary>A payment due for delivery longer than this means the router is stuck or too slow.</summary>
    public TimeSpan BacklogAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>More payments errored in the last hour than this is an alert; 0 turns the condition off.</summary>
    public int ErroredPerHour { get; set; } = 10;

    /// <summary>Where alerts are e-mailed (through the <c>Smtp</c> server); none when unset.</summary>
    public string? Email { get; set; }

    /// <summary>An operations webhook (https URL) that receives every alert as signed JSON; none when unset.</summary>
    public string? Webhook { get; set; }

    /// <summary>The Standard Webhooks secret (<c>whsec_…</c>) the operations webhook is signed with.</summary>
    public string? WebhookSecret { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Email is not null && PartnerRules.CheckStatementEmail(Email) is not null)
        {
            yield return new ValidationResult("Alerts:Email must be a plain e-mail address.", [nameof(Email)]);
        }

        if (Webhook is not null && (!Uri.TryCreate(Webhook, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
        {
            yield return new ValidationResult("Alerts:Webhook must be an absolute http(s) URL.", [nameof(Webhook)]);
        }

        if (Webhook is not null && (WebhookSecret is null || !WebhookSecrets.IsValid(WebhookSecret)))
        {
            yield return new ValidationResult("Alerts:WebhookSecret must be a whsec_ secret when Alerts:Webhook is set.", [nameof(WebhookSecret)]);
        }

        if (BacklogAge < TimeSpan.FromSeconds(30) || ErroredPerHour < 0)
        {
            yield return new ValidationResult("Alerts:BacklogAge must be at least 30 s and Alerts:ErroredPerHour at least 0.", [nameof(BacklogAge)]);
        }
    }
}
