using System.Net;

namespace MoMo.Portal.Banks;

/// <summary>
/// The networks a bank may call from, kept as text (<c>196.0.2.0/24, 2001:db8:7::/48</c>) and checked before its
/// request body is read. An empty list lets the bank call from anywhere, as before allow-lists existed.
/// </summary>
public static class BankNetworks
{
    public const int MaxLength = 1000;

    /// <summary>The networks in <paramref name="text"/>; call <see cref="Check"/> first, this skips what does not parse.</summary>
    public static IPNetwork[] Parse(string? text) =>
        [.. Entries(text).Select(entry => IPNetwork.TryParse(entry, out var network) ? network : (IPNetwork?)null).OfType<IPNetwork>()];

    /// <summary>Null when <paramref name="text"/> is a usable list of networks; otherwise why not.</summary>
    public static string? Check(string? text)
    {
        if (text is { Length: > MaxLength })
        {
            return $"The list of networks may be at most {MaxLength} characters.";
        }

        var bad = Entries(text).Where(entry => !IPNetwork.TryParse(entry, out _)).ToList();
        return bad.Count == 0
            ? null
            : $"'{string.Join("', '", bad)}' {(bad.Count == 1 ? "is not a network" : "are not networks")}: write each as an address and a prefix length, e.g. 196.0.2.0/24 or 2001:db8::/48.";
    }

    /// <summary>The list written the one way it is stored: comma and space between entries, null when empty.</summary>
    public static string? Normalize(string? text) =>
        Entries(text).ToList() is { Count: > 0 } entries ? string.Join(", ", entries) : null;

    /// <summary>True when <paramref name="networks"/> is empty or holds <paramref name="address"/>.</summary>
    public static bool Allows(IReadOnlyList<IPNetwork> networks, IPAddress? address)
    {
        if (networks.Count == 0)
        {
            return true;
        }

        if (address is null)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return networks.Any(network => network.Contains(address));
    }

    private static IEnumerable<string> Entries(string? text) =>
        (text ?? "").Split([',', ' ', '\n', '\r', '\t', ';'], StringSplitOptions.RemoveEmptyEntries);
}
