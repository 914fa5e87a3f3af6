using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace MoMo.Portal.Banks;

/// <summary>
/// Bank API keys. Generated keys carry 256 random bits, so a plain SHA-256 is enough to store them: a slow password
/// hash protects guessable secrets, and these are not guessable. Keeping the hash fast keeps every bank request fast.
/// </summary>
public static partial class BankApiKeys
{
    public const int MinLength = 24;
    public const int MaxLength = 256;

    public static string Generate() =>
        "mbk_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string apiKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    public static string Hint(string apiKey) => apiKey[..Math.Min(8, apiKey.Length)] + "…";

    /// <summary>Compares in constant time, so response timing tells nothing about how much of a key was right.</summary>
    public static bool Matches(string apiKey, string storedHash)
    {
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));
        var stored = new byte[32];
        return Convert.FromHexString(storedHash, stored, out _, out var written) == System.Buffers.OperationStatus.Done
               && written == stored.Length
               && CryptographicOperations.FixedTimeEquals(presented, stored);
    }

    /// <summary>Null when a key chosen by an operator is acceptable; otherwise why not.</summary>
    public static string? Check(string apiKey) =>
        apiKey.Length is < MinLength or > MaxLength || !PrintableAscii().IsMatch(apiKey)
            ? $"An API key must be {MinLength} to {MaxLength} printable ASCII characters without spaces."
            : null;

    /// <summary>Null when <paramref name="code"/> is a usable bank code (it appears in URLs).</summary>
    public static string? CheckCode(string code) =>
        BankCode().IsMatch(code)
            ? null
            : $"A bank code is 2 to {Bank.MaxCodeLength} lower-case letters, digits or underscores, e.g. africa_bank.";

    [GeneratedRegex(@"^[!-~]+\z", RegexOptions.CultureInvariant)]
    private static partial Regex PrintableAscii();

    [GeneratedRegex(@"^[a-z0-9_]{2,32}\z", RegexOptions.CultureInvariant)]
    private static partial Regex BankCode();
}
