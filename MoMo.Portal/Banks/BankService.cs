using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Audit;
using MoMo.Portal.Data;
using MoMo.Portal.Ingestion;

namespace MoMo.Portal.Banks;

/// <summary>Registers banks and their API keys.</summary>
public sealed class BankService(IDbContextFactory<PortalDbContext> dbFactory, ReferenceCache references, TimeProvider clock)
{
    /// <summary>Adds a bank; the API key is generated when not given. The key is returned once and stored only hashed.</summary>
    public async Task<ChangeResult<NewBank>> CreateAsync(string code, string name, string? apiKey, string actor, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string>();
        if (BankApiKeys.CheckCode(code) is { } codeError)
        {
            errors["Code"] = codeError;
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > Bank.MaxNameLength)
        {
            errors["Name"] = $"A name of 1 to {Bank.MaxNameLength} characters is required.";
        }

        if (apiKey is not null && BankApiKeys.Check(apiKey) is { } keyError)
        {
            errors["ApiKey"] = keyError;
        }

        if (errors.Count > 0)
        {
            return ChangeResult<NewBank>.Failure(errors);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Banks.AnyAsync(b => b.Code == code, cancellationToken))
        {
            return ChangeResult<NewBank>.Failure("Code", $"A bank with the code '{code}' already exists.");
        }

        apiKey ??= BankApiKeys.Generate();
        var now = clock.GetUtcNow().UtcDateTime;
        var bank = new Bank { Code = code, Name = name, ApiKeyHash = "", ApiKeyHint = "", CreatedAtUtc = now };
        bank.SetApiKey(apiKey);
        db.Banks.Add(bank);
        db.AuditEntries.Add(AuditEntry.Record(actor, "bank.create", "Bank", code, null,
            new { bank.Code, bank.Name, bank.ApiKeyHint, bank.IsActive }, now));
        await db.SaveChangesAsync(cancellationToken);
        references.ForgetBank(code);
        return ChangeResult<NewBank>.Success(new NewBank(bank, apiKey));
    }

    public async Task<bool> SetActiveAsync(string code, bool active, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var bank = await db.Banks.SingleOrDefaultAsync(b => b.Code == code, cancellationToken);
        if (bank is null)
        {
            return false;
        }

        var before = new { bank.IsActive };
        bank.IsActive = active;
        db.AuditEntries.Add(AuditEntry.Record(actor, active ? "bank.enable" : "bank.disable", "Bank", code, before,
            new { bank.IsActive }, clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(cancellationToken);
        references.ForgetBank(code);
        return true;
    }

    /// <summary>
    /// Sets the networks the bank may call from (empty: anywhere). Takes effect at once on this instance and within
    /// <see cref="ReferenceCache.BankTtl"/> on the others. Null when there is no such bank.
    /// </summary>
    public async Task<ChangeResult<Bank>?> SetAllowedNetworksAsync(string code, string? networks, string actor, CancellationToken cancellationToken)
    {
        if (BankNetworks.Check(networks) is { } error)
        {
            return ChangeResult<Bank>.Failure("AllowedNetworks", error);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var bank = await db.Banks.SingleOrDefaultAsync(b => b.Code == code, cancellationToken);
        if (bank is null)
        {
            return null;
        }

        var before = new { bank.AllowedNetworks };
        bank.AllowedNetworks = BankNetworks.Normalize(networks);
        db.AuditEntries.Add(AuditEntry.Record(actor, "bank.networks", "Bank", code, before, new { bank.AllowedNetworks },
            clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(cancellationToken);
        references.ForgetBank(code);
        return ChangeResult<Bank>.Success(bank);
    }

    /// <summary>
    /// Sets what happens to the bank's payments that name an unknown payer or partner (<see cref="UnknownReferencePolicy"/>).
    /// Null when there is no such bank.
    /// </summary>
    public async Task<Bank?> SetUnknownReferenceAsync(string code, UnknownReferencePolicy policy, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var bank = await db.Banks.SingleOrDefaultAsync(b => b.Code == code, cancellationToken);
        if (bank is null)
        {
            return null;
        }

        var before = new { bank.UnknownReference };
        bank.UnknownReference = policy;
        db.AuditEntries.Add(AuditEntry.Record(actor, "bank.unknown-reference", "Bank", code, before, new { bank.UnknownReference },
            clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(cancellationToken);
        references.ForgetBank(code);
        return bank;
    }

    /// <summary>Sets the bank's CSV statement mapping (JSON, checked first); null when there is no such bank.</summary>
    public async Task<ChangeResult<Bank>?> SetStatementCsvMappingAsync(string code, string json, string actor, CancellationToken cancellationToken)
    {
        var (mapping, error) = Reconciliation.CsvStatementMapping.Parse(json);
        if (mapping is null)
        {
            return ChangeResult<Bank>.Failure("StatementCsvMapping", error!);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var bank = await db.Banks.SingleOrDefaultAsync(b => b.Code == code, cancellationToken);
        if (bank is null)
        {
            return null;
        }

        var before = new { bank.StatementCsvMapping };
        bank.StatementCsvMapping = mapping.ToJson();
        db.AuditEntries.Add(AuditEntry.Record(actor, "bank.statement-csv-mapping", "Bank", code, before, new { bank.StatementCsvMapping },
            clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(cancellationToken);
        return ChangeResult<Bank>.Success(bank);
    }

    /// <summary>Sets (or, with null, removes) the bank's silence alert; null when there is no such bank.</summary>
    public async Task<Bank?> SetSilenceWatchAsync(string code, SilenceWatch? watch, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var bank = await db.Banks.SingleOrDefaultAsync(b => b.Code == code, cancellationToken);
        if (bank is null)
        {
            return null;
        }

        var before = new { Silence = bank.Silence?.ToString() };
        (bank.SilenceAlertAfter, bank.ActiveFrom, bank.ActiveTo) = (watch?.After, watch?.From, watch?.To);
        db.AuditEntries.Add(AuditEntry.Record(actor, "bank.silence-alert", "Bank", code, before, new { Silence = bank.Silence?.ToString() },
            clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(cancellationToken);
        return bank;
    }

    /// <summary>Replaces the bank's API key at once; the new key is returned once and stored only hashed.</summary>
    public async Task<string?> RotateApiKeyAsync(string code, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var bank = await db.Banks.SingleOrDefaultAsync(b => b.Code == code, cancellationToken);
        if (bank is null)
        {
            return null;
        }

        var before = new { bank.ApiKeyHint };
        var apiKey = BankApiKeys.Generate();
        bank.SetApiKey(apiKey);
        db.AuditEntries.Add(AuditEntry.Record(actor, "bank.key.rotate", "Bank", code, before, new { bank.ApiKeyHint },
            clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(cancellationToken);
        references.ForgetBank(code);
        return apiKey;
    }
}

/// <summary>A bank just created, with the API key that is never shown again.</summary>
public sealed record NewBank(Bank Bank, string ApiKey);
