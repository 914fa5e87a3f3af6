using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Routing;

/// <summary>
/// The router's own "anything due for this partner?" (on SQLite each status its own index range, on PostgreSQL the
/// claim's pick) gives the answer of <see cref="PaymentRules.DueAt"/> for a partner that takes deliveries, on each database.
/// </summary>
public abstract class DueClaimsTests(DatabaseProvider provider)
{
    [Fact]
    public async Task A_partner_has_something_due_exactly_when_the_payment_rules_say_so()
    {
        await using var portal = PortalFactory.On(provider).With("Routing:RunBackgroundJobs", "false");
        await portal.InitializeAsync();
        await portal.AddWebhookPartnerAsync("shop", "https://partner.example/hooks");
        var id = await portal.PostPaymentAsync("shop", "1.00", "D-1");
        var now = DateTime.UtcNow.AddSeconds(1);

        var received = await AnyDueAsync(portal, now);
        await SetAsync(portal, id, PaymentStatus.Received, next: null, claimExpires: null);
        var queued = await AnyDueAsync(portal, now);
        await SetAsync(portal, id, PaymentStatus.Delivered, next: null, claimExpires: null);
        var delivered = await AnyDueAsync(portal, now);
        await SetAsync(portal, id, PaymentStatus.RetryScheduled, next: now.AddMinutes(5), claimExpires: null);
        var retryLater = await AnyDueAsync(portal, now);
        var retryNow = await AnyDueAsync(portal, now.AddMinutes(6));
        await SetAsync(portal, id, PaymentStatus.Delivering, next: now, claimExpires: now.AddMinutes(1));
        var claimed = await AnyDueAsync(portal, now);
        var claimExpired = await AnyDueAsync(portal, now.AddMinutes(2));
        await using (var db = portal.CreateDbContext())
        {
            await db.Partners.Where(p => p.AccountId == "shop").ExecuteUpdateAsync(s => s.SetProperty(p => p.IsActive, false), Ct);
        }

        var disabled = await AnyDueAsync(portal, now.AddMinutes(2));

        Assert.Equal((true, true, false, false, true, false, true, false),
            (received, queued, delivered, retryLater, retryNow, claimed, claimExpired, disabled));
    }

    private static async Task<bool> AnyDueAsync(PortalFactory portal, DateTime now)
    {
        await using var db = portal.CreateDbContext();
        var rules = await db.Payments.Where(PaymentRules.DueAt(now)).AnyAsync(p => p.PartnerAccountId == "shop"
            && db.Partners.Any(partner => partner.AccountId == "shop" && partner.IsActive), Ct);
        var answer = await DueClaims.AnyDueAsync(db, "shop", now, Ct);
        Assert.Equal(rules, answer);
        return answer;
    }

    private static async Task SetAsync(PortalFactory portal, long id, PaymentStatus status, DateTime? next, DateTime? claimExpires)
    {
        await using var db = portal.CreateDbContext();
        await db.Payments.Where(p => p.Id == id).ExecuteUpdateAsync(set => set
            .SetProperty(p => p.Status, status)
            .SetProperty(p => p.NextAttemptAtUtc, next)
            .SetProperty(p => p.ClaimExpiresAtUtc, claimExpires), Ct);
    }
}

public sealed class DueClaimsOnSqliteTests() : DueClaimsTests(DatabaseProvider.Sqlite);

public sealed class DueClaimsOnPostgresTests() : DueClaimsTests(DatabaseProvider.Postgres);
