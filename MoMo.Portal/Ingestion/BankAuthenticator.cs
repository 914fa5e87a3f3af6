using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Banks;
using MoMo.Portal.Data;

namespace MoMo.Portal.Ingestion;

/// <summary>Checks a bank's <c>X-Api-Key</c> against the stored hash.</summary>
public sealed class BankAuthenticator(IDbContextFactory<PortalDbContext> dbFactory)
{
    public const string ApiKeyHeader = "X-Api-Key";

    // Compared against when the bank does not exist, so that an unknown bank takes as long as a wrong key.
    private static readonly string s_decoyHash = BankApiKeys.Hash(BankApiKeys.Generate());

    public async Task<IngestionRejection?> AuthenticateAsync(string bankCode, string? apiKey, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(apiKey))
        {
            return IngestionRejection.MissingApiKey();
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var bank = await db.Banks.AsNoTracking()
            .Where(b => b.Code == bankCode)
            .Select(b => new { b.ApiKeyHash, b.IsActive })
            .SingleOrDefaultAsync(cancellationToken);

        if (!BankApiKeys.Matches(apiKey, bank?.ApiKeyHash ?? s_decoyHash) || bank is null)
        {
            return IngestionRejection.InvalidApiKey(bankCode);
        }

        return bank.IsActive ? null : IngestionRejection.BankDisabled(bankCode);
    }
}
