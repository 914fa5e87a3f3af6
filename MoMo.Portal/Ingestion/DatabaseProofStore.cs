using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;

namespace MoMo.Portal.Ingestion;

/// <summary>Keeps proofs in the <see cref="RequestProof"/> table, committed in the same transaction as the payment.</summary>
internal sealed class DatabaseProofStore : IProofStore
{
    public ValueTask<string> SaveAsync(RawBankRequest request, PortalDbContext db, CancellationToken cancellationToken)
    {
        var proof = Create(request);
        db.RequestProofs.Add(proof);
        return ValueTask.FromResult(proof.Key);
    }

    /// <summary>
    /// The row that keeps <paramref name="request"/>, with a new key and the SHA-256 of its body. The body is kept
    /// byte for byte; the request line's texts are made to fit their columns (<see cref="StorableText"/>), so a
    /// 3,000-character query string cannot fail the batch that writes it.
    /// </summary>
    public static RequestProof Create(RawBankRequest request) => new()
    {
        // Version 7 GUIDs grow with time, so new proofs append to the end of the primary-key index.
        Key = Guid.CreateVersion7().ToString("N"),
        ReceivedAtUtc = request.ReceivedAtUtc,
        Method = StorableText.Clean(request.Method, RequestProof.MaxMethodLength),
        Path = StorableText.Clean(request.Path, RequestProof.MaxPathLength),
        ContentType = StorableText.CleanOrNull(request.ContentType, RequestProof.MaxContentTypeLength),
        HeadersJson = JsonSerializer.Serialize(request.Headers.ToDictionary(h => h.Key, h => h.Value)),
        RemoteAddress = StorableText.CleanOrNull(request.RemoteAddress, RequestProof.MaxRemoteAddressLength),
        Body = request.Body,
        BodyTruncated = request.BodyTruncated,
        BodySha256 = Convert.ToHexStringLower(SHA256.HashData(request.Body)),
    };

    public async Task<StoredProof?> LoadAsync(string key, PortalDbContext db, CancellationToken cancellationToken)
    {
        var proof = await db.RequestProofs.AsNoTracking().SingleOrDefaultAsync(p => p.Key == key, cancellationToken);
        if (proof is null)
        {
            return null;
        }

        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(proof.HeadersJson) ?? [];
        var request = new RawBankRequest(proof.ReceivedAtUtc, proof.Method, proof.Path, proof.ContentType,
            [.. headers], proof.RemoteAddress, proof.Body, proof.BodyTruncated);
        return new StoredProof(proof.Key, request, proof.BodySha256);
    }
}
