using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace MoMo.Portal.Data.Postgres;

/// <summary>The portal's database on PostgreSQL, the scale-out profile; its migrations are in Data/Postgres/Migrations.</summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        MoMo.Portal.Payments.PaymentConfiguration.RouterIndexes(builder);
        MoMo.Portal.Payments.PaymentConfiguration.PayerAndAmountIndexes(builder);
    }
}

/// <summary>Lets <c>dotnet ef migrations add … --context PostgresPortalDbContext</c> build the model without a server.</summary>
internal sealed class PostgresPortalDbContextDesignFactory : IDesignTimeDbContextFactory<PostgresPortalDbContext>
{
    public PostgresPortalDbContext CreateDbContext(string[] args) =>
        new(DesignTimeModel.Options<PostgresPortalDbContext>(db => db.UseNpgsql("Host=localhost;Database=momo")));
}
