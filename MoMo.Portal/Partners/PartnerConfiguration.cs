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
        partner.Property(p => p.WebhookSecret).HasMaxLength(128);
        partner.HasIndex(p => p.Name);
    }
}
