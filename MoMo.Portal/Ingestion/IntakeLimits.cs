using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// The bank API's rate limits, applied before a body is read and at no database cost: per remote address for failed
/// authentications (so guessing keys or flooding made-up bank codes stops after a few tries), and per bank for
/// authenticated traffic. Token buckets from System.Threading.RateLimiting, one per address or bank, refilled every
/// 100 ms and dropped when idle.
/// </summary>
public sealed class IntakeLimits : IDisposable
{
    private static readonly TimeSpan s_refill = TimeSpan.FromMilliseconds(100);

    private readonly PartitionedRateLimiter<string> _failures;
    private readonly PartitionedRateLimiter<string>? _banks;
    private readonly TimeSpan _failureRefill;

    public IntakeLimits(IOptions<IntakeOptions> options)
    {
        var perMinute = options.Value.FailuresPerMinutePerAddress;
        _failureRefill = TimeSpan.FromMinutes(1.0 / perMinute);
        _failures = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address,
            _ => Bucket(perMinute, perMinute / 600.0)));

        var perSecond = options.Value.RequestsPerSecondPerBank;
        _banks = perSecond == 0
            ? null
            : PartitionedRateLimiter.Create<string, string>(bank => RateLimitPartition.GetTokenBucketLimiter(bank,
                _ => Bucket(perSecond, perSecond / 10.0)));
    }

    /// <summary>Null while <paramref name="address"/> may still try; otherwise how long it must wait. Costs nothing.</summary>
    public TimeSpan? FailuresExhausted(IPAddress? address) =>
        // Whole tokens only: the bucket refills continuously, and asking for zero permits would let an address in
        // again as soon as a fraction of a token had come back.
        _failures.GetStatistics(Key(address)) is { CurrentAvailablePermits: < 1 } ? _failureRefill : null;

    /// <summary>Counts one failed authentication from <paramref name="address"/>.</summary>
    public void CountFailure(IPAddress? address) => _failures.AttemptAcquire(Key(address)).Dispose();

    /// <summary>Null when <paramref name="bankCode"/> is within its rate; otherwise how long it should wait.</summary>
    public TimeSpan? TakeBankPermit(string bankCode)
    {
        if (_banks is null)
        {
            return null;
        }

        using var lease = _banks.AttemptAcquire(bankCode);
        return lease.IsAcquired ? null : RetryAfter(lease);
    }

    public void Dispose()
    {
        _failures.Dispose();
        _banks?.Dispose();
    }

    /// <summary>A bucket of <paramref name="size"/> tokens refilled at <paramref name="perRefill"/> tokens per 100 ms.</summary>
    private static TokenBucketRateLimiterOptions Bucket(int size, double perRefill) => new()
    {
        TokenLimit = size,
        TokensPerPeriod = Math.Max(1, (int)Math.Round(perRefill)),
        // Slower rates refill one token per longer period rather than rounding up to one per 100 ms.
        ReplenishmentPeriod = perRefill >= 1 ? s_refill : TimeSpan.FromTicks((long)(s_refill.Ticks / perRefill)),
        QueueLimit = 0,
        AutoReplenishment = false,
    };

    private static TimeSpan RetryAfter(RateLimitLease lease) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);

    // IPv4 clients seen through a dual-stack socket count as themselves; an unknown address shares one bucket.
    private static string Key(IPAddress? address) =>
        (address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address)?.ToString() ?? "unknown";
}
