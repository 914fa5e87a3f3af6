using System.Linq.Expressions;
using MoMo.Portal.Partners;

namespace MoMo.Portal.Payments;

/// <summary>
/// The status rules every part of MoMo Portal reads payments by — the router, the filters, the pages, the partner
/// health, the backlog metrics and the totals — written once. Each rule comes as a method for one payment in memory
/// and, where queries need it, as an expression EF Core translates; SQL written by hand says which rule it implements.
/// </summary>
public static class PaymentRules
{
    /// <summary>Waiting for an attempt, its first or a next one: what the router picks once the attempt is due.</summary>
    public static bool AwaitsAttempt(PaymentStatus status) => status is PaymentStatus.Received or PaymentStatus.RetryScheduled;

    /// <summary>
    /// On its way to the partner: waiting for an attempt or being delivered (the dashboard's and the partners list's
    /// "Waiting", the totals' <see cref="Days.TotalsBucket.Waiting"/>).
    /// </summary>
    public static bool IsOnItsWay(PaymentStatus status) => AwaitsAttempt(status) || status == PaymentStatus.Delivering;

    /// <summary>
    /// Held: on its way while its partner does not take deliveries (disabled, or paused). Staff see it as "Held"; the
    /// router leaves it until the partner is enabled or resumed (a paused one is probed, see the router). On its way
    /// splits exactly into held and waiting, as the dashboard's tiles (read from the totals) split it.
    /// </summary>
    public static bool IsHeld(PaymentStatus status, bool partnerHoldsPayments) => IsOnItsWay(status) && partnerHoldsPayments;

    /// <inheritdoc cref="IsHeld(PaymentStatus, bool)"/>
    public static bool IsHeld(PaymentStatus status, Partner? partner) =>
        IsHeld(status, partner is not null && (!partner.IsActive || partner.PausedAtUtc is not null));

    /// <inheritdoc cref="AwaitsAttempt"/>
    public static readonly Expression<Func<Payment, bool>> AwaitingAttempt =
        p => p.Status == PaymentStatus.Received || p.Status == PaymentStatus.RetryScheduled;

    /// <inheritdoc cref="IsOnItsWay"/>
    public static readonly Expression<Func<Payment, bool>> OnItsWay =
        p => p.Status == PaymentStatus.Received || p.Status == PaymentStatus.RetryScheduled || p.Status == PaymentStatus.Delivering;

    /// <summary>
    /// Due at <paramref name="now"/>: waiting for an attempt whose time has come, queued for its partner, or claimed by a
    /// pass whose claim ran out (its process died mid-delivery). The router claims only due payments, by compare-and-set
    /// on this rule.
    /// </summary>
    public static Expression<Func<Payment, bool>> DueAt(DateTime now) => p =>
        ((p.Status == PaymentStatus.Received || p.Status == PaymentStatus.RetryScheduled) && p.NextAttemptAtUtc <= now)
        || (p.Status == PaymentStatus.Received && p.NextAttemptAtUtc == null)
        || (p.Status == PaymentStatus.Delivering && p.ClaimExpiresAtUtc <= now);

    /// <summary>
    /// In the router's inbox: received and due at a time, as every payment is when the bank's commit stores it. The
    /// router claims it from there, or files it into its partner's queue when it waited (<see cref="IsQueued"/>).
    /// </summary>
    public static bool InInbox(PaymentStatus status, DateTime? nextAttemptAtUtc) =>
        status == PaymentStatus.Received && nextAttemptAtUtc is not null;

    /// <summary>
    /// Queued for its partner: received, and filed by the router after it waited in the inbox (its partner was slow,
    /// paused or disabled, or no router ran). It is due whenever its partner takes deliveries, oldest first, and has no
    /// time of its own.
    /// </summary>
    public static bool IsQueued(PaymentStatus status, DateTime? nextAttemptAtUtc) =>
        status == PaymentStatus.Received && nextAttemptAtUtc is null;

    /// <inheritdoc cref="IsQueued"/>
    public static readonly Expression<Func<Payment, bool>> Queued =
        p => p.Status == PaymentStatus.Received && p.NextAttemptAtUtc == null;

    /// <inheritdoc cref="InInbox"/>
    public static readonly Expression<Func<Payment, bool>> InsideInbox =
        p => p.Status == PaymentStatus.Received && p.NextAttemptAtUtc != null;

    /// <summary>
    /// Not in the inbox (<see cref="InInbox"/>): what SQLite indexes by partner. A query by partner that adds this
    /// condition reads that index; the inbox it reads apart, by status.
    /// </summary>
    public static readonly Expression<Func<Payment, bool>> OutsideInbox =
        p => p.Status != PaymentStatus.Received || p.NextAttemptAtUtc == null;

    /// <summary>
    /// The same payments, asked as the two halves SQLite indexes apart: outside the router's inbox (the partner's index
    /// has them) and inside (the index by status has them, a moment's traffic). A query by partner asked in one piece
    /// read every payment, since the partner's index leaves the inbox out; asked in halves, SQLite reads each with its
    /// index and merges them, in order when sorted.
    /// </summary>
    public static IQueryable<Payment> InHalves(IQueryable<Payment> payments) =>
        payments.Where(OutsideInbox).Concat(payments.Where(InsideInbox));
}
