namespace MoMo.Portal.Tests.Reliability;

/// <summary>
/// The load and crash tests saturate both cores for a minute; they run on their own, after the parallel tests, so
/// they neither starve timing-sensitive tests nor get starved themselves.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    public const string Name = "Reliability (runs alone)";
}
