using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;

namespace MoMo.Portal.Partners;

/// <summary>
/// Webhook signing secrets at rest: encrypted with the portal's data-protection keys, which live in the database but
/// are themselves encrypted by the certificate in <c>MoMo:KeyProtectionCertificate</c> — so a copy of the database
/// (a backup, a stolen file) holds no usable secret without the certificate, kept outside it.
/// </summary>
public sealed partial class WebhookSecretVault(IDataProtectionProvider dataProtection, ILogger<WebhookSecretVault> logger)
{
    private readonly IDataProtector _protector = dataProtection.CreateProtector("MoMo.Portal.Partners.WebhookSecret.v1");

    /// <summary>What is stored for <paramref name="secret"/>.</summary>
    public string Protect(string secret) => _protector.Protect(secret);

    /// <summary>
    /// The secret behind <paramref name="stored"/>. A secret still in clear (written by a version before encryption,
    /// until <see cref="ProtectStoredAsync"/> has run) is recognised by its <c>whsec_</c> prefix and returned as it is.
    /// </summary>
    public string Reveal(string stored) => WebhookSecrets.IsValid(stored) ? stored : _protector.Unprotect(stored);

    /// <summary>The rotated-out secret while it still signs beside the current one at <paramref name="nowUtc"/>; otherwise null.</summary>
    public string? RevealPrevious(Partner partner, DateTime nowUtc) =>
        partner.ProtectedPreviousWebhookSecret is { } stored && partner.PreviousSecretValidUntilUtc > nowUtc ? Reveal(stored) : null;

    /// <summary>
    /// Encrypts every secret still stored in clear; run after each migration. Each row is changed only if it still holds
    /// the clear value, so instances starting together (or a partner edited meanwhile) are safe. Returns how many.
    /// </summary>
    public async Task<int> ProtectStoredAsync(IDbContextFactory<PortalDbContext> dbFactory, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var clear = await db.Partners.Where(p => p.ProtectedWebhookSecret.StartsWith(WebhookSecrets.Prefix))
            .Select(p => new { p.AccountId, p.ProtectedWebhookSecret }).ToListAsync(cancellationToken);
        var protectedCount = 0;
        foreach (var partner in clear)
        {
            var encrypted = Protect(partner.ProtectedWebhookSecret);
            protectedCount += await db.Partners
                .Where(p => p.AccountId == partner.AccountId && p.ProtectedWebhookSecret == partner.ProtectedWebhookSecret)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.ProtectedWebhookSecret, encrypted), cancellationToken);
        }

        if (protectedCount > 0)
        {
            LogProtected(protectedCount);
        }

        return protectedCount;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Encrypted {Count} webhook secrets that were stored in clear")]
    private partial void LogProtected(int count);
}
