using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using MoMo.Portal.Partners;

namespace MoMo.Portal.Notifiers;

/// <summary>
/// Standard Webhooks signatures: <c>v1,</c> + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), where the key is the
/// base64-decoded part of the partner's <c>whsec_</c> secret. Partners verify with any Standard Webhooks library.
/// </summary>
public static class WebhookSigner
{
    public static string Sign(string secret, string messageId, long timestamp, string body) =>
        Sign(secret, messageId, timestamp, Encoding.UTF8.GetBytes(body));

    /// <summary>The signature of a body as it goes on the wire, already UTF-8.</summary>
    public static string Sign(string secret, string messageId, long timestamp, ReadOnlySpan<byte> body)
    {
        if (!WebhookSecrets.TryGetKey(secret, out var key))
        {
            throw new ArgumentException("The partner's webhook secret is not a valid whsec_ secret.", nameof(secret));
        }

        var prefix = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.");
        var signed = ArrayPool<byte>.Shared.Rent(prefix.Length + body.Length);
        try
        {
            prefix.CopyTo(signed, 0);
            body.CopyTo(signed.AsSpan(prefix.Length));
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            HMACSHA256.HashData(key, signed.AsSpan(0, prefix.Length + body.Length), mac);
            return "v1," + Convert.ToBase64String(mac);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(signed);
        }
    }

    /// <summary>True when <paramref name="signatureHeader"/> holds a v1 signature of the message made with the secret.</summary>
    public static bool Verify(string secret, string messageId, long timestamp, string body, string signatureHeader)
    {
        var expected = Encoding.ASCII.GetBytes(Sign(secret, messageId, timestamp, body));
        // The header may carry several space-separated signatures (during a secret rotation); any one may match.
        return signatureHeader.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Any(candidate => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate), expected));
    }
}
