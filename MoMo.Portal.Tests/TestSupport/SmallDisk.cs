using System.Diagnostics;

namespace MoMo.Portal.Tests.TestSupport;

/// <summary>
/// A disk that really fills up: a tmpfs of a chosen size mounted on a fresh folder, resizable while mounted. Mounting
/// needs root (CI runs as root); where it is not allowed the test is skipped with the reason.
/// </summary>
public sealed class SmallDisk : IAsyncDisposable
{
    private SmallDisk(string path) => Path = path;

    public string Path { get; }

    public static async Task<SmallDisk> MountAsync(int kilobytes)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "momo-tests", "disk-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var (exitCode, error) = await RunAsync("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", path);
        if (exitCode != 0)
        {
            Directory.Delete(path);
            Assert.Skip($"A full disk is simulated with a small tmpfs, and mounting one is not allowed here: {error.Trim()}");
        }

        return new SmallDisk(path);
    }

    /// <summary>Bytes in use on the disk now.</summary>
    public long UsedBytes
    {
        get
        {
            var drive = new DriveInfo(Path);
            return drive.TotalSize - drive.AvailableFreeSpace;
        }
    }

    /// <summary>Grows or shrinks the disk (not below what is in use).</summary>
    public async Task ResizeAsync(long kilobytes)
    {
        var (exitCode, error) = await RunAsync("mount", "-o", $"remount,size={kilobytes}k", Path);
        Assert.True(exitCode == 0, $"remount failed: {error}");
    }

    private static async Task<(int ExitCode, string Error)> RunAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, error);
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return (-1, exception.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("umount", "--lazy", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Still busy; the OS temp cleaner will take it.
        }
    }
}
