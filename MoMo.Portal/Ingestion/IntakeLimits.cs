using System.Collections.Concurrent;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// The bank API's rate limits, applied before a body is read and at no database cost: per remote address for failed
/// authentications (so guessing keys or flooding made-up bank codes stops after a few tries), and per bank for
/// authenticated traffic. Token buckets from System.Threading.RateLimiting. A bank that never failed pays one bucket
/// (its own) per request: addresses enter the failure limiter only once they have failed.
/// </summary>
public sealed class IntakeLimits : IDisposable
{
    /// <summary>Addresses remembered as having failed; past this many (a spray of addresses) the list starts again.</summary>
    private const int MaxFailingAddresses = 100_000;

    private static readonly TimeSpan s_refill = TimeSpan.FromMilliseconds(100);

    private readonly PartitionedRateLimiter<string> _failures;
    private readonly ConcurrentDictionary<IPAddress, byte> _failedFrom = new();
    private readonly TimeSpan _failureRefill;
    private readonly ConcurrentDictionary<string, TokenBucketRateLimiter> _banks = new(StringComparer.Ordinal);
    private readonly int _bankPerSecond;

    public IntakeLimits(IOptions<IntakeOptions> options)
    {
        var perMinute = options.Value.FailuresPerMinutePerAddress;
        _failureRefill = TimeSpan.FromMinutes(1.0 / perMinute);
        // Partitioned: any number of addresses, refilled by one timer and dropped when idle.
        _failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address,
            _ => Bucket(perMinute, perMinute / 600.0, autoReplenishment: false)));
        _bankPerSecond = options.Value.RequestsPerSecondPerBank;
    }

    /// <summary>Null while <paramref name="address"/> may still try; otherwise how long it must wait. Costs nothing.</summary>
    public TimeSpan? FailuresExhausted(IPAddress? address)
    {
        var key = Normalize(address);
        if (!_failedFrom.ContainsKey(key))
        {
            return null;
        }

        // Whole tokens only: the bucket refills continuously, and asking for zero permits would let an address in
        // again as soon as a fraction of a token had come back.
        return _failures.GetStatistics(key.ToString()) is { CurrentAvailablePermits: < 1 } ? _failureRefill : null;
    }

    /// <summary>Counts one failed authentication from <paramref name="address"/>.</summary>
    public void CountFailure(IPAddress? address)
    {
        var key = Normalize(address);
        if (_failedFrom.Count >= MaxFailingAddresses)
        {
            _failedFrom.Clear();
        }

        _failedFrom.TryAdd(key, 0);
        _failures.AttemptAcquire(key.ToString()).Dispose();
    }

    /// <summary>Null when <paramref name="bankCode"/> (authenticated) is within its rate; otherwise how long it should wait.</summary>
    public TimeSpan? TakeBankPermit(string bankCode)
    {
        if (_bankPerSecond == 0)
        {
            return null;
        }

        // Banks are few and known (the code is authenticated), so each keeps its own bucket and timer.
        var bucket = _banks.GetOrAdd(bankCode, _ => new TokenBucketRateLimiter(Bucket(_bankPerSecond, _bankPerSecond / 10.0, autoReplenishment: true)));
        using var lease = bucket.AttemptAcquire();
        return lease.IsAcquired ? null : RetryAfter(lease);
    }

    public void Dispose()
    {
        _failures.Dispose();
        foreach (var bucket in _banks.Values)
        {
            bucket.Dispose();
        }
    }

    /// <summary>A bucket of <paramref name="size"/> tokens refilled at <paramref name="perRefill"/> tokens per 100 ms.</summary>
    private static TokenBucketRateLimiterOptions Bucket(int size, double perRefill, bool autoReplenishment) => new()
    {
        TokenLimit = size,
        TokensPerPeriod = Math.Max(1, (int)Math.Round(perRefill)),
        // Slower rates refill one token per longer period rather than rounding up to one per 100 ms.
        ReplenishmentPeriod = perRefill >= 1 ? s_refill : TimeSpan.FromTicks((long)(s_refill.Ticks / perRefill)),
        QueueLimit = 0,
        AutoReplenishment = autoReplenishment,
    };

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);

    // IPv4 clients seen through a dual-stack socket count as themselves; an unknown address shares one bucket.
    private static IPAddress Normalize(IPAddress? address) =>
        address is null ? IPAddress.None : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
