using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MoMo.Portal.Banks;

internal sealed class BankConfiguration : IEntityTypeConfiguration<Bank>
{
    public void Configure(EntityTypeBuilder<Bank> bank)
    {
        bank.HasKey(b => b.Code);
        bank.Property(b => b.Code).HasMaxLength(Bank.MaxCodeLength);
        bank.Property(b => b.Name).HasMaxLength(Bank.MaxNameLength);
        bank.Property(b => b.AllowedNetworks).HasMaxLength(BankNetworks.MaxLength);
        bank.Property(b => b.ApiKeyHash).HasMaxLength(64);
        bank.Property(b => b.ApiKeyHint).HasMaxLength(16);
        bank.Property(b => b.UnknownReference).HasConversion<string>().HasMaxLength(8)
            .HasDefaultValue(UnknownReferencePolicy.Reject);
        bank.Ignore(b => b.Silence);
        bank.Property(b => b.StatementCsvMapping).HasMaxLength(2000);
    }
}
