using MoMo.Portal.Banks;

namespace MoMo.Portal.Payments;

/// <summary>A payment a bank sent for a payer to a partner, and its delivery state.</summary>
public sealed class Payment
{
    public const int MaxBankReferenceLength = 128;
    public const int MaxErrorLength = 2000;

    public long Id { get; private set; }

    /// <summary>
    /// The payer, as the bank names it in <c>reference_number</c>. A payment in <see cref="PaymentStatus.Suspense"/>
    /// may name one that does not exist (that is why it is held), so the database keeps no foreign key here: every
    /// other payment names an existing payer, checked at intake and at repair, and payers are never deleted.
    /// </summary>
    public required string PayerId { get; set; }

    /// <summary>The partner (merchant), as the bank names it in <c>account_number</c>; unchecked for the same reason.</summary>
    public required string PartnerAccountId { get; set; }

    public required string BankCode { get; init; }

    /// <summary>The bank's own transaction id (<c>transaction_id</c> or <c>Idempotency-Key</c>), unique per bank.</summary>
    public string? BankReference { get; init; }

    public required long AmountMinor { get; init; }

    /// <summary>ISO 4217 code; <see cref="AmountMinor"/> counts its minor units.</summary>
    public required string Currency { get; init; }

    /// <summary>SHA-256 of the request's meaning, so a retried request can be told from a different one under the same id.</summary>
    public required string RequestFingerprint { get; init; }

    /// <summary>Where the raw request the bank sent is kept (see <c>IProofStore</c>).</summary>
    public required string ProofKey { get; init; }

    /// <summary>When the bank says the payment was made (<c>payment_bank_date</c>); the receipt time when it says nothing.</summary>
    public required DateTime BankDateUtc { get; init; }

    public required DateTime ReceivedAtUtc { get; init; }

    /// <summary>When the partner acknowledged the payment (the original <c>payment_processed_date</c>).</summary>
    public DateTime? ProcessedAtUtc { get; private set; }

    /// <summary>True once delivery has given up (the original <c>process_error</c>).</summary>
    public bool ProcessError { get; private set; }

    public PaymentStatus Status { get; private set; } = PaymentStatus.Received;

    public int AttemptCount { get; private set; }

    /// <summary>
    /// Failed attempts since the payment last became due from scratch (on receipt or a staff retry): the position in
    /// the retry schedule.
    /// </summary>
    public int ScheduleStep { get; private set; }

    /// <summary>
    /// The id partners see in <c>webhook-id</c> and the e-mail's Message-ID: the same on every attempt, so a repeat
    /// is recognisable as a repeat.
    /// </summary>
    public required string DeliveryId { get; init; }

    /// <summary>The staff user whose retry made the payment due; the next attempt is recorded as theirs.</summary>
    public string? RetryRequestedBy { get; private set; }

