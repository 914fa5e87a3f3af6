using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MoMo.Portal.Partners;
using MoMo.Portal.Payers;

namespace MoMo.Portal.Suspense;

internal sealed class SuspenseCaseConfiguration : IEntityTypeConfiguration<SuspenseCase>
{
    public void Configure(EntityTypeBuilder<SuspenseCase> suspense)
    {
        suspense.HasKey(c => c.PaymentId);
        suspense.HasOne(c => c.Payment).WithOne().HasForeignKey<SuspenseCase>(c => c.PaymentId).OnDelete(DeleteBehavior.Cascade);
        suspense.Property(c => c.Reason).HasConversion<string>().HasMaxLength(32);
        suspense.Property(c => c.Proposal).HasConversion<string>().HasMaxLength(8);
        suspense.Property(c => c.Resolution).HasConversion<string>().HasMaxLength(16);
        suspense.Property(c => c.ProposedPayerId).HasMaxLength(Payer.MaxIdLength);
        suspense.Property(c => c.ProposedPartnerAccountId).HasMaxLength(Partner.MaxAccountIdLength);
        suspense.Property(c => c.NewPayerName).HasMaxLength(Payer.MaxNameLength);
        suspense.Property(c => c.ProposalNote).HasMaxLength(SuspenseCase.MaxNoteLength);
        suspense.Property(c => c.ProposedBy).HasMaxLength(256);
        suspense.Property(c => c.ResolvedBy).HasMaxLength(256);

        // The compare-and-set of approvals: EF adds "AND Version = @shown" to the UPDATE and reports a conflict.
        suspense.Property(c => c.Version).IsConcurrencyToken();
    }
}
