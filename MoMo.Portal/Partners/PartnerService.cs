using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Audit;
using MoMo.Portal.Data;

namespace MoMo.Portal.Partners;

/// <summary>Registers and changes partners.</summary>
public sealed class PartnerService(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>Adds a partner; the webhook secret is generated when not given.</summary>
    public async Task<ChangeResult<Partner>> CreateAsync(
        string accountId, string name, NotifyMethod method, string contactPath, string? webhookSecret, string actor,
        CancellationToken cancellationToken)
    {
        webhookSecret ??= WebhookSecrets.Generate();
        var errors = PartnerRules.Validate(accountId, name, method, contactPath, webhookSecret);
        if (errors.Count > 0)
        {
            return ChangeResult<Partner>.Failure(errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Partners.AnyAsync(p => p.AccountId == accountId, cancellationToken))
        {
            return ChangeResult<Partner>.Failure("AccountId", $"A partner with the account id '{accountId}' already exists.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var partner = new Partner
        {
            AccountId = accountId,
            Name = name,
            NotifyMethod = method,
            ContactPath = contactPath,
            WebhookSecret = webhookSecret,
            CreatedAtUtc = now,
        };
        db.Partners.Add(partner);
        db.AuditEntries.Add(AuditEntry.Record(actor, "partner.create", "Partner", accountId, null,
            new { partner.AccountId, partner.Name, partner.NotifyMethod, partner.ContactPath, partner.IsActive }, now));
        await db.SaveChangesAsync(cancellationToken);
        return ChangeResult<Partner>.Success(partner);
    }
}
