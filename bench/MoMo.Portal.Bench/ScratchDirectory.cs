namespace MoMo.Portal.Bench;

/// <summary>
/// A benchmark's data directory under the temp folder, deleted when the run ends: a drain or a sustained run leaves a
/// database of hundreds of MB. Declare it before the portal that uses it, so that the portal has stopped and closed its
/// files when the directory goes.
/// </summary>
internal sealed class ScratchDirectory : IDisposable
{
    private ScratchDirectory(string path) => Path = path;

    public string Path { get; }

    public static ScratchDirectory Create(string benchmark) =>
        new(System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"momo-bench-{benchmark}-{Guid.NewGuid():N}"));

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
