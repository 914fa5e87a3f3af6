using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using MoMo.Portal.Banks;
using MoMo.Portal.Ingestion;
using MoMo.Portal.Partners;
using MoMo.Portal.Payers;

namespace MoMo.Portal.Payments;

internal sealed class PaymentConfiguration : IEntityTypeConfiguration<Payment>
{
    public void Configure(EntityTypeBuilder<Payment> payment)
    {
        payment.HasKey(p => p.Id);
        payment.Property(p => p.PayerId).HasMaxLength(Payer.MaxIdLength);
        payment.Property(p => p.PartnerAccountId).HasMaxLength(Partner.MaxAccountIdLength);
        payment.Property(p => p.BankCode).HasMaxLength(Bank.MaxCodeLength);
        payment.Property(p => p.BankReference).HasMaxLength(Payment.MaxBankReferenceLength);
        payment.Property(p => p.Currency).HasMaxLength(3).IsFixedLength();
        payment.Property(p => p.RequestFingerprint).HasMaxLength(64);
        payment.Property(p => p.ProofKey).HasMaxLength(ProofKeys.MaxLength);
        payment.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
        payment.Property(p => p.LastError).HasMaxLength(Payment.MaxErrorLength);
        payment.Property(p => p.DeliveryId).HasMaxLength(64);
        payment.Property(p => p.RetryRequestedBy).HasMaxLength(256);
        payment.Property(p => p.FoldedBucket).HasConversion<string>().HasMaxLength(16);
        payment.Ignore(p => p.Bucket);

        // The router records an outcome only while the claim is still its own: EF adds "AND ClaimToken = @original"
        // to the UPDATE and reports a conflict when another pass took the payment over.
        payment.Property(p => p.ClaimToken).IsConcurrencyToken();

        // No foreign keys to payers and partners: a payment in suspense names one that does not exist (see Payment.PayerId).
        payment.HasOne(p => p.Bank).WithMany().HasForeignKey(p => p.BankCode).OnDelete(DeleteBehavior.Restrict);
        payment.HasMany(p => p.Attempts).WithOne().HasForeignKey(a => a.PaymentId).OnDelete(DeleteBehavior.Cascade);

        // A bank's transaction id names one payment: the database, not the application, decides a race.
        // Payments without one (NULL) are not constrained, in SQLite and PostgreSQL alike.
        payment.HasIndex(p => new { p.BankCode, p.BankReference }).IsUnique();
        // The delivery id has no index: no query looks a payment up by it, and it is unique by construction (a version 7
        // GUID, 74 random bits within its millisecond); its unique index cost every commit three pages
        // (docs/BENCHMARKS.md).

        // Every index is paid for by every stored payment in the one ingestion writer: ProofKey and ClaimToken had
        // indexes that no query needed, and dropping both was measurable (docs/BENCHMARKS.md). The router's two, what
        // is due now and for which partner, differ by database: see RouterIndexes and RouterIndexesWithInbox. (What a
        // claim took is read back by the ids it picked.) Status and partner have no index of their own for the
        // portal's list: the router's start with them, which keeps those pages' counts fast (44-49 ms over a million
        // payments against 2 ms with their own indexes, target 200 ms) and ingestion about a fifth faster.
        // The running totals' fold reads the payments whose bucket changed since it last counted them: a partial index
        // that holds only those (a few seconds' worth) stays small and hot, so each insert adds little to its pages.
        // (The filter is written as EF Core writes the fold's condition, so both databases see the index applies.)
        payment.HasIndex(p => p.Id).HasFilter("\"FoldedVersion\" <> \"BucketVersion\"").HasDatabaseName("IX_Payments_Unfolded");
        payment.HasIndex(p => p.ReceivedAtUtc);
        payment.HasIndex(p => new { p.BankCode, p.ReceivedAtUtc });
        payment.HasIndex(p => new { p.Currency, p.ReceivedAtUtc });
        // The payer filter and the sort by amount need the payer and the amount indexed too: see PayerAndAmountIndexes
        // and PaymentKeysApart, one for each database.
    }

    /// <summary>
    /// The router's indexes on PostgreSQL: by status and due time, and by partner, status and due time. Its writers
    /// commit side by side, each maintaining the indexes of its own payments.
    /// </summary>
    public static void RouterIndexes(ModelBuilder builder)
    {
        var payment = builder.Entity<Payment>();
        payment.HasIndex(p => new { p.Status, p.NextAttemptAtUtc });
        payment.HasIndex(p => new { p.PartnerAccountId, p.Status, p.NextAttemptAtUtc });
    }

