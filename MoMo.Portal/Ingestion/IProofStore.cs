using MoMo.Portal.Data;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// Keeps the raw request behind every payment and every rejection, in the database inside the payment's own transaction
/// (<see cref="DatabaseProofStore"/>). The group-commit writer (<see cref="PaymentWriter"/>) inserts the proofs of a
/// batch as rows itself, with their payments, so a bank's 201 means both are committed; the other paths — rejections,
/// a payment written alone, a payment made from a statement entry — save through this interface. An object store
/// (S3-compatible, Azure Blob) in its place would also have to take part in the writer's batch: upload before the
/// batch commits. Not built while the database keeps up.
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
