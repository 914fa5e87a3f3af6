using System.Diagnostics.Metrics;
using MoMo.Portal.Ingestion;
using MoMo.Portal.Notifiers;

namespace MoMo.Portal.Metrics;

/// <summary>
/// The portal's own instruments, on the meter <see cref="MeterName"/>: what banks sent, what partners got, and how the
/// ingestion writer keeps up. Recording is in memory (no database work per request); the Prometheus exporter names
/// them <c>momo_…</c> with their unit and <c>_total</c> for counters.
/// </summary>
public sealed class PortalMetrics : IDisposable
{
    public const string MeterName = "MoMo.Portal";

    private readonly Meter _meter;
    private readonly Counter<long> _received;
    private readonly Counter<long> _attempts;
    private readonly Histogram<double> _deliveryLatency;
    private readonly Histogram<long> _batchSize;
    private readonly Histogram<double> _commitTime;

    public PortalMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _received = _meter.CreateCounter<long>("momo.payments.received", "{payment}",
            "Payment requests from banks, by bank and outcome (created, replayed, rejected, unavailable) and problem code.");
        _attempts = _meter.CreateCounter<long>("momo.delivery.attempts", "{attempt}",
            "Delivery attempts to partners, by partner and result (delivered, transient_failure, permanent_failure).");
        _deliveryLatency = _meter.CreateHistogram<double>("momo.delivery.latency", "s",
            "From the bank's 201 to the partner's acknowledgement, for delivered payments.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 21600] });
        _batchSize = _meter.CreateHistogram<long>("momo.ingestion.batch.size", "{payment}",
            "Payments written per group commit.",
            advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512] });
        _commitTime = _meter.CreateHistogram<double>("momo.ingestion.commit.duration", "s",
            "Time to write and commit one group of payments.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
    }

    /// <summary>Where <see cref="ObservableGauge{T}"/>s of other parts of the portal are created.</summary>
    public Meter Meter => _meter;

    /// <summary>Counts one bank request's outcome; <paramref name="bankCode"/> is null when the bank was not authenticated.</summary>
    public void Received(string? bankCode, IngestionResult result)
    {
        var (outcome, code) = result switch
        {
            IngestionResult.Created => ("created", ""),
            IngestionResult.Replayed => ("replayed", ""),
            IngestionResult.Rejected rejected => ("rejected", rejected.Rejection.Code),
            IngestionResult.Unavailable unavailable => ("unavailable", unavailable.Rejection.Code),
            _ => ("unknown", ""),
        };
        // Only an authenticated bank's code is a label: anyone can put any code in the URL.
        _received.Add(1, new KeyValuePair<string, object?>("bank", bankCode ?? "unauthenticated"),
            new KeyValuePair<string, object?>("outcome", outcome), new KeyValuePair<string, object?>("code", code));
    }

    /// <summary>Counts one delivery attempt, and for a delivered payment the time since the bank was answered.</summary>
    public void Attempted(string partnerAccountId, NotificationResult result, DateTime receivedAtUtc, DateTime nowUtc)
    {
        var partner = new KeyValuePair<string, object?>("partner", partnerAccountId);
        _attempts.Add(1, partner, new KeyValuePair<string, object?>("result", Snake(result.Outcome.ToString())));
        if (result.Delivered)
        {
            _deliveryLatency.Record(Math.Max(0, (nowUtc - receivedAtUtc).TotalSeconds), partner);
        }
    }

    /// <summary>One group commit of the ingestion writer: how many payments, and how long it took.</summary>
    public void Committed(int payments, TimeSpan elapsed)
    {
        _batchSize.Record(payments);
        _commitTime.Record(elapsed.TotalSeconds);
    }

    public void Dispose() => _meter.Dispose();

    private static string Snake(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
