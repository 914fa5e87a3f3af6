namespace MoMo.Portal.Suspense;

/// <summary>The <c>Suspense</c> configuration section.</summary>
public sealed class SuspenseOptions
{
    public const string Section = "Suspense";

    /// <summary>A payment held longer than this is overdue: the dashboard and the queue highlight it.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan AlertAfter { get; set; } = TimeSpan.FromHours(24);
}
