using System.Security.Cryptography;

namespace MoMo.Portal.Partners;

/// <summary>Standard Webhooks signing secrets: <c>whsec_</c> + base64 of the HMAC key.</summary>
public static class WebhookSecrets
{
    public const string Prefix = "whsec_";

    /// <summary>The specification asks for keys of 24 to 64 bytes.</summary>
    private const int MinKeyBytes = 24;
    private const int MaxKeyBytes = 64;

    public static string Generate() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static bool IsValid(string secret) => TryGetKey(secret, out _);

    /// <summary>The HMAC key: the base64-decoded part after <c>whsec_</c>.</summary>
    public static bool TryGetKey(string secret, out byte[] key)
    {
        key = [];
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var buffer = new byte[MaxKeyBytes + 3];
        if (!Convert.TryFromBase64String(secret[Prefix.Length..], buffer, out var length)
            || length is < MinKeyBytes or > MaxKeyBytes)
        {
            return false;
        }

        key = buffer[..length];
        return true;
    }
}
