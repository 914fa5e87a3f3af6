using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MoMo.Portal.Tests.TestSupport;

/// <summary>
/// A mail server on 127.0.0.1 that speaks just enough SMTP to refuse a recipient with a given reply (e.g. 550),
/// for the failure cases netDumbster cannot play.
/// </summary>
public sealed class ScriptedSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly string _recipientReply;

    public ScriptedSmtpServer(string recipientReply)
    {
        _recipientReply = recipientReply;
        _listener.Start();
        _loop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 scripted.test ESMTP");
            while (await reader.ReadLineAsync() is { } line)
            {
                var verb = line.Split(' ')[0].ToUpperInvariant();
                var reply = verb switch
                {
                    "EHLO" or "HELO" => "250 scripted.test",
                    "MAIL" => "250 OK",
                    "RCPT" => _recipientReply,
                    "RSET" or "NOOP" => "250 OK",
                    "QUIT" => "221 Bye",
                    _ => "502 Command not implemented",
                };
                await writer.WriteLineAsync(reply);
                if (verb == "QUIT")
                {
                    return;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop;
        _stop.Dispose();
    }
}
