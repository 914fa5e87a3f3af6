using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using MoMo.Portal.Audit;
using MoMo.Portal.Banks;
using MoMo.Portal.Ingestion;
using MoMo.Portal.Partners;
using MoMo.Portal.Payers;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Data;

/// <summary>
/// The portal's one database: payments and their reference data, proofs, the audit log, Identity and the
/// data-protection keys. One model for every provider; each provider has its own derived context only so that it can
/// have its own migration set (<see cref="Sqlite.SqlitePortalDbContext"/>, <see cref="Postgres.PostgresPortalDbContext"/>).
/// </summary>
public abstract class PortalDbContext(DbContextOptions options) : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    public DbSet<Payment> Payments => Set<Payment>();
    public DbSet<DeliveryAttempt> DeliveryAttempts => Set<DeliveryAttempt>();
    public DbSet<Partner> Partners => Set<Partner>();
    public DbSet<Payer> Payers => Set<Payer>();
    public DbSet<Bank> Banks => Set<Bank>();
    public DbSet<RequestProof> RequestProofs => Set<RequestProof>();
    public DbSet<IntakeRecord> IntakeRecords => Set<IntakeRecord>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<Suspense.SuspenseCase> SuspenseCases => Set<Suspense.SuspenseCase>();
    public DbSet<Days.DayTotal> DayTotals => Set<Days.DayTotal>();
    public DbSet<Days.DayAdjustment> DayAdjustments => Set<Days.DayAdjustment>();
    public DbSet<Days.BusinessDay> BusinessDays => Set<Days.BusinessDay>();
    public DbSet<Days.TotalsLock> TotalsLocks => Set<Days.TotalsLock>();
    public DbSet<Statements.StatementSend> StatementSends => Set<Statements.StatementSend>();
    public DbSet<Alerts.Alert> Alerts => Set<Alerts.Alert>();
    public DbSet<Reconciliation.StatementFile> StatementFiles => Set<Reconciliation.StatementFile>();
    public DbSet<Reconciliation.BankStatement> BankStatements => Set<Reconciliation.BankStatement>();
    public DbSet<Reconciliation.StatementEntry> StatementEntries => Set<Reconciliation.StatementEntry>();
    public DbSet<Reconciliation.StatementGap> StatementGaps => Set<Reconciliation.StatementGap>();

    /// <summary>Shared by every instance, so a cookie or antiforgery token from one instance is valid on all.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every time in the model is UTC. Providers hand DateTime back with Kind Unspecified; say what it is.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<UtcDateTimeConverter>();
    }

    // PostgreSQL's timestamptz refuses a DateTime of unknown kind; in this model an unknown kind can only mean UTC.
    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        toStore => toStore.Kind == DateTimeKind.Local ? toStore.ToUniversalTime() : DateTime.SpecifyKind(toStore, DateTimeKind.Utc),
        fromStore => DateTime.SpecifyKind(fromStore, DateTimeKind.Utc));
}
