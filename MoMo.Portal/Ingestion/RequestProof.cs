namespace MoMo.Portal.Ingestion;

/// <summary>A raw bank request kept by <see cref="DatabaseProofStore"/>, with the SHA-256 of its body.</summary>
public sealed class RequestProof
{
    public const int MaxMethodLength = 16;
    public const int MaxPathLength = 2048;
    public const int MaxContentTypeLength = 256;
    public const int MaxRemoteAddressLength = 64;

    public required string Key { get; init; }
    public required DateTime ReceivedAtUtc { get; init; }
    public required string Method { get; init; }
    public required string Path { get; init; }
    public string? ContentType { get; init; }

    /// <summary>The request headers as a JSON object; credentials are redacted before they get here.</summary>
    public required string HeadersJson { get; init; }

    public string? RemoteAddress { get; init; }
    public required byte[] Body { get; init; }

    /// <summary>True when the bank sent more than the size limit and only the first part was kept.</summary>
    public bool BodyTruncated { get; init; }

    /// <summary>Lower-case hex SHA-256 of <see cref="Body"/>.</summary>
    public required string BodySha256 { get; init; }
}
