using System.ComponentModel.DataAnnotations;

namespace MoMo.Portal.Days;

/// <summary>The <c>Close</c> configuration section: when a business day ends, and when it is closed.</summary>
public sealed class CloseOptions : IValidatableObject
{
    public const string Section = "Close";

    /// <summary>The IANA time zone business days are counted in, e.g. <c>Africa/Kampala</c>.</summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The local time a business day ends at (exclusive); 00:00 makes business days calendar days.</summary>
    public TimeOnly CutOff { get; set; } = TimeOnly.MinValue;

    /// <summary>How long after the cut-off the recurring job closes the day, for late outcomes to arrive.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often each instance folds recent changes into the running totals (<see cref="TotalsFoldService"/>);
    /// zero turns the background fold off (closes and <c>days</c> commands still fold first).
    /// </summary>
    public TimeSpan FoldInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>When the close job looks for days to close.</summary>
    [Required]
    public string CloseCron { get; set; } = "*/5 * * * *";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult($"Close:TimeZone '{TimeZone}' is not a known IANA time zone id (e.g. Africa/Kampala).", [nameof(TimeZone)]);
        }

        if (FoldInterval < TimeSpan.Zero)
        {
            yield return new ValidationResult("Close:FoldInterval cannot be negative.", [nameof(FoldInterval)]);
        }

        if (Grace < TimeSpan.Zero)
        {
            yield return new ValidationResult("Close:Grace cannot be negative.", [nameof(Grace)]);
        }
    }
}
