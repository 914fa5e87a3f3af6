namespace MoMo.Portal.Banks;

/// <summary>A bank allowed to POST payments, authenticated by an API key of which only a hash is kept.</summary>
public sealed class Bank
{
    public const int MaxCodeLength = 32;
    public const int MaxNameLength = 200;

    /// <summary>The bank's code in URLs, e.g. <c>africa_bank</c>.</summary>
    public required string Code { get; init; }

    public required string Name { get; set; }

    /// <summary>SHA-256 of the API key, hex. See <see cref="BankApiKeys"/> for why a fast hash is right here.</summary>
    public required string ApiKeyHash { get; set; }

    /// <summary>The first characters of the key, so staff can tell which key a bank holds without seeing it.</summary>
    public required string ApiKeyHint { get; set; }

    public bool IsActive { get; set; } = true;

    /// <summary>The source networks the bank may call from (see <see cref="BankNetworks"/>); null for anywhere.</summary>
    public string? AllowedNetworks { get; set; }

    /// <summary>What happens to a payment naming an unknown payer or partner: refused (422) or held in suspense.</summary>
    public UnknownReferencePolicy UnknownReference { get; set; } = UnknownReferencePolicy.Reject;

    public required DateTime CreatedAtUtc { get; init; }

    /// <summary>How the bank's CSV statements read (<see cref="Reconciliation.CsvStatementMapping"/>, as JSON); null: none.</summary>
    public string? StatementCsvMapping { get; set; }

    /// <summary>Alert when the bank sends nothing for this long during its active hours; null: never (the default).</summary>
    public TimeSpan? SilenceAlertAfter { get; set; }

    /// <summary>When the bank's active hours begin and end, local time in the close time zone; null: all day.</summary>
    public TimeOnly? ActiveFrom { get; set; }

    public TimeOnly? ActiveTo { get; set; }

    /// <summary>The silence watch, when one is set.</summary>
    public SilenceWatch? Silence => SilenceAlertAfter is { } after ? new SilenceWatch(after, ActiveFrom, ActiveTo) : null;

    public void SetApiKey(string apiKey)
    {
        ApiKeyHash = BankApiKeys.Hash(apiKey);
        ApiKeyHint = BankApiKeys.Hint(apiKey);
    }
}
