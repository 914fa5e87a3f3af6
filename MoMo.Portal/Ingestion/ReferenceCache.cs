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

    /// <summary>
    /// What the bank's unknown-reference policy makes of a payment naming this payer and partner: accepted when both
    /// exist; otherwise held in suspense (with the reason) or refused, as the bank says. A bank request and a payment
    /// made from a statement entry are judged alike.
    /// </summary>
    public async Task<ReferenceVerdict> JudgeAsync(string bankCode, string payerId, string partnerAccountId, CancellationToken cancellationToken)
    {
        var (payerKnown, partnerKnown) = await ReferencesAsync(payerId, partnerAccountId, cancellationToken);
        if (payerKnown && partnerKnown)
        {
            return new ReferenceVerdict(true, true, null);
        }

        return (await BankAsync(bankCode, cancellationToken))?.UnknownReference == UnknownReferencePolicy.Hold
            ? new ReferenceVerdict(payerKnown, partnerKnown, Suspense.SuspenseCase.ReasonFor(payerKnown, partnerKnown))
            : new ReferenceVerdict(payerKnown, partnerKnown, null);
    }

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

/// <summary>Whether the payer and partner exist and, when one does not, whether the bank's policy holds the payment (and why).</summary>
public sealed record ReferenceVerdict(bool PayerKnown, bool PartnerKnown, Suspense.SuspenseReason? Held)
{
    /// <summary>An unknown payer or partner at a bank that refuses them.</summary>
    public bool Refused => !(PayerKnown && PartnerKnown) && Held is null;
}

public sealed record BankCredentials(
    string ApiKeyHash, bool IsActive, IReadOnlyList<System.Net.IPNetwork> AllowedNetworks, UnknownReferencePolicy UnknownReference);