    /// <summary>When the router should next try; null once delivered or errored.</summary>
    public DateTime? NextAttemptAtUtc { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>
    /// Counts the payment's changes of bucket (see <see cref="Days.TotalsBucket"/>), from 1 when it is received. The
    /// running totals have counted the payment as it is while <see cref="FoldedVersion"/> equals it; only the few
    /// payments where the two differ are in the index that serves the fold. Two columns, not a flag, so the router and
    /// the fold never write the same column: a change made while a fold runs is never lost, only folded next time.
    /// </summary>
    public int BucketVersion { get; private set; } = 1;

    /// <summary>The <see cref="BucketVersion"/> the running totals last counted (0: not yet).</summary>
    public int FoldedVersion { get; private set; }

    /// <summary>The bucket the running totals count this payment in; null until first folded.</summary>
    public Days.TotalsBucket? FoldedBucket { get; private set; }

    /// <summary>The bucket the payment belongs in now.</summary>
    public Days.TotalsBucket Bucket => Days.TotalsBuckets.Of(Status);

    /// <summary>The router pass that owns this payment while <see cref="ClaimExpiresAtUtc"/> is in the future.</summary>
    public Guid? ClaimToken { get; private set; }

    public DateTime? ClaimExpiresAtUtc { get; private set; }

    public Bank? Bank { get; private set; }
    public List<DeliveryAttempt> Attempts { get; private set; } = [];

    public static Payment Receive(
        string bankCode, string payerId, string partnerAccountId, long amountMinor, string currency,
        string? bankReference, DateTime? bankDateUtc, string fingerprint, string proofKey, DateTime nowUtc,
        bool held = false) => new()
    {
        BankCode = bankCode,
        PayerId = payerId,
        PartnerAccountId = partnerAccountId,
        AmountMinor = amountMinor,
        Currency = currency,
        BankReference = bankReference,
        BankDateUtc = bankDateUtc ?? nowUtc,
        RequestFingerprint = fingerprint,
        ProofKey = proofKey,
        DeliveryId = "msg_" + Guid.CreateVersion7().ToString("N"),
        ReceivedAtUtc = nowUtc,
        Status = held ? PaymentStatus.Suspense : PaymentStatus.Received,
        NextAttemptAtUtc = held ? null : nowUtc,
    };

    /// <summary>The id the database gave the row, for writers that insert without EF Core.</summary>
    internal void AssignId(long id) => Id = id;

    /// <summary>Who the next attempt is recorded as triggered by.</summary>
    public string NextAttemptTrigger => RetryRequestedBy ?? DeliveryAttempt.RouterTrigger;

    /// <summary>The partner acknowledged the payment: it is never sent again by the router.</summary>
    public void MarkDelivered(DateTime nowUtc)
    {
        AttemptCount++;
        SetStatus(PaymentStatus.Delivered);
        ProcessedAtUtc = nowUtc;
        ProcessError = false;
        LastError = null;
        NextAttemptAtUtc = null;
        RetryRequestedBy = null;
        ReleaseClaim();
    }

    /// <summary>
    /// An attempt failed. A permanent failure, or a transient one with no delay left in <paramref name="schedule"/>,
    /// errors the payment; otherwise the next attempt is due after the schedule's delay (or the partner's
    /// <c>Retry-After</c>, when that is longer).
    /// </summary>
    public void MarkFailed(string error, bool permanent, RetrySchedule schedule, TimeSpan? retryAfter, DateTime nowUtc)
    {
        AttemptCount++;
        RetryRequestedBy = null;
        if (permanent || schedule.DelayAfter(ScheduleStep) is not { } delay)
        {
            MarkErrored(error);
            return;
        }

        ScheduleStep++;
        SetStatus(PaymentStatus.RetryScheduled);
        LastError = Truncate(error);
        NextAttemptAtUtc = nowUtc + (retryAfter > delay ? retryAfter.Value : delay);
        ReleaseClaim();
    }

    /// <summary>
    /// Hands a claimed payment back without an attempt (the claim was too close to expiring to start one): it is due
    /// again at once.
    /// </summary>
    public void ReturnUnattempted(DateTime nowUtc)
    {
        SetStatus(AttemptCount == 0 ? PaymentStatus.Received : PaymentStatus.RetryScheduled);
        NextAttemptAtUtc = nowUtc;
        ReleaseClaim();
    }

    /// <summary>
    /// Staff asked to try an errored payment again: it becomes due now, with the retry schedule from its start, and
    /// the next attempt is recorded as theirs. Returns false (and changes nothing) for a payment that is not errored.
    /// </summary>
    public bool ScheduleStaffRetry(string requestedBy, DateTime nowUtc)
    {
        if (Status != PaymentStatus.Errored)
        {
            return false;
        }

        SetStatus(PaymentStatus.RetryScheduled);
        ProcessError = false;
        ScheduleStep = 0;
        NextAttemptAtUtc = nowUtc;
        RetryRequestedBy = requestedBy;
        ReleaseClaim();
        return true;
    }

    /// <summary>
    /// Staff asked to send a delivered payment again (the partner lost it): it becomes due now, with the same
    /// delivery id so the partner can tell it is a repeat. Returns false for a payment that is not delivered.
    /// </summary>
    public bool ScheduleResend(string requestedBy, DateTime nowUtc)
    {
        if (Status != PaymentStatus.Delivered)
        {
            return false;
        }

        SetStatus(PaymentStatus.RetryScheduled);
        ScheduleStep = 0;
        NextAttemptAtUtc = nowUtc;
        RetryRequestedBy = requestedBy;
        return true;
    }

    /// <summary>
    /// An approved repair: the payment leaves suspense for the given payer and partner and is due for its first
    /// delivery now. Returns false (and changes nothing) for a payment that is not in suspense.
    /// </summary>
    public bool Repair(string payerId, string partnerAccountId, DateTime nowUtc)
    {
        if (Status != PaymentStatus.Suspense)
        {
            return false;
        }

        PayerId = payerId;
        PartnerAccountId = partnerAccountId;
        SetStatus(PaymentStatus.Received);
        NextAttemptAtUtc = nowUtc;
        return true;
    }

    /// <summary>An approved return to the bank: final, never delivered. False for a payment that is not in suspense.</summary>
    public bool ReturnToBank()
    {
        if (Status != PaymentStatus.Suspense)
        {
            return false;
        }

        SetStatus(PaymentStatus.Returned);
        NextAttemptAtUtc = null;
        return true;
    }

    /// <summary>Gives up on delivery; staff see the payment as errored with <paramref name="error"/>.</summary>
    public void MarkErrored(string error)
    {
        SetStatus(PaymentStatus.Errored);
        ProcessError = true;
        LastError = Truncate(error);
        NextAttemptAtUtc = null;
        ReleaseClaim();
    }

    /// <summary>Every status change goes through here, so the running totals hear of each change of bucket.</summary>
    private void SetStatus(PaymentStatus status)
    {
        if (Days.TotalsBuckets.Of(status) != Days.TotalsBuckets.Of(Status))
        {
            BucketVersion++;
        }

        Status = status;
    }

    private void ReleaseClaim()
    {
        ClaimToken = null;
        ClaimExpiresAtUtc = null;
    }

    internal static string Truncate(string text) => text.Length <= MaxErrorLength ? text : text[..MaxErrorLength];
}
