using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using MoMo.Portal.Banks;
using MoMo.Portal.Data;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// What every bank request looks up — the bank's key hash, and whether the payer and partner exist — kept in memory
/// for a few seconds so that a burst of payments does not ask the database the same questions thousands of times.
/// Only facts that stay true are cached for long: payers and partners are never deleted. A bank's key or state
/// changed in this process applies at once (<see cref="ForgetBank"/>); changed by another instance, within
/// <see cref="BankTtl"/>.
/// </summary>
public sealed class ReferenceCache(IMemoryCache cache, IDbContextFactory<PortalDbContext> dbFactory)
{
    public static readonly TimeSpan BankTtl = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_referenceTtl = TimeSpan.FromMinutes(1);

    /// <summary>The bank's key hash, whether it is active, where it may call from and its unknown-reference policy; null for an unknown bank.</summary>
    public async Task<BankCredentials?> BankAsync(string bankCode, CancellationToken cancellationToken) =>
        await cache.GetOrCreateAsync(("bank", bankCode), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = BankTtl;
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            return await db.Banks.AsNoTracking().Where(b => b.Code == bankCode)
                .Select(b => new { b.ApiKeyHash, b.IsActive, b.AllowedNetworks, b.UnknownReference })
                .SingleOrDefaultAsync(cancellationToken) is { } bank
                ? new BankCredentials(bank.ApiKeyHash, bank.IsActive, BankNetworks.Parse(bank.AllowedNetworks), bank.UnknownReference)
                : null;
        });

    public void ForgetBank(string bankCode) => cache.Remove(("bank", bankCode));

    /// <summary>Which of the payer and the partner exist; only a "yes" is remembered, so a new one is seen at once.</summary>
    public async Task<(bool PayerKnown, bool PartnerKnown)> ReferencesAsync(string payerId, string partnerAccountId, CancellationToken cancellationToken)
    {
        var payerKnown = cache.TryGetValue(("payer", payerId), out _);
        var partnerKnown = cache.TryGetValue(("partner", partnerAccountId), out _);
        if (payerKnown && partnerKnown)
        {
            return (true, true);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        payerKnown = payerKnown || await db.Payers.AnyAsync(p => p.Id == payerId, cancellationToken);
        partnerKnown = partnerKnown || await db.Partners.AnyAsync(p => p.AccountId == partnerAccountId, cancellationToken);
        if (payerKnown)
        {
            cache.Set(("payer", payerId), true, s_referenceTtl);
        }

        if (partnerKnown)
        {
            cache.Set(("partner", partnerAccountId), true, s_referenceTtl);
        }

        return (payerKnown, partnerKnown);
    }
}

public sealed record BankCredentials(
    string ApiKeyHash, bool IsActive, IReadOnlyList<System.Net.IPNetwork> AllowedNetworks, UnknownReferencePolicy UnknownReference);
