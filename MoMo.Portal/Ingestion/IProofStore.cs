using MoMo.Portal.Data;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// Keeps the raw request behind every payment and every rejection. The default keeps it in the database inside the
/// payment's own transaction; an object store (S3-compatible, Azure Blob) can take its place for large volumes.
/// </summary>
public interface IProofStore
{
    /// <summary>
    /// Makes <paramref name="request"/> durable as part of the unit of work in <paramref name="db"/> and returns its key.
    /// A store outside the database must have written the request durably before it returns.
    /// </summary>
    ValueTask<string> SaveAsync(RawBankRequest request, PortalDbContext db, CancellationToken cancellationToken);

    /// <summary>The stored request and its SHA-256, or null when there is none under <paramref name="key"/>.</summary>
    Task<StoredProof?> LoadAsync(string key, PortalDbContext db, CancellationToken cancellationToken);
}

public sealed record StoredProof(string Key, RawBankRequest Request, string BodySha256);
