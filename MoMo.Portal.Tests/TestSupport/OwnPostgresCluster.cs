using System.Diagnostics;

namespace MoMo.Portal.Tests.TestSupport;

/// <summary>
/// A throw-away PostgreSQL cluster the test run starts for itself where Debian's PostgreSQL binaries are installed
/// (<c>/usr/lib/postgresql/N/bin</c>) and no server was named: so <c>dotnet test</c> alone runs the PostgreSQL tests too.
/// It lives in a temporary directory on a port the OS picked, without fsync (the tests need no durability; the
/// benchmarks use <c>.ci/postgres</c>, which keeps it), and is stopped when the test process exits. A cluster left
/// behind by a test process that was killed is stopped and removed by the next run.
/// </summary>
internal static class OwnPostgresCluster
{
    private const string DirectoryPrefix = "momo-test-postgres-";

    /// <summary>The newest installed PostgreSQL's bin directory, or null.</summary>
    public static string? BinDirectory =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var version) ? version : 0)
                .FirstOrDefault()
            : null;

    /// <summary>Starts the cluster and returns its admin connection string; throws with PostgreSQL's own words when it cannot.</summary>
    public static string Start(string bin)
    {
        StopAbandoned(bin);
        var directory = Path.Combine(Path.GetTempPath(), DirectoryPrefix + Environment.ProcessId);
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        Directory.CreateDirectory(directory);
        // PostgreSQL refuses to run as root; there its files belong to the postgres user Debian's package creates.
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            Run("chown", "postgres:", directory);
        }

        var port = LoopbackPort.Free();
        RunAsOwner(asRoot, Path.Combine(bin, "initdb"), "-D", directory, "-A", "trust", "-U", "postgres", "--no-sync");
        RunAsOwner(asRoot, Path.Combine(bin, "pg_ctl"), "-D", directory, "-l", Path.Combine(directory, "server.log"), "-w", "start", "-o",
            $"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop(bin, directory, asRoot);
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres";
    }

    /// <summary>Clusters of test processes that no longer run (killed before they could stop theirs).</summary>
    private static void StopAbandoned(string bin)
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), DirectoryPrefix + "*"))
        {
            if (int.TryParse(Path.GetFileName(directory)[DirectoryPrefix.Length..], out var pid) && !IsRunning(pid))
            {
                Stop(bin, directory, Environment.UserName == "root");
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void Stop(string bin, string directory, bool asRoot)
    {
        try
        {
            RunAsOwner(asRoot, Path.Combine(bin, "pg_ctl"), "-D", directory, "-m", "immediate", "stop");
        }
        catch (InvalidOperationException)
        {
            // Not running: nothing to stop, only files to remove.
        }

        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static void RunAsOwner(bool asRoot, string program, params string[] arguments)
    {
        if (asRoot)
        {
            Run("runuser", ["-u", "postgres", "--", program, .. arguments]);
        }
        else
        {
            Run(program, arguments);
        }
    }

    private static void Run(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}{output.Result}");
        }
    }
}
