using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MoMo.Portal.Payers;

internal sealed class PayerConfiguration : IEntityTypeConfiguration<Payer>
{
    public void Configure(EntityTypeBuilder<Payer> payer)
    {
        payer.HasKey(p => p.Id);
        payer.Property(p => p.Id).HasMaxLength(Payer.MaxIdLength);
        payer.Property(p => p.Name).HasMaxLength(Payer.MaxNameLength);
        payer.Property(p => p.PhoneNumber).HasMaxLength(16);
        payer.HasIndex(p => p.Name);
    }
}
