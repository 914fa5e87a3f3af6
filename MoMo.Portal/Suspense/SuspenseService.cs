using System.Globalization;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Audit;
using MoMo.Portal.Data;
using MoMo.Portal.Payers;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;

namespace MoMo.Portal.Suspense;

/// <summary>
/// The suspense queue: held payments, proposals to repair or return them, and their approval by a second staff
/// member. Every check is made here, so the portal and the command line enforce the same rules; every change is
/// audited with who, when, before and after.
/// </summary>
public sealed class SuspenseService(IDbContextFactory<PortalDbContext> dbFactory, RouterSignal router, TimeProvider clock)
{
    /// <summary>The open cases with their payments, oldest first.</summary>
    public async Task<List<SuspenseCase>> OpenCasesAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SuspenseCases.AsNoTracking().Include(c => c.Payment).Where(c => c.Resolution == null)
            .OrderBy(c => c.HeldAtUtc).ThenBy(c => c.PaymentId).ToListAsync(cancellationToken);
    }

    /// <summary>A case (open or resolved) with its payment; null when the payment was never held.</summary>
    public async Task<SuspenseCase?> FindAsync(long paymentId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.SuspenseCases.AsNoTracking().Include(c => c.Payment)
            .SingleOrDefaultAsync(c => c.PaymentId == paymentId, cancellationToken);
    }

    /// <summary>The suspense balance: count and sum of the payments in suspense, per currency.</summary>
    public async Task<List<SuspenseBalance>> BalanceAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Balance(db).ToListAsync(cancellationToken);
    }

    internal static IQueryable<SuspenseBalance> Balance(PortalDbContext db) =>
        db.Payments.Where(p => p.Status == PaymentStatus.Suspense).GroupBy(p => p.Currency).OrderBy(g => g.Key)
            .Select(g => new SuspenseBalance(g.Key, g.Count(), g.Sum(p => p.AmountMinor)));

    /// <summary>
    /// The registered partners and payers the bank probably meant, for the names in <paramref name="suspense"/> that
    /// match no one (see <see cref="SuspenseMatcher"/>).
    /// </summary>
    public async Task<SuspenseSuggestions> SuggestAsync(SuspenseCase suspense, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var payment = suspense.Payment;
        List<string> partners = [];
        List<string> payers = [];
        if (!await db.Partners.AnyAsync(p => p.AccountId == payment.PartnerAccountId, cancellationToken))
        {
            partners = SuspenseMatcher.Suggest(payment.PartnerAccountId,
                await db.Partners.AsNoTracking().Where(p => p.IsActive).Select(p => p.AccountId).ToListAsync(cancellationToken));
        }

        if (!await db.Payers.AnyAsync(p => p.Id == payment.PayerId, cancellationToken))
        {
            // Payers can be many: their ids are streamed, never held all at once.
            var matcher = new SuspenseMatcher(payment.PayerId);
            await foreach (var id in db.Payers.AsNoTracking().Select(p => p.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                matcher.Consider(id);
            }

            payers = matcher.Best();
        }

        return new SuspenseSuggestions(partners, payers);
    }

    /// <summary>How many payments are in suspense (the navigation's badge).</summary>
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Payments.CountAsync(p => p.Status == PaymentStatus.Suspense, cancellationToken);
    }

    /// <summary>
    /// Proposes a repair: the payment goes to <see cref="RepairProposal.PartnerAccountId"/> and
    /// <see cref="RepairProposal.PayerId"/> (each defaults to what the bank sent), creating the payer when a name for
    /// it is given. Replaces a pending proposal.
    /// </summary>
    public async Task<ChangeResult<SuspenseCase>> ProposeRepairAsync(RepairProposal proposal, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (suspense, error) = await OpenCaseAsync(db, proposal.PaymentId, cancellationToken);
        if (suspense is null)
        {
            return Failure("Payment", error!);
        }

        var partnerId = Blank(proposal.PartnerAccountId) ?? suspense.Payment.PartnerAccountId;
        var payerId = Blank(proposal.PayerId) ?? suspense.Payment.PayerId;
        var newPayerName = Blank(proposal.NewPayerName);
        var errors = await CheckRepairAsync(db, partnerId, payerId, newPayerName, cancellationToken);
        if (Blank(proposal.Note) is { Length: > SuspenseCase.MaxNoteLength })
        {
            errors["Note"] = $"A note is at most {SuspenseCase.MaxNoteLength} characters.";
        }

        if (errors.Count > 0)
        {
            return ChangeResult<SuspenseCase>.Failure(errors);
        }

        var before = suspense.ProposalSnapshot();
        var now = Now;
        suspense.ProposeRepair(payerId, partnerId, newPayerName, Blank(proposal.Note), actor, now);
        return await SaveAsync(db, suspense, AuditEntry.Record(actor, "suspense.propose", "Payment", Key(suspense),
            before, suspense.ProposalSnapshot(), now), cancellationToken);
    }

    /// <summary>Proposes returning the payment to its bank, for <paramref name="reason"/>. Replaces a pending proposal.</summary>
    public async Task<ChangeResult<SuspenseCase>> ProposeReturnAsync(long paymentId, string? reason, string actor, CancellationToken cancellationToken)
    {
        reason = Blank(reason);
        if (reason is null || reason.Length > SuspenseCase.MaxNoteLength)
        {
            return Failure("Reason", $"A return needs a reason of 1 to {SuspenseCase.MaxNoteLength} characters; the bank and the auditors read it.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (suspense, error) = await OpenCaseAsync(db, paymentId, cancellationToken);
        if (suspense is null)
        {
            return Failure("Payment", error!);
        }

        var before = suspense.ProposalSnapshot();
        var now = Now;
        suspense.ProposeReturn(reason, actor, now);
        return await SaveAsync(db, suspense, AuditEntry.Record(actor, "suspense.propose", "Payment", Key(suspense),
            before, suspense.ProposalSnapshot(), now), cancellationToken);
    }

    /// <summary>
    /// Approves the pending proposal, as it stood at <paramref name="shownVersion"/>: a repair sends the payment on
    /// its way to the partner, a return ends it. Only someone other than the proposer may approve.
    /// </summary>
    public async Task<ChangeResult<SuspenseCase>> ApproveAsync(long paymentId, int shownVersion, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (suspense, error) = await DecidableCaseAsync(db, paymentId, shownVersion, actor, "approve", cancellationToken);
        if (error is not null)
        {
            return Failure("Approval", error);
        }

        var payment = suspense!.Payment;
        var before = new { payment.Status, payment.PayerId, payment.PartnerAccountId };
        var now = Now;
        if (suspense.Proposal == ProposalKind.Repair)
        {
            var payerId = suspense.ProposedPayerId!;
            var partnerId = suspense.ProposedPartnerAccountId!;
            // What was true when it was proposed may not be now: the partner disabled, the payer created meanwhile
            // (then the repair uses it). A payer is looked up once: the answer decides whether it is created.
            var payerExists = await db.Payers.AnyAsync(p => p.Id == payerId, cancellationToken);
            if (await CheckPartnerAsync(db, partnerId, cancellationToken) is { } partnerError)
            {
                return Failure("Approval", $"The repair can no longer be made: {partnerError} Decline it and propose another.");
            }

            if (!payerExists)
            {
                // A proposal names an existing payer or a name to create one, and payers are never deleted.
                var payer = new Payer { Id = payerId, Name = suspense.NewPayerName!, CreatedAtUtc = now };
                db.Payers.Add(payer);
                db.AuditEntries.Add(AuditEntry.Record(actor, "payer.create", "Payer", payerId, null,
                    new { payer.Id, payer.Name, ProposedBy = suspense.ProposedBy, ForPayment = paymentId }, now));
            }

            payment.Repair(payerId, partnerId, now);
        }
        else
        {
            payment.ReturnToBank();
        }

        suspense.Resolve(actor, now);
        db.AuditEntries.Add(AuditEntry.Record(actor, "suspense.approve", "Payment", Key(suspense), before,
            new { payment.Status, payment.PayerId, payment.PartnerAccountId, Proposal = suspense.ProposalSnapshot() }, now));
        var saved = await SaveAsync(db, suspense, null, cancellationToken);
        if (saved.Succeeded && payment.Status == PaymentStatus.Received)
        {
            router.Notify();
        }

        return saved;
    }

    /// <summary>Declines the pending proposal (as shown at <paramref name="shownVersion"/>); the payment stays in suspense.</summary>
    public async Task<ChangeResult<SuspenseCase>> DeclineAsync(long paymentId, int shownVersion, string? note, string actor, CancellationToken cancellationToken)
    {
        note = Blank(note);
        if (note is { Length: > SuspenseCase.MaxNoteLength })
        {
            return Failure("Note", $"A note is at most {SuspenseCase.MaxNoteLength} characters.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (suspense, error) = await DecidableCaseAsync(db, paymentId, shownVersion, actor, "decline", cancellationToken);
        if (error is not null)
        {
            return Failure("Approval", error);
        }

        var before = suspense!.ProposalSnapshot();
        suspense.Decline();
        var now = Now;
        return await SaveAsync(db, suspense, AuditEntry.Record(actor, "suspense.decline", "Payment", Key(suspense), before,
            new { Note = note }, now), cancellationToken);
    }

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>The open case of <paramref name="paymentId"/>, tracked, or why it cannot be worked on (in words for staff).</summary>
    private static async Task<(SuspenseCase? Case, string? Error)> OpenCaseAsync(
        PortalDbContext db, long paymentId, CancellationToken cancellationToken)
    {
        var suspense = await db.SuspenseCases.Include(c => c.Payment).SingleOrDefaultAsync(c => c.PaymentId == paymentId, cancellationToken);
        if (suspense is { IsOpen: true })
        {
            return (suspense, null);
        }

        if (suspense is { Resolution: { } resolution })
        {
            return (null, $"Payment {paymentId} is no longer in suspense: it was {resolution.ToString().ToLowerInvariant()} " +
                          $"(approved by {suspense.ResolvedBy} at {suspense.ResolvedAtUtc:yyyy-MM-dd HH:mm} UTC).");
        }

        var status = await db.Payments.Where(p => p.Id == paymentId).Select(p => (PaymentStatus?)p.Status).SingleOrDefaultAsync(cancellationToken);
        return (null, status is null
            ? $"There is no payment {paymentId}."
            : $"Payment {paymentId} is not in suspense (its status is {status}); only held payments can be repaired or returned.");
    }

    /// <summary>The open case with a pending proposal that <paramref name="actor"/> may decide, or why not.</summary>
    private static async Task<(SuspenseCase? Case, string? Error)> DecidableCaseAsync(
        PortalDbContext db, long paymentId, int shownVersion, string actor, string verb, CancellationToken cancellationToken)
    {
        var (suspense, error) = await OpenCaseAsync(db, paymentId, cancellationToken);
        if (suspense is null)
        {
            return (null, error);
        }

        if (suspense.Proposal is null)
        {
            return (null, $"Payment {paymentId} has no pending proposal to {verb}.");
        }

        if (suspense.Version != shownVersion)
        {
            return (null, $"The proposal for payment {paymentId} changed since it was shown to you " +
                          $"(now: {Describe(suspense)}). Look at it again before you {verb} it.");
        }

        if (string.Equals(suspense.ProposedBy, actor, StringComparison.OrdinalIgnoreCase))
        {
            return (null, $"You proposed this, so you cannot {verb} it: another staff member must (two-person control).");
        }

        return (suspense, null);
    }

    private static async Task<Dictionary<string, string>> CheckRepairAsync(
        PortalDbContext db, string partnerId, string payerId, string? newPayerName, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string>();
        if (await CheckPartnerAsync(db, partnerId, cancellationToken) is { } partnerError)
        {
            errors["Partner"] = partnerError;
        }

        var payerExists = await db.Payers.AnyAsync(p => p.Id == payerId, cancellationToken);
        if (newPayerName is null && !payerExists)
        {
            errors["Payer"] = $"No payer has the reference number '{payerId}'. Choose an existing payer, or give a name to create it.";
        }
        else if (newPayerName is not null && payerExists)
        {
            errors["Payer"] = $"A payer with the reference number '{payerId}' already exists; choose it instead of creating it.";
        }
        else if (newPayerName is not null)
        {
            foreach (var (field, message) in PayerRules.Validate(payerId, newPayerName, null))
            {
                errors[field == "Name" ? "NewPayerName" : "Payer"] = message;
            }
        }

        return errors;
    }

    /// <summary>Null when payments can be repaired to <paramref name="partnerId"/>; otherwise why not.</summary>
    private static async Task<string?> CheckPartnerAsync(PortalDbContext db, string partnerId, CancellationToken cancellationToken)
    {
        var partner = await db.Partners.AsNoTracking().Where(p => p.AccountId == partnerId)
            .Select(p => new { p.IsActive }).SingleOrDefaultAsync(cancellationToken);
        return partner switch
        {
            null => $"No partner has the account number '{partnerId}'. Choose an existing partner.",
            { IsActive: false } => $"Partner '{partnerId}' is disabled. Enable it first, or choose another partner.",
            _ => null,
        };
    }

    /// <summary>Saves the case's change; a change someone else made first wins, and this one is refused.</summary>
    private static async Task<ChangeResult<SuspenseCase>> SaveAsync(
        PortalDbContext db, SuspenseCase suspense, AuditEntry? audit, CancellationToken cancellationToken)
    {
        if (audit is not null)
        {
            db.AuditEntries.Add(audit);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return ChangeResult<SuspenseCase>.Success(suspense);
        }
        catch (DbUpdateException exception) when (exception is DbUpdateConcurrencyException || DatabaseErrors.IsUniqueViolation(exception))
        {
            // Another approval, decline or proposal committed between our read and our write (or created the same payer).
            return Failure("Approval", $"Someone else changed payment {suspense.PaymentId} at the same moment, and " +
                                       "their change stands. Look at it again.");
        }
    }

    private static string Describe(SuspenseCase suspense) => suspense.Proposal switch
    {
        ProposalKind.Repair => $"repair to partner {suspense.ProposedPartnerAccountId} and payer {suspense.ProposedPayerId}" +
                               (suspense.NewPayerName is null ? "" : " (new)") + $", proposed by {suspense.ProposedBy}",
        ProposalKind.Return => $"return to the bank ({suspense.ProposalNote}), proposed by {suspense.ProposedBy}",
        _ => "no proposal",
    };

    private static string Key(SuspenseCase suspense) => suspense.PaymentId.ToString(CultureInfo.InvariantCulture);

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static ChangeResult<SuspenseCase> Failure(string field, string message) => ChangeResult<SuspenseCase>.Failure(field, message);
}

/// <summary>A repair as staff propose it: null partner or payer keeps what the bank sent.</summary>
public sealed record RepairProposal(long PaymentId, string? PartnerAccountId, string? PayerId, string? NewPayerName, string? Note);

/// <summary>Registered ids close to the unknown ones a held payment names.</summary>
public sealed record SuspenseSuggestions(List<string> PartnerAccountIds, List<string> PayerIds);

/// <summary>What is in suspense in one currency.</summary>
public sealed record SuspenseBalance(string Currency, int Count, long AmountMinor)
{
    public string Amount => Money.Format(AmountMinor, Currency);
}
