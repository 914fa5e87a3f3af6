using Hangfire;

namespace MoMo.Portal.Routing;

/// <summary>
/// The recurring <c>route-payments</c> job: the safety net that delivers whatever is due, whichever instance
/// received it. Hangfire's own retries are off: the router keeps each payment's retry schedule in its own table.
/// </summary>
public sealed class RoutePaymentsJob(PaymentRouter router)
{
    public const string Id = "route-payments";

    [AutomaticRetry(Attempts = 0)]
    [JobDisplayName("Route due payments to partners")]
    public async Task RunAsync(CancellationToken cancellationToken) => await router.RunPassAsync(cancellationToken);
}
