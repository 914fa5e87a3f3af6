using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MoMo.Portal.Audit;
using MoMo.Portal.Data;

namespace MoMo.Portal.Partners;

/// <summary>Registers and changes partners.</summary>
public sealed class PartnerService(
    IDbContextFactory<PortalDbContext> dbFactory, WebhookSecretVault secrets, IOptions<Routing.RoutingOptions> routing, TimeProvider clock)
{
    /// <summary>Adds a partner; the webhook secret is generated when not given, and returned in clear this once.</summary>
    public async Task<ChangeResult<NewPartner>> CreateAsync(
        string accountId, string name, NotifyMethod method, string contactPath, string? webhookSecret, string actor,
        CancellationToken cancellationToken)
    {
        webhookSecret ??= WebhookSecrets.Generate();
        var errors = PartnerRules.Validate(accountId, name, method, contactPath, webhookSecret);
        if (errors.Count > 0)
        {
            return ChangeResult<NewPartner>.Failure(errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Partners.AnyAsync(p => p.AccountId == accountId, cancellationToken))
        {
            return ChangeResult<NewPartner>.Failure("AccountId", $"A partner with the account id '{accountId}' already exists.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var partner = new Partner
        {
            AccountId = accountId,
            Name = name,
            NotifyMethod = method,
            ContactPath = contactPath,
            ProtectedWebhookSecret = secrets.Protect(webhookSecret),
            CreatedAtUtc = now,
        };
        db.Partners.Add(partner);
        db.AuditEntries.Add(AuditEntry.Record(actor, "partner.create", "Partner", accountId, null,
            new { partner.AccountId, partner.Name, partner.NotifyMethod, partner.ContactPath, partner.IsActive }, now));
        await db.SaveChangesAsync(cancellationToken);
        return ChangeResult<NewPartner>.Success(new NewPartner(partner, webhookSecret));
    }

    /// <summary>Changes a partner's name, channel, contact and whether it receives payments (held while disabled).</summary>
    public async Task<ChangeResult<Partner>> UpdateAsync(
        string accountId, string name, NotifyMethod method, string contactPath, bool isActive, string actor,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var partner = await db.Partners.SingleOrDefaultAsync(p => p.AccountId == accountId, cancellationToken);
        if (partner is null)
        {
            return ChangeResult<Partner>.Failure("AccountId", $"There is no partner '{accountId}'.");
        }

        var errors = PartnerRules.Validate(accountId, name, method, contactPath, webhookSecret: null);
        if (errors.Count > 0)
        {
            return ChangeResult<Partner>.Failure(errors);
        }

        var before = new { partner.Name, partner.NotifyMethod, partner.ContactPath, partner.IsActive };
        partner.Name = name;
        partner.NotifyMethod = method;
        partner.ContactPath = contactPath;
        partner.IsActive = isActive;
        var after = new { partner.Name, partner.NotifyMethod, partner.ContactPath, partner.IsActive };
        var action = before.IsActive == isActive ? "partner.update" : isActive ? "partner.enable" : "partner.disable";
        db.AuditEntries.Add(AuditEntry.Record(actor, action, "Partner", accountId, before, after, clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(cancellationToken);
        return ChangeResult<Partner>.Success(partner);
    }

    /// <summary>
    /// Pauses deliveries to the partner by hand (its payments wait as held, and no probe is made), or resumes them —
    /// also after an automatic pause, without waiting for a probe. Audited; null when there is no such partner.
    /// </summary>
    public async Task<Partner?> SetPausedAsync(string accountId, bool paused, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var partner = await db.Partners.SingleOrDefaultAsync(p => p.AccountId == accountId, cancellationToken);
        if (partner is null)
        {
            return null;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var before = new { partner.PausedAtUtc, partner.PauseReason };
        if (paused)
        {
            (partner.PausedAtUtc, partner.PauseReason, partner.NextProbeAtUtc) = (now, $"Paused by {actor}.", null);
        }
        else
        {
            (partner.PausedAtUtc, partner.PauseReason, partner.NextProbeAtUtc, partner.ConsecutiveFailures, partner.FailingSinceUtc) =
                (null, null, null, 0, null);
        }

        db.AuditEntries.Add(AuditEntry.Record(actor, paused ? "partner.pause" : "partner.resume", "Partner", accountId, before,
            new { partner.PausedAtUtc, partner.PauseReason }, now));
        await db.SaveChangesAsync(cancellationToken);
        return partner;
    }

    /// <summary>Sets (or, with null or empty, clears) where the partner's daily statement is e-mailed after each close.</summary>
    public async Task<ChangeResult<Partner>> SetStatementEmailAsync(string accountId, string? email, string actor, CancellationToken cancellationToken)
    {
        email = string.IsNullOrWhiteSpace(email) ? null : email.Trim();
        if (PartnerRules.CheckStatementEmail(email) is { } error)
        {
            return ChangeResult<Partner>.Failure("StatementEmail", error);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var partner = await db.Partners.SingleOrDefaultAsync(p => p.AccountId == accountId, cancellationToken);
        if (partner is null)
        {
            return ChangeResult<Partner>.Failure("AccountId", $"There is no partner '{accountId}'.");
        }

        if (partner.StatementEmail != email)
        {
            db.AuditEntries.Add(AuditEntry.Record(actor, "partner.statement-email", "Partner", accountId, new { partner.StatementEmail },
                new { StatementEmail = email }, clock.GetUtcNow().UtcDateTime));
            partner.StatementEmail = email;
            await db.SaveChangesAsync(cancellationToken);
        }

        return ChangeResult<Partner>.Success(partner);
    }

    /// <summary>
    /// Replaces the webhook secret. The old one keeps signing beside it for <see cref="Routing.RoutingOptions.SecretOverlap"/>
    /// (two <c>v1,</c> signatures per webhook), the time the partner has to switch to the new one.
    /// </summary>
    public async Task<RotatedSecret?> RotateSecretAsync(string accountId, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var partner = await db.Partners.SingleOrDefaultAsync(p => p.AccountId == accountId, cancellationToken);
        if (partner is null)
        {
            return null;
        }

        var secret = WebhookSecrets.Generate();
        var now = clock.GetUtcNow().UtcDateTime;
        var overlap = routing.Value.SecretOverlap;
        (partner.ProtectedPreviousWebhookSecret, partner.PreviousSecretValidUntilUtc) = overlap > TimeSpan.Zero
            ? (partner.ProtectedWebhookSecret, now + overlap)
            : ((string?)null, (DateTime?)null);
        partner.ProtectedWebhookSecret = secrets.Protect(secret);
        // The audit log says that the secret changed, never what it is.
        db.AuditEntries.Add(AuditEntry.Record(actor, "partner.secret.rotate", "Partner", accountId, null,
            new { partner.PreviousSecretValidUntilUtc }, now));
        await db.SaveChangesAsync(cancellationToken);
        return new RotatedSecret(secret, partner.PreviousSecretValidUntilUtc);
    }

    /// <summary>The webhook secret, for an Admin to hand to the partner; each reveal is audited.</summary>
    public async Task<string?> RevealSecretAsync(string accountId, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stored = await db.Partners.Where(p => p.AccountId == accountId).Select(p => p.ProtectedWebhookSecret).SingleOrDefaultAsync(cancellationToken);
        if (stored is null)
        {
            return null;
        }

        db.AuditEntries.Add(AuditEntry.Record(actor, "partner.secret.reveal", "Partner", accountId, null, null, clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(cancellationToken);
        return secrets.Reveal(stored);
    }
}

/// <summary>A new webhook secret in clear, and until when the old one still signs beside it (null: not at all).</summary>
public sealed record RotatedSecret(string Secret, DateTime? PreviousValidUntilUtc);

/// <summary>A partner just created, with its webhook secret in clear (stored only encrypted).</summary>
public sealed record NewPartner(Partner Partner, string WebhookSecret);
