using System.ComponentModel.DataAnnotations;

namespace MoMo.Portal.Ingestion;

/// <summary>The <c>Intake</c> configuration section: what the bank API lets through before it reads a body, and for how long it remembers what it refused.</summary>
public sealed class IntakeOptions : IValidatableObject
{
    public const string Section = "Intake";

    /// <summary>Failed authentications one remote address may make per minute; beyond that it gets 429 until it waits.</summary>
    [Range(1, 1_000_000)]
    public int FailuresPerMinutePerAddress { get; set; } = 30;

    /// <summary>
    /// Requests one authenticated bank may make per second (with a burst of as many), so that a leaked key or a
    /// runaway client cannot take the writer from the other banks. Far above a bank's real notification rate, far
    /// below what one instance can write (docs/BENCHMARKS.md). 0 turns the limit off.
    /// </summary>
    [Range(0, 10_000_000)]
    public int RequestsPerSecondPerBank { get; set; } = 1_000;

    /// <summary>How long intake records, and the proofs of requests that created no payment, are kept.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>When the recurring <c>purge-intake</c> job runs (Hangfire cron).</summary>
    [Required]
    public string PurgeCron { get; set; } = "17 3 * * *";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Retention < TimeSpan.FromDays(1))
        {
            yield return new ValidationResult("Intake:Retention must be at least one day.", [nameof(Retention)]);
        }
    }
}
