using MoMo.Portal.Banks;

namespace MoMo.Portal.Ingestion;

/// <summary>Checks a bank's <c>X-Api-Key</c> against the stored hash.</summary>
public sealed class BankAuthenticator(ReferenceCache references)
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

        var bank = await references.BankAsync(bankCode, cancellationToken);

        if (!BankApiKeys.Matches(apiKey, bank?.ApiKeyHash ?? s_decoyHash) || bank is null)
        {
            return IngestionRejection.InvalidApiKey(bankCode);
        }

        return bank.IsActive ? null : IngestionRejection.BankDisabled(bankCode);
    }
}