    /// <summary>
    /// The router's indexes on SQLite, where one writer commits every bank's payments and an index keyed by partner
    /// costs each commit a leaf page per partner in it: half of all the pages it wrote (docs/BENCHMARKS.md).
    /// <list type="bullet">
    /// <item>By status and due time: a new payment goes at the end of the received range, and the router finds the new
    /// payments of a partner there. This is the router's inbox (<see cref="PaymentRules.InInbox"/>), a moment's traffic
    /// (<see cref="Routing.RouterInbox"/>). With the partner in this index too, lanes would read it without the rows,
    /// but SQLite then chose it less often for other questions by status: the dashboard's count of overdue suspense
    /// went from 2 ms to 2.4 s over a million payments.</item>
    /// <item>By partner, status and due time, for every payment but those in the inbox: a payment enters it when the
    /// router claims it or files it into its partner's queue (<see cref="Routing.RouterInbox"/>), outside the banks'
    /// commits. (The filter is written as EF Core writes <see cref="PaymentRules.OutsideInbox"/>, so that SQLite sees
    /// the index applies to the queries that say so.)</item>
    /// </list>
    /// </summary>
    public static void RouterIndexesWithInbox(ModelBuilder builder)
    {
        var payment = builder.Entity<Payment>();
        payment.HasIndex(p => new { p.Status, p.NextAttemptAtUtc });
        payment.HasIndex(p => new { p.PartnerAccountId, p.Status, p.NextAttemptAtUtc })
            .HasFilter($"\"Status\" <> '{nameof(PaymentStatus.Received)}' OR \"NextAttemptAtUtc\" IS NULL");
    }

    /// <summary>
    /// PostgreSQL indexes the payer and the amount on the payments: its writers commit side by side, each maintaining
    /// the indexes of its own payments.
    /// </summary>
    public static void PayerAndAmountIndexes(ModelBuilder builder)
    {
        var payment = builder.Entity<Payment>();
        payment.HasIndex(p => new { p.Currency, p.AmountMinor });
        payment.HasIndex(p => new { p.PayerId, p.ReceivedAtUtc });
    }

    /// <summary>
    /// SQLite keeps them as <see cref="PaymentKey"/>s in a file of its own, written in bulk (not in migrations: the
    /// portal creates the file, see <see cref="Data.Sqlite.SqlitePaymentKeys"/>). Its one writer would otherwise write
    /// a leaf page of each per payment, while every bank waits.
    /// </summary>
    public static void PaymentKeysApart(ModelBuilder builder) =>
        builder.Entity<PaymentKey>(key =>
        {
            key.ToTable("PaymentKeys", table => table.ExcludeFromMigrations());
            key.HasKey(k => k.PaymentId);
            key.Property(k => k.PaymentId).ValueGeneratedNever();
        });
}

internal sealed class DeliveryAttemptConfiguration : IEntityTypeConfiguration<DeliveryAttempt>
{
    public void Configure(EntityTypeBuilder<DeliveryAttempt> attempt)
    {
        attempt.HasKey(a => a.Id);
        attempt.Property(a => a.Channel).HasConversion<string>().HasMaxLength(16);
        attempt.Property(a => a.Outcome).HasConversion<string>().HasMaxLength(24);
        attempt.Property(a => a.Target).HasMaxLength(DeliveryAttempt.MaxTargetLength);
        attempt.Property(a => a.SmtpReply).HasMaxLength(DeliveryAttempt.MaxSmtpReplyLength);
        attempt.Property(a => a.Error).HasMaxLength(Payment.MaxErrorLength);
        attempt.Property(a => a.ResponseExcerpt).HasMaxLength(DeliveryAttempt.MaxExcerptLength);
        attempt.Property(a => a.TriggeredBy).HasMaxLength(256);
        attempt.HasIndex(a => new { a.PaymentId, a.Number }).IsUnique();
        // The dashboard's delivery quality reads the week's attempts: without this it read every attempt (or every
        // payment) ever made, ~180 ms at a million payments and growing with the history (docs/BENCHMARKS.md).
        // Attempts are written in time order, so the index is appended to, not scattered.
        attempt.HasIndex(a => a.StartedAtUtc);
    }
}
