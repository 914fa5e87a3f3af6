using System.Net;
using MoMo.Portal.Banks;

namespace MoMo.Portal.Ingestion;

/// <summary>Checks a bank's <c>X-Api-Key</c> against the stored hash, and the caller's address against the bank's networks.</summary>
public sealed class BankAuthenticator(ReferenceCache references)
{
    public const string ApiKeyHeader = "X-Api-Key";

    // Compared against when the bank does not exist, so that an unknown bank takes as long as a wrong key.
    private static readonly string s_decoyHash = BankApiKeys.Hash(BankApiKeys.Generate());

    public async Task<IngestionRejection?> AuthenticateAsync(
        string bankCode, string? apiKey, IPAddress? remoteAddress, CancellationToken cancellationToken)
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

        // Checked after the key, so that an outsider cannot tell a bank with an allow-list from a made-up code.
        if (!BankNetworks.Allows(bank.AllowedNetworks, remoteAddress))
        {
            return IngestionRejection.SourceNotAllowed(bankCode, remoteAddress);
        }

        return bank.IsActive ? null : IngestionRejection.BankDisabled(bankCode);
    }
}
