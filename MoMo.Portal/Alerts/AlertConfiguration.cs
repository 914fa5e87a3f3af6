using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MoMo.Portal.Alerts;

internal sealed class AlertConfiguration : IEntityTypeConfiguration<Alert>
{
    public void Configure(EntityTypeBuilder<Alert> alert)
    {
        alert.HasKey(a => a.Id);
        alert.Property(a => a.Condition).HasMaxLength(64);
        alert.Property(a => a.Subject).HasMaxLength(64);
        alert.Property(a => a.State).HasConversion<string>().HasMaxLength(16);
        alert.Property(a => a.Detail).HasMaxLength(Alert.MaxDetailLength);
        alert.Property(a => a.LastSendError).HasMaxLength(1024);
        // One open alert per condition and subject: the database refuses a second, whoever evaluates.
        alert.HasIndex(a => new { a.Condition, a.Subject }).IsUnique().HasFilter("\"State\" = 'Open'").HasDatabaseName("IX_Alerts_OneOpen");
        alert.HasIndex(a => a.OpenedAtUtc);
    }
}
