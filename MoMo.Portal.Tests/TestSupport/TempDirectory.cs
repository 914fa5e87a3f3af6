using Microsoft.EntityFrameworkCore;

namespace MoMo.Portal.Tests.TestSupport;

/// <summary>A fresh folder for one test's data directory, removed afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "momo-tests", Guid.NewGuid().ToString("N"));

    /// <summary>A context on the portal database kept in this directory (MoMo:DataDirectory pointed here).</summary>
    public MoMo.Portal.Data.PortalDbContext OpenDatabase() => new MoMo.Portal.Data.Sqlite.SqlitePortalDbContext(
        new Microsoft.EntityFrameworkCore.DbContextOptionsBuilder<MoMo.Portal.Data.Sqlite.SqlitePortalDbContext>()
            .UseSqlite($"Data Source={System.IO.Path.Combine(Path, "momo.db")}").Options);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A server still closing its files; the OS temp cleaner will take it.
        }
    }
}
