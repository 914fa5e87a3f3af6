namespace MoMo.Portal.Data;

/// <summary>The resolved, existing folder where the embedded default keeps everything it writes.</summary>
public sealed record DataDirectory(string Path)
{
    public string File(string name) => System.IO.Path.Combine(Path, name);
}
