using System.ComponentModel.DataAnnotations;
using MoMo.Portal.Banks;

namespace MoMo.Portal.Metrics;

/// <summary>The <c>Metrics</c> configuration section: who may scrape <c>/metrics</c>.</summary>
public sealed class MetricsOptions : IValidatableObject
{
    public const string Section = "Metrics";

    /// <summary>Networks besides loopback that may scrape without a token, e.g. <c>10.20.0.0/16</c> (the Prometheus servers).</summary>
    public string? AllowedNetworks { get; set; }

    /// <summary>A bearer token that lets any address scrape; keep it in a secret store, at least 32 characters.</summary>
    public string? Token { get; set; }

    /// <summary>How old the routing backlog gauges may be: they are counted in the database at most this often.</summary>
    public TimeSpan BacklogInterval { get; set; } = TimeSpan.FromSeconds(10);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (BankNetworks.Check(AllowedNetworks) is { } problem)
        {
            yield return new ValidationResult($"Metrics:AllowedNetworks: {problem}", [nameof(AllowedNetworks)]);
        }

        if (Token is { Length: > 0 and < 32 })
        {
            yield return new ValidationResult("Metrics:Token must be at least 32 characters (or unset).", [nameof(Token)]);
        }

        if (BacklogInterval < TimeSpan.FromSeconds(1))
        {
            yield return new ValidationResult("Metrics:BacklogInterval must be at least one second.", [nameof(BacklogInterval)]);
        }
    }
}
