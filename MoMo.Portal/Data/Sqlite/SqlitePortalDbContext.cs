using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MoMo.Portal.Data.Sqlite;

/// <summary>The portal's database on SQLite, the embedded default; its migrations are in Data/Sqlite/Migrations.</summary>
public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options) : PortalDbContext(options);

/// <summary>Lets <c>dotnet ef migrations add … --context SqlitePortalDbContext</c> build the model without the app.</summary>
internal sealed class SqlitePortalDbContextDesignFactory : IDesignTimeDbContextFactory<SqlitePortalDbContext>
{
    public SqlitePortalDbContext CreateDbContext(string[] args) =>
        new(DesignTimeModel.Options<SqlitePortalDbContext>(db => db.UseSqlite("Data Source=design-time.db")));
}
