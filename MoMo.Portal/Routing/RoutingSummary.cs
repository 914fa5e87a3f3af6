namespace MoMo.Portal.Routing;

/// <summary>What a router pass did.</summary>
public sealed record RoutingSummary(int Delivered, int RetryScheduled, int Errored, int Returned)
{
    public static readonly RoutingSummary Empty = new(0, 0, 0, 0);

    public int Attempts => Delivered + RetryScheduled + Errored;

    public static RoutingSummary operator +(RoutingSummary left, RoutingSummary right) => new(
        left.Delivered + right.Delivered, left.RetryScheduled + right.RetryScheduled,
        left.Errored + right.Errored, left.Returned + right.Returned);
}
