namespace MoMo.Portal.Ingestion;

/// <summary>A bank's HTTP request exactly as it arrived: the evidence of what the bank asked for.</summary>
public sealed record RawBankRequest(
    DateTime ReceivedAtUtc,
    string Method,
    string Path,
    string? ContentType,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string? RemoteAddress,
    byte[] Body,
    bool BodyTruncated);
