using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MoMo.Portal.Partners;

namespace MoMo.Portal.Statements;

internal sealed class StatementSendConfiguration : IEntityTypeConfiguration<StatementSend>
{
    public void Configure(EntityTypeBuilder<StatementSend> send)
    {
        send.HasKey(s => s.Id);
        send.Property(s => s.PartnerAccountId).HasMaxLength(Partner.MaxAccountIdLength);
        send.Property(s => s.Email).HasMaxLength(Partner.MaxEmailLength);
        send.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
        send.Property(s => s.LastError).HasMaxLength(1024);
        send.Property(s => s.SmtpReply).HasMaxLength(512);
        send.Property(s => s.PdfSha256).HasMaxLength(64);
        send.Property(s => s.CsvSha256).HasMaxLength(64);
        // One statement e-mail per partner and day, however many instances close it.
        send.HasIndex(s => new { s.Day, s.PartnerAccountId }).IsUnique();
        send.HasIndex(s => new { s.Status, s.NextAttemptAtUtc });
    }
}
