using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Audit;
using MoMo.Portal.Data;
using MoMo.Portal.Ingestion;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Suspense;

namespace MoMo.Portal.Reconciliation;

/// <summary>
/// Creates the payment a bank booked but never notified (a <see cref="StatementBreak.MissingPayment"/> break), for the
/// partner and payer staff name. It goes through ingestion's own rules: the instruction parser, the bank's
/// unknown-reference policy (an unknown payer or partner is held in suspense or refused), and one transaction id per
/// bank. Its proof is the entry: the instruction as it would have come from the bank, with the statement file's
/// SHA-256 in the proof's headers. The payment, its proof, the entry's match and the audit entry commit together.
/// </summary>
public sealed class EntryPayments(
    IDbContextFactory<PortalDbContext> dbFactory,
    ReferenceCache references,
    IProofStore proofStore,
    RouterSignal router,
    TimeProvider clock)
{
    /// <summary>The proof's method: what the payment came from, where a bank's would say POST.</summary>
    public const string ProofMethod = "STATEMENT";

    /// <summary>What staff name that the statement cannot tell: whose payment it is and to which partner.</summary>
    public async Task<ChangeResult<Payment>> CreateAsync(long entryId, string partnerAccountId, string payerId, string actor,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await (from e in db.StatementEntries.AsNoTracking()
                           join s in db.BankStatements on e.BankStatementId equals s.Id
                           join f in db.StatementFiles on s.FileId equals f.Id
                           where e.Id == entryId
                           select new { Entry = e, s.BankCode, s.StatementId, f.FileName, f.Sha256 }).SingleOrDefaultAsync(cancellationToken);
        if (found is not { Entry: { Break: StatementBreak.MissingPayment, BreakClosedAtUtc: null, PaymentId: null } entry })
        {
            return ChangeResult<Payment>.Failure("Entry", $"Statement entry {entryId} has no open missing-payment break.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var body = InstructionBody(entry, partnerAccountId.Trim(), payerId.Trim());
        var parsed = PaymentInstructionParser.Parse(body, null, now);
        if (parsed is not ParseResult.Valid { Instruction: var instruction })
        {
            return ChangeResult<Payment>.Failure(Refusal(parsed));
        }

        if (instruction.BankReference is { } reference
            && await PaymentLookup.ByBankReferenceAsync(db, found.BankCode, reference) is { Id: var existing })
        {
            return ChangeResult<Payment>.Failure("Entry",
                $"Payment {existing} already has transaction id {reference} at {found.BankCode}: confirm that match instead of creating a second payment.");
        }

        var verdict = await references.JudgeAsync(found.BankCode, instruction.PayerId, instruction.PartnerAccountId, cancellationToken);
        if (verdict.Refused)
        {
            return ChangeResult<Payment>.Failure(Unknown(found.BankCode, instruction, verdict.PayerKnown, verdict.PartnerKnown));
        }

        var held = verdict.Held;

        var proof = new RawBankRequest(now, ProofMethod,
            string.Create(CultureInfo.InvariantCulture, $"/statements/{found.StatementId}/entries/{entry.EntryIndex}.{entry.DetailIndex}"),
            "application/json",
            [new("X-Statement-File", found.FileName), new("X-Statement-File-Sha256", found.Sha256),
             new("X-Statement-Entry", entryId.ToString(CultureInfo.InvariantCulture)), new("X-Created-By", actor)],
            null, body, false);
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var proofKey = await proofStore.SaveAsync(proof, db, cancellationToken);
        var payment = instruction.ToPayment(found.BankCode, instruction.Fingerprint(), proofKey, now, held is not null);
        db.Payments.Add(payment);
        if (held is { } reason)
        {
            db.SuspenseCases.Add(SuspenseCase.Hold(payment, reason, now));
        }

        try
        {
            // The payment's id first, for the entry to name it: both writes commit in one transaction or neither does.
            await db.SaveChangesAsync(CancellationToken.None);
            // Conditional, so two members of staff creating a payment for one entry cannot both succeed.
            var claimed = await db.StatementEntries
                .Where(e => e.Id == entryId && e.PaymentId == null && e.Break == StatementBreak.MissingPayment && e.BreakClosedAtUtc == null)
                .ExecuteUpdateAsync(e => e.SetProperty(x => x.PaymentId, payment.Id).SetProperty(x => x.Break, (StatementBreak?)null)
                    .SetProperty(x => x.SuggestedPaymentId, (long?)null), CancellationToken.None);
            if (claimed == 0)
            {
                return ChangeResult<Payment>.Failure("Entry", $"Statement entry {entryId} was matched or closed meanwhile; reload and look again.");
            }

            db.AuditEntries.Add(AuditEntry.Record(actor, "statement.payment.create", "StatementEntry",
                entryId.ToString(CultureInfo.InvariantCulture), new { Break = StatementBreak.MissingPayment },
                new { PaymentId = payment.Id, instruction.PartnerAccountId, instruction.PayerId, instruction.AmountMinor, instruction.Currency,
                    instruction.BankReference, Held = held }, now));
            await db.SaveChangesAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }
        catch (DbUpdateException exception) when (DatabaseErrors.IsUniqueViolation(exception))
        {
            // Another member of staff, or the bank's own notification, got there first: nothing of this one is kept.
            return ChangeResult<Payment>.Failure("Entry",
                $"Statement entry {entryId} or transaction id {instruction.BankReference} was matched meanwhile; reload and look again.");
        }

        if (held is null)
        {
            router.Notify();
        }

        return ChangeResult<Payment>.Success(payment);
    }

    /// <summary>
    /// The bank's request this entry stands for, in the bank API's own terms: its first reference becomes the
    /// transaction id (so the bank's notification, should it come after all, is recognised as this payment) and its
    /// booking date the bank date.
    /// </summary>
    internal static byte[] InstructionBody(StatementEntry entry, string partnerAccountId, string payerId)
    {
        var json = new Dictionary<string, object?>
        {
            ["reference_number"] = payerId,
            ["account_number"] = partnerAccountId,
            ["amount"] = Money.Format(entry.AmountMinor, entry.Currency),
            ["currency"] = entry.Currency,
            ["transaction_id"] = entry.References().FirstOrDefault(),
            ["payment_bank_date"] = entry.BookingDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        };
        return JsonSerializer.SerializeToUtf8Bytes(json.Where(p => p.Value is not null).ToDictionary());
    }

    /// <summary>The parser's findings in the names staff chose them by.</summary>
    private static Dictionary<string, string> Refusal(ParseResult result) => result switch
    {
        ParseResult.Invalid invalid => invalid.Errors.ToDictionary(
            e => e.Key switch { "reference_number" => "Payer", "account_number" => "Partner", _ => "Entry" },
            e => $"{e.Key} {string.Join(" ", e.Value)}"),
        ParseResult.Malformed malformed => new() { ["Entry"] = malformed.Detail },
        _ => new() { ["Entry"] = "The entry does not make a payment." },
    };

    private static Dictionary<string, string> Unknown(string bankCode, PaymentInstruction instruction, bool payerKnown, bool partnerKnown)
    {
        var errors = new Dictionary<string, string>();
        var policy = $"{bankCode} refuses unknown references; add it first, or let the bank's payments be held in suspense.";
        if (!payerKnown)
        {
            errors["Payer"] = $"There is no payer {instruction.PayerId}. {policy}";
        }

        if (!partnerKnown)
        {
            errors["Partner"] = $"There is no partner {instruction.PartnerAccountId}. {policy}";
        }

        return errors;
    }
}
