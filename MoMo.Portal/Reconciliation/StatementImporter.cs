using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MoMo.Portal.Audit;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Reconciliation;

/// <summary>
/// Imports a bank's statement file and matches its booked credits to the bank's payments. A refused file stores
/// nothing; the same file again adds nothing and says so; a statement id seen before in another file is refused.
/// </summary>
public sealed class StatementImporter(IDbContextFactory<PortalDbContext> dbFactory, IOptions<ReconciliationOptions> options, TimeProvider clock)
{
    /// <param name="replace">
    /// An Admin's decision to replace statements imported before under the same ids with this file's (audited); without
    /// it such a file is refused.
    /// </param>
    public async Task<ImportOutcome> ImportAsync(string bankCode, string fileName, Stream content, string actor, CancellationToken cancellationToken,
        StatementFormat format = StatementFormat.Camt, bool replace = false)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length > options.Value.MaxBytes)
        {
            return Refused($"{fileName} is {buffer.Length:N0} bytes, over the limit of {options.Value.MaxBytes:N0} (Statements:MaxBytes).");
        }

        var bytes = buffer.ToArray();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await ImportBytesAsync(bankCode, fileName, bytes, actor, format, replace, cancellationToken);
            }
            catch (Exception exception) when (attempt < 3 && DatabaseErrors.IsWriteConflict(exception))
            {
                // Matching reads what is committed before its transaction: another import, the rematch or staff matched
                // one of these payments (or imported this file) meanwhile, and the unique indexes refused the write. Nothing
                // of this attempt was kept; reading and matching again sees theirs.
            }
        }
    }

    private async Task<ImportOutcome> ImportBytesAsync(string bankCode, string fileName, byte[] bytes, string actor, StatementFormat format,
        bool replace, CancellationToken cancellationToken)
    {
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var bank = await db.Banks.AsNoTracking().Where(b => b.Code == bankCode).Select(b => new { b.StatementCsvMapping }).SingleOrDefaultAsync(cancellationToken);
        if (bank is null)
        {
            return Refused($"There is no bank with the code '{bankCode}'.");
        }

        CamtReader.Result read;
        if (format == StatementFormat.Csv)
        {
            if (bank.StatementCsvMapping is null || CsvStatementMapping.Parse(bank.StatementCsvMapping).Mapping is not { } mapping)
            {
                return Refused($"Bank {bankCode} has no CSV statement mapping: set one with bank set --code {bankCode} --statement-csv-mapping FILE.");
            }

            read = CsvStatementReader.Read(bytes, mapping);
        }
        else
        {
            read = CamtReader.Read(new MemoryStream(bytes, writable: false));
        }

        if (read.Error is { } error)
        {
            return Refused($"{fileName}: {error}");
        }

        if (await db.StatementFiles.AsNoTracking().Where(f => f.BankCode == bankCode && f.Sha256 == sha)
                .Select(f => new { f.Id }).SingleOrDefaultAsync(cancellationToken) is { } earlier)
        {
            return new ImportOutcome.AlreadyImported(await SummaryAsync(db, earlier.Id, read.Message!, duplicates: true, cancellationToken));
        }

        var ids = read.Statements.Select(s => s.StatementId).ToList();
        var seen = await db.BankStatements.Where(s => s.BankCode == bankCode && ids.Contains(s.StatementId))
            .Select(s => new { s.Id, s.StatementId }).ToListAsync(cancellationToken);
        var replacing = replace ? seen.Select(s => s.Id).ToList() : [];
        if (seen.Count > 0 && !replace)
        {
            var names = seen.Select(s => s.StatementId).ToList();
            return Refused($"{fileName}: statement {string.Join(", ", names)} was imported before from another file with different content. " +
                           "Nothing was stored; an Admin can replace it on purpose (statements import … --replace --by EMAIL).");
        }

        if (ids.Count != ids.Distinct().Count())
        {
            return Refused($"{fileName}: a statement id appears twice in the file. Nothing was stored.");
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var entries = read.Statements.SelectMany(s => s.Entries).ToList();
        await MatchAsync(db, bankCode, entries, replacing, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (replacing.Count > 0)
        {
            // The statements replaced go with their entries and gaps, in the transaction that writes their successors; their
            // files stay, as the proof of what the bank sent before.
            await db.StatementGaps.Where(g => replacing.Contains(g.BankStatementId)).ExecuteDeleteAsync(cancellationToken);
            await db.StatementEntries.Where(e => replacing.Contains(e.BankStatementId)).ExecuteDeleteAsync(cancellationToken);
            await db.BankStatements.Where(s => replacing.Contains(s.Id)).ExecuteDeleteAsync(cancellationToken);
            db.AuditEntries.Add(AuditEntry.Record(actor, "statement.replace", "BankStatement", string.Join(", ", seen.Select(s => s.StatementId)),
                null, new { bankCode, FileSha256 = sha }, now));
        }

        var file = new StatementFile
        {
            BankCode = bankCode, FileName = Path.GetFileName(fileName), Sha256 = sha, Message = read.Message!, ImportedAtUtc = now,
            ImportedBy = actor, Content = bytes,
        };
        db.StatementFiles.Add(file);
        await db.SaveChangesAsync(cancellationToken);
        var gaps = 0;
        foreach (var read1 in read.Statements)
        {
            var statement = new BankStatement
            {
                FileId = file.Id, BankCode = bankCode, StatementId = read1.StatementId, MessageId = read1.MessageId,
                CreatedAtUtc = read1.CreatedAtUtc, Account = read1.Account, FromUtc = read1.FromUtc, ToUtc = read1.ToUtc,
            };
            db.BankStatements.Add(statement);
            await db.SaveChangesAsync(cancellationToken);
            await EntryWriter.InsertAsync(db, statement.Id, read1.Entries, cancellationToken);
            gaps += await AddGapsAsync(db, statement, now, cancellationToken);
        }

        db.AuditEntries.Add(AuditEntry.Record(actor, "statement.import", "StatementFile", sha, null,
            new { bankCode, FileName = file.FileName, Statements = ids }, now));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var summary = Summary(ids, read.Message!, entries, duplicates: false);
        return new ImportOutcome.Imported(summary with { Breaks = summary.Breaks + gaps });
    }

    /// <summary>The most payments one statement records as not on it: beyond that the statement is plainly not this bank's day.</summary>
    public const int MaxGaps = 10_000;

    /// <summary>
    /// Records the payments the bank notified for the statement's period that no entry is (run after the entries are
    /// written, in the same transaction); returns how many.
    /// </summary>
    private static async Task<int> AddGapsAsync(PortalDbContext db, BankStatement statement, DateTime now, CancellationToken cancellationToken)
    {
        if (statement is not { FromUtc: { } from, ToUtc: { } to })
        {
            return 0;
        }

        var missing = await db.Payments.AsNoTracking()
            .Where(p => p.BankCode == statement.BankCode && p.BankDateUtc >= from && p.BankDateUtc <= to
                        && !db.StatementEntries.Any(e => e.PaymentId == p.Id))
            .OrderBy(p => p.Id).Select(p => p.Id).Take(MaxGaps).ToListAsync(cancellationToken);
        db.StatementGaps.AddRange(missing.Select(id => new StatementGap { BankStatementId = statement.Id, PaymentId = id, OpenedAtUtc = now }));
        await db.SaveChangesAsync(cancellationToken);
        return missing.Count;
    }

    /// <summary>Matches an import's booked credits by reference, then suggests a payment for those without one.</summary>
    private static async Task MatchAsync(PortalDbContext db, string bankCode, List<StatementEntry> entries, IReadOnlyCollection<long> replacing,
        CancellationToken cancellationToken)
    {
        var (taken, unmatched) = await MatchByReferenceAsync(db, bankCode, [.. entries.Where(e => e.IsReconciled)], replacing, cancellationToken);
        await SuggestAsync(db, bankCode, unmatched, taken, cancellationToken);
    }

    /// <summary>
    /// Matches credits by reference, for an import and for the rematch alike: a payment of the bank whose transaction id
    /// equals one of the entry's references and whose amount and currency are equal becomes the entry's; a reference
    /// match with another amount is an <c>amount_mismatch</c>, a payment another entry already is (outside the statements
    /// being <paramref name="replacing"/>) a <c>duplicate_entry</c>, and a credit without a reference match a
    /// <c>missing_payment</c>. Returns the payments entries now are, and the credits without a reference match.
    /// </summary>
    internal static async Task<(HashSet<long> Taken, List<StatementEntry> Unmatched)> MatchByReferenceAsync(PortalDbContext db, string bankCode,
        IReadOnlyList<StatementEntry> credits, IReadOnlyCollection<long> replacing, CancellationToken cancellationToken)
    {
        var payments = await PaymentsByReferenceAsync(db, bankCode, credits, cancellationToken);

        // Payments an entry of an earlier statement already is (in chunks: SQLite takes at most 32,766 parameters).
        var taken = new HashSet<long>();
        foreach (var chunk in payments.Values.Select(p => p.Id).Chunk(500))
        {
            taken.UnionWith(await db.StatementEntries.Where(e => e.PaymentId != null && chunk.Contains(e.PaymentId.Value)
                                                                 && !replacing.Contains(e.BankStatementId))
                .Select(e => e.PaymentId!.Value).ToListAsync(cancellationToken));
        }

        var unmatched = new List<StatementEntry>();
        foreach (var entry in credits)
        {
            var found = entry.References().Select(r => payments.TryGetValue(r, out var p) ? p : ((long Id, long AmountMinor, string Currency)?)null)
                .FirstOrDefault(p => p is not null);
            if (found is not { } payment)
            {
                entry.Break = StatementBreak.MissingPayment;
                unmatched.Add(entry);
            }
            else if (payment.AmountMinor != entry.AmountMinor || payment.Currency != entry.Currency)
            {
                entry.Break = StatementBreak.AmountMismatch;
            }
            else if (!taken.Add(payment.Id))
            {
                entry.Break = StatementBreak.DuplicateEntry;
            }
            else
            {
                (entry.PaymentId, entry.Break, entry.SuggestedPaymentId) = (payment.Id, null, null);
            }
        }

        return (taken, unmatched);
    }

    /// <summary>
    /// The bank's payments whose transaction id is one of the entries' references, by that id (in chunks: SQLite takes at
    /// most 32,766 parameters).
    /// </summary>
    internal static async Task<Dictionary<string, (long Id, long AmountMinor, string Currency)>> PaymentsByReferenceAsync(
        PortalDbContext db, string bankCode, IEnumerable<StatementEntry> entries, CancellationToken cancellationToken)
    {
        var payments = new Dictionary<string, (long Id, long AmountMinor, string Currency)>(StringComparer.Ordinal);
        foreach (var chunk in entries.SelectMany(e => e.References()).Distinct().Chunk(500))
        {
            foreach (var p in await db.Payments.AsNoTracking().Where(p => p.BankCode == bankCode && chunk.Contains(p.BankReference!))
                         .Select(p => new { p.Id, p.BankReference, p.AmountMinor, p.Currency }).ToListAsync(cancellationToken))
            {
                payments[p.BankReference!] = (p.Id, p.AmountMinor, p.Currency);
            }
        }

        return payments;
    }

    /// <summary>
    /// For credits without a reference match: a payment of the bank with the same amount and currency, paid at the bank
    /// within a day of the booking, whose payer reference the remittance information names and that no entry is yet —
    /// when exactly one fits, and staff have not rejected it for this entry. Set-based: one query per booking day and
    /// 500 amounts, not one per entry, so the rematch can look again every minute.
    /// </summary>
    internal static async Task SuggestAsync(PortalDbContext db, string bankCode, IEnumerable<StatementEntry> unmatched, HashSet<long> taken,
        CancellationToken cancellationToken)
    {
        foreach (var day in unmatched.Where(e => e is { Remittance: not null, BookingDate: not null, SuggestedPaymentId: null })
                     .GroupBy(e => e.BookingDate!.Value))
        {
            var midnight = day.Key.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
            var (from, to) = (midnight.AddDays(-1), midnight.AddDays(2));
            var candidates = new List<(long Id, long AmountMinor, string Currency, string PayerId)>();
            foreach (var amounts in day.Select(e => e.AmountMinor).Distinct().Chunk(500))
            {
                candidates.AddRange((await db.Payments.AsNoTracking()
                        .Where(p => p.BankCode == bankCode && amounts.Contains(p.AmountMinor) && p.BankDateUtc >= from && p.BankDateUtc < to
                                    && !db.StatementEntries.Any(e => e.PaymentId == p.Id))
                        .Select(p => new { p.Id, p.AmountMinor, p.Currency, p.PayerId }).ToListAsync(cancellationToken))
                    .Select(p => (p.Id, p.AmountMinor, p.Currency, p.PayerId)));
            }

            var byAmount = candidates.Where(c => !taken.Contains(c.Id)).ToLookup(c => (c.AmountMinor, c.Currency));
            foreach (var entry in day)
            {
                var fitting = byAmount[(entry.AmountMinor, entry.Currency)]
                    .Where(c => entry.Remittance!.Contains(c.PayerId, StringComparison.OrdinalIgnoreCase)).Take(2).ToList();
                if (fitting is [var only] && only.Id != entry.RejectedPaymentId)
                {
                    entry.SuggestedPaymentId = only.Id;
                }
            }
        }
    }

    private static async Task<ImportSummary> SummaryAsync(PortalDbContext db, long fileId, string message, bool duplicates, CancellationToken cancellationToken)
    {
        var statements = await db.BankStatements.AsNoTracking().Where(s => s.FileId == fileId).Include(s => s.Entries).ToListAsync(cancellationToken);
        return Summary([.. statements.Select(s => s.StatementId)], message, [.. statements.SelectMany(s => s.Entries)], duplicates);
    }

    private static ImportSummary Summary(List<string> statementIds, string message, List<StatementEntry> entries, bool duplicates)
    {
        static Dictionary<string, string> Totals(IEnumerable<StatementEntry> lines) => lines.GroupBy(e => e.Currency)
            .OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => Money.Format(g.Sum(e => e.AmountMinor), g.Key));
        return new ImportSummary(
            statementIds, message, entries.Count, entries.Count(e => e.IsCredit), entries.Count(e => !e.IsCredit),
            Totals(entries.Where(e => e.IsCredit)), Totals(entries.Where(e => !e.IsCredit)),
            NewEntries: duplicates ? 0 : entries.Count, Duplicates: duplicates ? entries.Count : 0,
            Matched: entries.Count(e => e.PaymentId != null), Suggested: entries.Count(e => e.SuggestedPaymentId != null && e.PaymentId == null),
            Breaks: entries.Count(e => e.Break != null));
    }

    private static ImportOutcome Refused(string reason) => new ImportOutcome.Refused(reason);
}

/// <summary>The statement file formats: ISO 20022 camt.053/054, or CSV by the bank's mapping.</summary>
public enum StatementFormat
{
    Camt,
    Csv,
}

/// <summary>What an import did, in the command line's <c>--json</c> terms.</summary>
public sealed record ImportSummary(
    List<string> StatementIds, string Message, int Entries, int Credits, int Debits, Dictionary<string, string> CreditTotal,
    Dictionary<string, string> DebitTotal, int NewEntries, int Duplicates, int Matched, int Suggested, int Breaks);

public abstract record ImportOutcome
{
    public sealed record Imported(ImportSummary Summary) : ImportOutcome;

    /// <summary>The same file was imported before: nothing was added.</summary>
    public sealed record AlreadyImported(ImportSummary Summary) : ImportOutcome;

    /// <summary>Nothing was stored, for this reason.</summary>
    public sealed record Refused(string Reason) : ImportOutcome;
}
