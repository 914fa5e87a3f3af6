using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MoMo.Portal.Banks;
using MoMo.Portal.Partners;

namespace MoMo.Portal.Days;

internal sealed class DayTotalConfiguration : IEntityTypeConfiguration<DayTotal>
{
    public void Configure(EntityTypeBuilder<DayTotal> total)
    {
        total.HasKey(t => new { t.Day, t.BankCode, t.PartnerAccountId, t.Currency, t.Bucket });
        total.Property(t => t.BankCode).HasMaxLength(Bank.MaxCodeLength);
        total.Property(t => t.PartnerAccountId).HasMaxLength(Partner.MaxAccountIdLength);
        total.Property(t => t.Currency).HasMaxLength(3).IsFixedLength();
        total.Property(t => t.Bucket).HasConversion<string>().HasMaxLength(16);
    }
}

internal sealed class DayAdjustmentConfiguration : IEntityTypeConfiguration<DayAdjustment>
{
    public void Configure(EntityTypeBuilder<DayAdjustment> adjustment)
    {
        adjustment.HasKey(a => new { a.Day, a.OriginDay, a.BankCode, a.PartnerAccountId, a.Currency, a.Bucket });
        adjustment.Property(a => a.BankCode).HasMaxLength(Bank.MaxCodeLength);
        adjustment.Property(a => a.PartnerAccountId).HasMaxLength(Partner.MaxAccountIdLength);
        adjustment.Property(a => a.Currency).HasMaxLength(3).IsFixedLength();
        adjustment.Property(a => a.Bucket).HasConversion<string>().HasMaxLength(16);
        adjustment.HasIndex(a => a.OriginDay);
    }
}

internal sealed class BusinessDayConfiguration : IEntityTypeConfiguration<BusinessDay>
{
    public void Configure(EntityTypeBuilder<BusinessDay> day)
    {
        day.HasKey(d => d.Day);
        day.Property(d => d.ClosedBy).HasMaxLength(256);
    }
}

internal sealed class TotalsLockConfiguration : IEntityTypeConfiguration<TotalsLock>
{
    public void Configure(EntityTypeBuilder<TotalsLock> totalsLock)
    {
        totalsLock.HasKey(l => l.Id);
        totalsLock.Property(l => l.Id).ValueGeneratedNever();
        totalsLock.HasData(new TotalsLock { Id = TotalsLock.TheOne });
    }
}
