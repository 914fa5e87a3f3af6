using MoMo.Portal.Payments;

namespace MoMo.Portal.Tests.Payments;

/// <summary>The payment's state machine on its own: no database, no host, milliseconds.</summary>
public sealed class PaymentStateTests
{
    private static readonly DateTime s_now = new(2026, 12, 2, 9, 0, 0, DateTimeKind.Utc);

    private static Payment NewPayment(bool held = false) =>
        Payment.Receive("bank", "payer", "partner", 1000, "USD", "T-1", null, "fp", "proof", s_now, held);

    [Fact]
    public void A_received_payment_is_due_now_and_a_held_one_is_in_suspense_and_never_due()
    {
        var received = NewPayment();
        var held = NewPayment(held: true);

        Assert.Equal((PaymentStatus.Received, (DateTime?)s_now, s_now), (received.Status, received.NextAttemptAtUtc, received.BankDateUtc));
        Assert.Equal((PaymentStatus.Suspense, (DateTime?)null), (held.Status, held.NextAttemptAtUtc));
    }

    [Fact]
    public void Failures_follow_the_schedule_a_longer_retry_after_wins_and_the_last_failure_errors_the_payment()
    {
        var payment = NewPayment();
        var schedule = RetrySchedule.Parse("1m,10m", random: () => 0);

        payment.MarkFailed("503", permanent: false, schedule, retryAfter: null, s_now);
        var first = (payment.Status, payment.NextAttemptAtUtc, payment.AttemptCount);
        payment.MarkFailed("429", permanent: false, schedule, retryAfter: TimeSpan.FromHours(1), s_now);
        var second = (payment.Status, payment.NextAttemptAtUtc, payment.AttemptCount);
        payment.MarkFailed("503 again", permanent: false, schedule, retryAfter: null, s_now);

        Assert.Equal((PaymentStatus.RetryScheduled, (DateTime?)s_now.AddMinutes(1), 1), first);
        Assert.Equal((PaymentStatus.RetryScheduled, (DateTime?)s_now.AddHours(1), 2), second);
        Assert.Equal((PaymentStatus.Errored, true, "503 again", (DateTime?)null, 3),
            (payment.Status, payment.ProcessError, payment.LastError, payment.NextAttemptAtUtc, payment.AttemptCount));
    }

    [Fact]
    public void A_permanent_failure_errors_at_once_and_staff_retry_starts_the_schedule_again_as_theirs()
    {
        var payment = NewPayment();
        var schedule = RetrySchedule.Parse("1m,10m", random: () => 0);

        payment.MarkFailed("410 Gone", permanent: true, schedule, retryAfter: null, s_now);
        var erroredAtOnce = payment.Status;
        var retried = payment.ScheduleStaffRetry("ops@momo.test", s_now.AddHours(1));

        Assert.Equal(PaymentStatus.Errored, erroredAtOnce);
        Assert.True(retried);
        Assert.Equal((PaymentStatus.RetryScheduled, 0, (DateTime?)s_now.AddHours(1), "ops@momo.test", false),
            (payment.Status, payment.ScheduleStep, payment.NextAttemptAtUtc, payment.NextAttemptTrigger, payment.ProcessError));
    }

    [Fact]
    public void Each_staff_action_applies_only_from_its_own_status_and_changes_nothing_otherwise()
    {
        var received = NewPayment();
        var delivered = NewPayment();
        delivered.MarkDelivered(s_now);
        var held = NewPayment(held: true);
        var returned = NewPayment(held: true);

        Assert.False(received.ScheduleStaffRetry("ops", s_now));
        Assert.False(received.ScheduleResend("ops", s_now));
        Assert.False(received.Repair("p", "q", s_now));
        Assert.False(received.ReturnToBank());
        Assert.Equal(PaymentStatus.Received, received.Status);
        Assert.True(delivered.ScheduleResend("ops", s_now));
        Assert.Equal((PaymentStatus.RetryScheduled, "ops"), (delivered.Status, delivered.NextAttemptTrigger));
        Assert.True(held.Repair("payer-2", "partner-2", s_now));
        Assert.Equal((PaymentStatus.Received, "payer-2", "partner-2", (DateTime?)s_now),
            (held.Status, held.PayerId, held.PartnerAccountId, held.NextAttemptAtUtc));
        Assert.True(returned.ReturnToBank());
        Assert.False(returned.Repair("p", "q", s_now));
        Assert.Equal((PaymentStatus.Returned, (DateTime?)null), (returned.Status, returned.NextAttemptAtUtc));
    }

    [Fact]
    public void A_payment_handed_back_without_an_attempt_is_due_again_in_the_status_its_attempts_say()
    {
        var fresh = NewPayment();
        var retried = NewPayment();
        retried.MarkFailed("503", permanent: false, RetrySchedule.Parse("1m"), retryAfter: null, s_now);

        fresh.ReturnUnattempted(s_now);
        retried.ReturnUnattempted(s_now.AddMinutes(5));

        Assert.Equal((PaymentStatus.Received, (DateTime?)s_now, 0), (fresh.Status, fresh.NextAttemptAtUtc, fresh.AttemptCount));
        Assert.Equal((PaymentStatus.RetryScheduled, (DateTime?)s_now.AddMinutes(5), 1), (retried.Status, retried.NextAttemptAtUtc, retried.AttemptCount));
    }
}
