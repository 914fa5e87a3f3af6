using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace MoMo.Portal.Data.Sqlite;

/// <summary>
/// The portal's database on SQLite, the embedded default; its migrations are in Data/Sqlite/Migrations. Every connection
/// has the payments' keys file attached (<see cref="SqlitePaymentKeys"/>), whoever made the context.
/// </summary>
public sealed class SqlitePortalDbContext(DbContextOptions<SqlitePortalDbContext> options) : PortalDbContext(options)
{
    /// <summary>Whether this context's connections get the keys file (not while migrating, see <see cref="SqlitePaymentKeys.Attacher"/>).</summary>
    internal bool AttachesKeys { get; set; } = true;

    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder)
    {
        if (RelationalOptionsExtension.Extract(optionsBuilder.Options).ConnectionString is { } connectionString)
        {
            optionsBuilder.UseSqlite(SqlitePaymentKeys.AsUri(connectionString));
        }

        optionsBuilder.AddInterceptors(SqlitePaymentKeys.Attacher.Instance);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        MoMo.Portal.Payments.PaymentConfiguration.RouterIndexesWithInbox(builder);
        MoMo.Portal.Payments.PaymentConfiguration.PaymentKeysApart(builder);
    }
}

/// <summary>Lets <c>dotnet ef migrations add … --context SqlitePortalDbContext</c> build the model without the app.</summary>
internal sealed class SqlitePortalDbContextDesignFactory : IDesignTimeDbContextFactory<SqlitePortalDbContext>
{
    public SqlitePortalDbContext CreateDbContext(string[] args) =>
        new(DesignTimeModel.Options<SqlitePortalDbContext>(db => db.UseSqlite("Data Source=design-time.db")));
}
