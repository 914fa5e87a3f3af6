using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace MoMo.Portal.Ingestion;

internal sealed class RequestProofConfiguration : IEntityTypeConfiguration<RequestProof>
{
    public void Configure(EntityTypeBuilder<RequestProof> proof)
    {
        proof.HasKey(p => p.Key);
        proof.Property(p => p.Key).HasMaxLength(ProofKeys.MaxLength);
        proof.Property(p => p.Method).HasMaxLength(RequestProof.MaxMethodLength);
        proof.Property(p => p.Path).HasMaxLength(RequestProof.MaxPathLength);
        proof.Property(p => p.ContentType).HasMaxLength(RequestProof.MaxContentTypeLength);
        proof.Property(p => p.RemoteAddress).HasMaxLength(RequestProof.MaxRemoteAddressLength);
        proof.Property(p => p.BodySha256).HasMaxLength(64);
    }
}

internal sealed class IntakeRecordConfiguration : IEntityTypeConfiguration<IntakeRecord>
{
    public void Configure(EntityTypeBuilder<IntakeRecord> record)
    {
        record.HasKey(r => r.Id);
        record.Property(r => r.BankCode).HasMaxLength(IntakeRecord.MaxBankCodeLength);
        record.Property(r => r.RemoteAddress).HasMaxLength(RequestProof.MaxRemoteAddressLength);
        record.Property(r => r.Outcome).HasConversion<string>().HasMaxLength(16);
        record.Property(r => r.Reason).HasMaxLength(IntakeRecord.MaxReasonLength);
        record.Property(r => r.ProofKey).HasMaxLength(ProofKeys.MaxLength);
        record.HasIndex(r => r.ReceivedAtUtc);
        record.HasIndex(r => new { r.BankCode, r.ReceivedAtUtc });
    }
}

internal static class ProofKeys
{
    /// <summary>Room for a prefix naming another store ("s3:...") as well as the 32 hex digits of a GUID.</summary>
    public const int MaxLength = 128;
}
