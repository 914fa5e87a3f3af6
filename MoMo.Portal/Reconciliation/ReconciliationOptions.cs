namespace MoMo.Portal.Reconciliation;

/// <summary>The <c>Statements</c> section's limits for bank statement files.</summary>
public sealed class ReconciliationOptions
{
    public const string Section = "Statements";

    /// <summary>The largest statement file accepted (default 200 MB).</summary>
    public long MaxBytes { get; set; } = 200L * 1024 * 1024;
}
