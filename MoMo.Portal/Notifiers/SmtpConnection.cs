using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MoMo.Portal.Notifiers;

/// <summary>Hands one message to the configured SMTP server with MailKit: connect, authenticate when configured, send, quit.</summary>
public static class SmtpConnection
{
    /// <summary>
    /// Sends <paramref name="message"/>, giving up after <paramref name="timeout"/> (an <see cref="OperationCanceledException"/>
    /// while <paramref name="cancellationToken"/> is not cancelled). Returns the server's reply to DATA; a refusal throws
    /// <see cref="SmtpCommandException"/>, and a connection problem one of <see cref="IsConnectionProblem"/>.
    /// </summary>
    public static async Task<string> SendAsync(SmtpOptions options, MimeMessage message, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var client = new SmtpClient { Timeout = (int)timeout.TotalMilliseconds };
        await client.ConnectAsync(options.Host!, options.Port, options.Security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        }, deadline.Token);
        if (!string.IsNullOrEmpty(options.User))
        {
            await client.AuthenticateAsync(options.User, options.Password ?? "", deadline.Token);
        }

        var reply = await client.SendAsync(message, deadline.Token);
        await client.DisconnectAsync(quit: true, deadline.Token);
        // MailKit hands back the text of the server's 250 reply to DATA; anything else would have thrown.
        return $"250 {reply}";
    }

    /// <summary>The server could not be reached or the session broke: worth trying again later.</summary>
    public static bool IsConnectionProblem(Exception exception) =>
        exception is SmtpProtocolException or IOException or SocketException or SslHandshakeException or AuthenticationException
            or ServiceNotConnectedException;
}
