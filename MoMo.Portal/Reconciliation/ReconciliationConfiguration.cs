using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MoMo.Portal.Banks;

namespace MoMo.Portal.Reconciliation;

internal sealed class StatementFileConfiguration : IEntityTypeConfiguration<StatementFile>
{
    public void Configure(EntityTypeBuilder<StatementFile> file)
    {
        file.HasKey(f => f.Id);
        file.Property(f => f.BankCode).HasMaxLength(Bank.MaxCodeLength);
        file.Property(f => f.FileName).HasMaxLength(260);
        file.Property(f => f.Sha256).HasMaxLength(64);
        file.Property(f => f.Message).HasMaxLength(32);
        file.Property(f => f.ImportedBy).HasMaxLength(256);
        // The same file for the same bank is one import.
        file.HasIndex(f => new { f.BankCode, f.Sha256 }).IsUnique();
    }
}

internal sealed class BankStatementConfiguration : IEntityTypeConfiguration<BankStatement>
{
    public void Configure(EntityTypeBuilder<BankStatement> statement)
    {
        statement.HasKey(s => s.Id);
        statement.Property(s => s.BankCode).HasMaxLength(Bank.MaxCodeLength);
        statement.Property(s => s.StatementId).HasMaxLength(64);
        statement.Property(s => s.MessageId).HasMaxLength(64);
        statement.Property(s => s.Account).HasMaxLength(64);
        statement.HasIndex(s => new { s.BankCode, s.StatementId }).IsUnique();
        statement.HasOne<StatementFile>().WithMany().HasForeignKey(s => s.FileId);
        statement.HasMany(s => s.Entries).WithOne().HasForeignKey(e => e.BankStatementId);
    }
}

internal sealed class StatementGapConfiguration : IEntityTypeConfiguration<StatementGap>
{
    public void Configure(EntityTypeBuilder<StatementGap> gap)
    {
        gap.HasKey(g => g.Id);
        gap.HasIndex(g => new { g.BankStatementId, g.PaymentId }).IsUnique();
        gap.HasIndex(g => g.PaymentId);
        gap.Property(g => g.ClosedBy).HasMaxLength(256);
        gap.Property(g => g.Note).HasMaxLength(500);
        gap.HasOne<BankStatement>().WithMany().HasForeignKey(g => g.BankStatementId);
    }
}

internal sealed class StatementEntryConfiguration : IEntityTypeConfiguration<StatementEntry>
{
    public void Configure(EntityTypeBuilder<StatementEntry> entry)
    {
        entry.HasKey(e => e.Id);
        foreach (var text in new[]
                 {
                     nameof(StatementEntry.EntryReference), nameof(StatementEntry.AccountServicerReference), nameof(StatementEntry.BankTransactionCode),
                     nameof(StatementEntry.EndToEndId), nameof(StatementEntry.TransactionId), nameof(StatementEntry.InstructionId),
                     nameof(StatementEntry.Uetr), nameof(StatementEntry.DetailAccountServicerReference), nameof(StatementEntry.DebtorName),
                     nameof(StatementEntry.Remittance),
                 })
        {
            entry.Property<string?>(text).HasMaxLength(StatementEntry.MaxText);
        }

        entry.Property(e => e.Currency).HasMaxLength(3).IsFixedLength();
        entry.Property(e => e.Status).HasMaxLength(4);
        entry.Property(e => e.Break).HasConversion<string>().HasMaxLength(24);
        entry.Ignore(e => e.IsReconciled);
        entry.Ignore(e => e.IsOpenBreak);
        entry.Property(e => e.BreakClosedBy).HasMaxLength(256);
        entry.Property(e => e.BreakNote).HasMaxLength(500);
        // One entry per payment: a second is a duplicate_entry break, never a second match.
        entry.HasIndex(e => e.PaymentId).IsUnique().HasFilter("\"PaymentId\" IS NOT NULL");
        entry.HasIndex(e => e.Break).HasFilter("\"Break\" IS NOT NULL");
    }
}
