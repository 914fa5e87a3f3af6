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
    public static string Sign(string secret, string messageId, long timestamp, string body)
    {
        if (!WebhookSecrets.TryGetKey(secret, out var key))
        {
            throw new ArgumentException("The partner's webhook secret is not a valid whsec_ secret.", nameof(secret));
        }

        var signed = Encoding.UTF8.GetBytes($"{messageId}.{timestamp}.{body}");
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, signed));
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
