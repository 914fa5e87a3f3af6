using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace MoMo.Portal.Routing;

/// <summary>
/// The process-wide limits on deliveries: one lane per partner at a time (each with at most
/// <see cref="RoutingOptions.MaxPerPartner"/> in flight), and <see cref="RoutingOptions.MaxParallelDeliveries"/> over all.
/// Passes may overlap (the wake-up, the recurring job, the command line); the limits hold for all of them.
/// </summary>
public sealed class DeliveryLanes(IOptions<RoutingOptions> options)
{
    private readonly ConcurrentDictionary<string, byte> _active = new(StringComparer.Ordinal);

    public SemaphoreSlim InFlight { get; } = new(options.Value.MaxParallelDeliveries, options.Value.MaxParallelDeliveries);

    /// <summary>Takes the lane of a partner; false when another pass in this process is delivering to it already.</summary>
    public bool TryEnter(string partnerAccountId) => _active.TryAdd(partnerAccountId, 0);

    public void Leave(string partnerAccountId) => _active.TryRemove(partnerAccountId, out _);

    /// <summary>The partners being delivered to right now.</summary>
    public string[] Busy() => [.. _active.Keys];
}
