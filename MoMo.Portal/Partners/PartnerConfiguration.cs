using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MoMo.Portal.Partners;

internal sealed class PartnerConfiguration : IEntityTypeConfiguration<Partner>
{
    public void Configure(EntityTypeBuilder<Partner> partner)
    {
        partner.HasKey(p => p.AccountId);
        partner.Property(p => p.AccountId).HasMaxLength(Partner.MaxAccountIdLength);
        partner.Property(p => p.Name).HasMaxLength(Partner.MaxNameLength);
        partner.Property(p => p.NotifyMethod).HasConversion<string>().HasMaxLength(16);
        partner.Property(p => p.ContactPath).HasMaxLength(Partner.MaxContactPathLength);
        // The column keeps its first name; the data-protection payload of a secret is a few hundred characters.
        partner.Property(p => p.ProtectedWebhookSecret).HasColumnName("WebhookSecret").HasMaxLength(1024);
        partner.Property(p => p.ProtectedPreviousWebhookSecret).HasColumnName("PreviousWebhookSecret").HasMaxLength(1024);
        partner.Property(p => p.StatementEmail).HasMaxLength(Partner.MaxEmailLength);
        partner.Property(p => p.PauseReason).HasMaxLength(500);
        partner.HasIndex(p => p.Name);
    }
}
