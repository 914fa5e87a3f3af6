using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Audit;
using MoMo.Portal.Data;
using MoMo.Portal.Notifiers;

namespace MoMo.Portal.Partners;

/// <summary>"Send test": a signed test webhook or e-mail, through the same notifier real payments use.</summary>
public sealed class PartnerTester(
    IDbContextFactory<PortalDbContext> dbFactory, IEnumerable<IPartnerNotifier> notifiers, WebhookSecretVault secrets, TimeProvider clock)
{
    public const string TestEventType = "payment.test";

    public async Task<NotificationResult?> SendAsync(string accountId, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var partner = await db.Partners.AsNoTracking().SingleOrDefaultAsync(p => p.AccountId == accountId, cancellationToken);
        if (partner is null)
        {
            return null;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        // Payment id 0 and the type payment.test tell the partner's code this is not money.
        var notice = new PaymentNotice("msg_test_" + Guid.CreateVersion7().ToString("N"), 0, "test-payer", partner.AccountId,
            partner.Name, partner.NotifyMethod, partner.ContactPath, secrets.Reveal(partner.ProtectedWebhookSecret), 100, "USD", "momo_test", null,
            now, now, TestEventType, secrets.RevealPrevious(partner, now));
        var result = await notifiers.Single(n => n.Method == partner.NotifyMethod).SendAsync(notice, cancellationToken);
        db.AuditEntries.Add(AuditEntry.Record(actor, "partner.test", "Partner", accountId, null,
            new { result.Outcome, result.HttpStatus, result.SmtpReply, result.Error }, now));
        await db.SaveChangesAsync(cancellationToken);
        return result;
    }
}
