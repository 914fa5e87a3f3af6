using System.Diagnostics;
using System.Net;

namespace MoMo.Portal.Tests.TestSupport;

/// <summary>
/// The built portal as a separate operating-system process (<c>dotnet MoMo.Portal.dll</c>), so a test can kill it
/// with SIGKILL the way a power cut or the OOM killer would, and start it again on the same data directory.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private static readonly string s_program = Path.Combine(AppContext.BaseDirectory, "MoMo.Portal.dll");
    private readonly Dictionary<string, string> _environment;
    private Process? _process;

    public PortalProcess(string dataDirectory, IDictionary<string, string>? settings = null)
    {
        Port = LoopbackPort.Free();
        _environment = new Dictionary<string, string>
        {
            ["MoMo__DataDirectory"] = dataDirectory,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port}",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            // The tests' partners are plain-http receivers on loopback.
            ["Routing__AllowPlainHttp"] = "true",
            // A throw-away database needs no certificate for its data-protection keys; StartupTests checks the refusal.
            ["MoMo__AllowUnprotectedKeys"] = "true",
            // The scale-out tests sign an Admin in without a second factor.
            ["MoMo__RequireTwoFactor__0"] = "none",
            // The load and scale-out tests send one bank's payments as fast as the machine allows.
            ["Intake__RequestsPerSecondPerBank"] = "1000000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            _environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }
    }

    public int Port { get; }

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");

    /// <summary>Runs a command-line command of the portal to completion and returns its exit code.</summary>
    public async Task<int> RunCommandAsync(params string[] args)
    {
        using var process = Process.Start(Start(args))!;
        Drain(process);
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    /// <summary>Runs the program (the web app when no command is given) until it exits by itself; its exit code and error output.</summary>
    public async Task<(int ExitCode, string Error)> RunToExitAsync(TimeSpan timeout, params string[] args)
    {
        using var process = Process.Start(Start(args))!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The program did not exit within {timeout.TotalSeconds:0} s.");
        }

        return (process.ExitCode, await error);
    }

    /// <summary>Starts the web app and waits until it answers.</summary>
    public async Task StartAsync()
    {
        _process = Process.Start(Start([]))!;
        Drain(_process);
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if ((await http.GetAsync("/openapi/v1.json")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Starting up.
            }

            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with {_process.ExitCode} while starting.");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The portal did not start within 30 s. Its last output:\n{string.Join("\n", _lastLines)}");
    }

    /// <summary>The web app's resident memory now, in MB (Linux).</summary>
    public long ResidentMegabytes()
    {
        var status = File.ReadAllLines($"/proc/{_process!.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(status.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, nothing the app can do about it.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Reads the child's output so a full pipe can never block it, keeping the last lines for a failure's message.</summary>
    private void Drain(Process process)
    {
        void Keep(string? line)
        {
            if (line is null)
            {
                return;
            }

            _lastLines.Enqueue(line);
            while (_lastLines.Count > 30 && _lastLines.TryDequeue(out _))
            {
            }
        }

        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _lastLines = new();

    private ProcessStartInfo Start(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(s_program);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        return start;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }
}
