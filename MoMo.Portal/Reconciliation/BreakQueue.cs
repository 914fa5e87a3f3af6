using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Audit;
using MoMo.Portal.Data;

namespace MoMo.Portal.Reconciliation;

/// <summary>
/// The breaks staff work: listed, matched again when the payment they lacked arrives after the statement (the
/// <c>rematch-statements</c> job), and closed by a staff action with a note (audited).
/// </summary>
public sealed class BreakQueue(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public const int MaxNote = 500;

    /// <summary>Open breaks, oldest first, with their statement's bank and id: the entries' first, then the payments not on a statement.</summary>
    public async Task<List<OpenBreak>> OpenAsync(string? bankCode, int limit, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var gaps = await (from g in db.StatementGaps.AsNoTracking()
                          join s in db.BankStatements on g.BankStatementId equals s.Id
                          join p in db.Payments on g.PaymentId equals p.Id
                          where g.ClosedAtUtc == null && (bankCode == null || s.BankCode == bankCode)
                          orderby g.Id
                          select new OpenBreak(0, s.BankCode, s.StatementId, StatementBreak.NotOnStatement, null, p.AmountMinor, p.Currency,
                              DateOnly.FromDateTime(p.BankDateUtc), p.BankReference, p.PayerId, null) { GapId = g.Id, PaymentId = p.Id })
            .Take(limit).ToListAsync(cancellationToken);
        var entries = await (from e in db.StatementEntries.AsNoTracking()
                      join s in db.BankStatements on e.BankStatementId equals s.Id
                      where e.Break != null && e.BreakClosedAtUtc == null && (bankCode == null || s.BankCode == bankCode)
                      orderby e.Id
                      select new OpenBreak(e.Id, s.BankCode, s.StatementId, e.Break!.Value, e.SuggestedPaymentId, e.AmountMinor, e.Currency, e.BookingDate,
                          e.EndToEndId ?? e.TransactionId ?? e.InstructionId ?? e.Uetr ?? e.AccountServicerReference ?? e.EntryReference,
                          e.DebtorName, e.Remittance))
            .Take(limit).ToListAsync(cancellationToken);
        return [.. entries, .. gaps.Take(Math.Max(0, limit - entries.Count))];
    }

    /// <summary>Closes a payment's not-on-statement break with a note (audited).</summary>
    public async Task<Data.ChangeResult<StatementGap>> CloseGapAsync(long gapId, string note, string actor, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(note) || note.Length > MaxNote)
        {
            return Data.ChangeResult<StatementGap>.Failure("Note", $"Say why the break is closed, in 1 to {MaxNote} characters.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var gap = await db.StatementGaps.SingleOrDefaultAsync(g => g.Id == gapId && g.ClosedAtUtc == null, cancellationToken);
        if (gap is null)
        {
            return Data.ChangeResult<StatementGap>.Failure("Gap", $"There is no open not-on-statement break {gapId}.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        (gap.ClosedAtUtc, gap.ClosedBy, gap.Note) = (now, actor, note.Trim());
        db.AuditEntries.Add(AuditEntry.Record(actor, "statement.gap.close", "StatementGap", gapId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            null, new { gap.PaymentId, gap.Note }, now));
        await db.SaveChangesAsync(cancellationToken);
        return Data.ChangeResult<StatementGap>.Success(gap);
    }

    /// <summary>
    /// Matches again the missing-payment breaks whose payment has arrived since (a notification after the statement),
    /// and suggests a payment for those still missing the way an import does. Returns how many it matched.
    /// </summary>
    public async Task<int> RematchAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var missing = await (from e in db.StatementEntries
                             join s in db.BankStatements on e.BankStatementId equals s.Id
                             where e.Break == StatementBreak.MissingPayment && e.BreakClosedAtUtc == null
                             orderby e.Id
                             select new { Entry = e, s.BankCode }).Take(5000).ToListAsync(cancellationToken);
        var matched = 0;
        foreach (var bank in missing.GroupBy(m => m.BankCode))
        {
            List<StatementEntry> entries = [.. bank.Select(m => m.Entry)];
            var (taken, unmatched) = await StatementImporter.MatchByReferenceAsync(db, bank.Key, entries, [], cancellationToken);
            matched += entries.Count(e => e.PaymentId is not null);
            await StatementImporter.SuggestAsync(db, bank.Key, unmatched, taken, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        // A payment once not on its statement that an entry now is (a later statement, a confirmed suggestion): closed.
        var now = clock.GetUtcNow().UtcDateTime;
        await db.StatementGaps.Where(g => g.ClosedAtUtc == null && db.StatementEntries.Any(e => e.PaymentId == g.PaymentId))
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.ClosedAtUtc, now).SetProperty(g => g.ClosedBy, "rematch-statements")
                .SetProperty(g => g.Note, "An entry matches the payment now."), cancellationToken);
        return matched;
    }

    /// <summary>
    /// Confirms (the entry is the suggested payment; its break closes) or rejects (the suggestion goes; the break stays)
    /// an entry's suggested match. Audited.
    /// </summary>
    public async Task<Data.ChangeResult<StatementEntry>> DecideSuggestionAsync(long entryId, bool confirm, string actor, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entry = await db.StatementEntries.SingleOrDefaultAsync(e => e.Id == entryId, cancellationToken);
        if (entry is not { SuggestedPaymentId: { } suggested, PaymentId: null })
        {
            return Data.ChangeResult<StatementEntry>.Failure("Entry", $"Statement entry {entryId} has no suggested match to decide.");
        }

        if (confirm && await db.StatementEntries.AnyAsync(e => e.PaymentId == suggested, cancellationToken))
        {
            return Data.ChangeResult<StatementEntry>.Failure("Entry", $"Payment {suggested} is already another entry's match.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (confirm)
        {
            (entry.PaymentId, entry.Break, entry.BreakClosedAtUtc, entry.BreakClosedBy, entry.BreakNote) =
                (suggested, null, null, null, null);
        }

        entry.SuggestedPaymentId = confirm ? suggested : null;
        entry.RejectedPaymentId = confirm ? entry.RejectedPaymentId : suggested;
        db.AuditEntries.Add(AuditEntry.Record(actor, confirm ? "statement.match.confirm" : "statement.match.reject", "StatementEntry",
            entryId.ToString(System.Globalization.CultureInfo.InvariantCulture), null, new { PaymentId = suggested }, now));
        await db.SaveChangesAsync(cancellationToken);
        return Data.ChangeResult<StatementEntry>.Success(entry);
    }

    /// <summary>Closes an open break with a note; false (and nothing changed) when there is no open break with that id.</summary>
    public async Task<Data.ChangeResult<StatementEntry>> CloseAsync(long entryId, string note, string actor, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(note) || note.Length > MaxNote)
        {
            return Data.ChangeResult<StatementEntry>.Failure("Note", $"Say why the break is closed, in 1 to {MaxNote} characters.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var entry = await db.StatementEntries.SingleOrDefaultAsync(e => e.Id == entryId, cancellationToken);
        if (entry is not { IsOpenBreak: true })
        {
            return Data.ChangeResult<StatementEntry>.Failure("Entry", $"Statement entry {entryId} has no open break.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        (entry.BreakClosedAtUtc, entry.BreakClosedBy, entry.BreakNote) = (now, actor, note.Trim());
        db.AuditEntries.Add(AuditEntry.Record(actor, "statement.break.close", "StatementEntry",
            entryId.ToString(System.Globalization.CultureInfo.InvariantCulture), new { entry.Break }, new { Note = entry.BreakNote }, now));
        await db.SaveChangesAsync(cancellationToken);
        return Data.ChangeResult<StatementEntry>.Success(entry);
    }
}

/// <summary>An open break as the queue shows it.</summary>
public sealed record OpenBreak(long EntryId, string BankCode, string StatementId, StatementBreak Kind, long? SuggestedPaymentId, long AmountMinor, string Currency,
    DateOnly? BookingDate, string? Reference, string? DebtorName, string? Remittance)
{
    /// <summary>For a payment not on a statement: its break's id (0 entry id) and the payment.</summary>
    public long? GapId { get; init; }

    public long? PaymentId { get; init; }
}

/// <summary>The recurring <c>rematch-statements</c> job (every minute): statements meet the payments that came after them.</summary>
public sealed class RematchStatementsJob(BreakQueue breaks)
{
    public const string Id = "rematch-statements";

    public Task RunAsync(CancellationToken cancellationToken) => breaks.RematchAsync(cancellationToken);
}
