namespace MoMo.Portal.Payers;

/// <summary>Someone who pays; banks name them by <see cref="Id"/> (<c>reference_number</c>).</summary>
public sealed class Payer
{
    public const int MaxIdLength = 64;
    public const int MaxNameLength = 200;

    public required string Id { get; init; }
    public required string Name { get; set; }
    public required DateTime CreatedAtUtc { get; init; }

    /// <summary>Mobile number in E.164 form (MSISDN), e.g. +256772123456.</summary>
    public string? PhoneNumber { get; set; }
}
