using System.Net;
using System.Net.Sockets;

namespace MoMo.Portal.Notifiers;

/// <summary>
/// Keeps webhooks from being aimed at the machine itself or its private network (SSRF): the check runs on the
/// addresses a host name resolves to, at connect time, so a DNS name that points inside is refused too.
/// </summary>
public static class OutboundAddressPolicy
{
    /// <summary>Connects to the first allowed address of the target; throws <see cref="OutboundAddressRefusedException"/> if none is.</summary>
    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, bool allowPrivateNetworks, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(endPoint.Host, cancellationToken);
        var allowed = allowPrivateNetworks ? addresses : addresses.Where(IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            throw new OutboundAddressRefusedException(endPoint.Host, addresses);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Why a request to <paramref name="host"/> would be refused, or null when one of its addresses is public; for a
    /// proxied request, whose connection goes to the proxy instead.
    /// </summary>
    public static async ValueTask<OutboundAddressRefusedException?> RefusalAsync(string host, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            // Unresolvable here: the proxy will fail to reach it too, and say so as a transient failure.
            return null;
        }

        return addresses.Any(IsPublic) ? null : new OutboundAddressRefusedException(host, addresses);
    }

    /// <summary>The addresses <paramref name="host"/> stands for: itself when it is a literal (brackets allowed), else DNS's answer.</summary>
    private static async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);

    /// <summary>False for loopback, private, shared, link-local (cloud metadata), multicast and reserved addresses.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 or >= 224
                     || (b[0] == 100 && b[1] is >= 64 and <= 127)
                     || (b[0] == 169 && b[1] == 254)
                     || (b[0] == 172 && b[1] is >= 16 and <= 31)
                     || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
                     || (b[0] == 192 && b[1] == 168)
                     || (b[0] == 198 && b[1] is 18 or 19)
                     || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                     || (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Any)
                     || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                     || (b[0] & 0xFE) == 0xFC // fc00::/7 unique local, incl. fd00:ec2::254 metadata
                     || b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 // ::/96 IPv4-compatible (::a.b.c.d reaches a.b.c.d)
                     || (b[0] == 0x20 && b[1] == 0x02) // 2002::/16 6to4: embeds any IPv4 address
                     || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00) // 2001::/32 Teredo tunnels
                     || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) // 2001:db8::/32 documentation
                     || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)); // 64:ff9b::/96 and 64:ff9b:1::/48 NAT64
        }

        return false;
    }
}

/// <summary>
/// A webhook URL resolved only to addresses the outbound policy refuses. The message, which staff see on the attempt,
/// does not name the addresses: a partner's URL must not become a way to map the internal network through the portal.
/// </summary>
public sealed class OutboundAddressRefusedException(string host, IReadOnlyCollection<IPAddress> addresses)
    : IOException($"Refused to connect to '{host}': it resolves to {(addresses.Count == 0 ? "no address" : "an internal address (loopback, private, link-local or reserved)")}. " +
                  "Set Routing:AllowPrivateNetworks to allow internal webhooks.");
