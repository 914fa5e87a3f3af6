using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Reconciliation;
using MoMo.Portal.Tests.TestSupport;
using MoMo.Portal.Users;

namespace MoMo.Portal.Tests.Reconciliation;

/// <summary>Importing statements through the command line, matching them to real payments, on each database.</summary>
public abstract class StatementImportTests(DatabaseProvider provider) : IAsyncLifetime
{
    private PortalFactory _portal = default!;

    public async ValueTask InitializeAsync()
    {
        _portal = PortalFactory.On(provider);
        await _portal.InitializeAsync();
    }

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task A_statement_matches_credits_by_reference_and_keeps_the_differences_as_breaks()
    {
        var t1 = await _portal.PostPaymentAsync(PortalFactory.PartnerId, "12.50", "T-1");
        var t2 = await _portal.PostPaymentAsync(PortalFactory.PartnerId, "10.00", "T-2");
        await _portal.PostPaymentAsync(PortalFactory.PartnerId, "25.00", "T-3"); // the statement says 20.00

        var run = await ImportAsync("camt.053.001.02.xml", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var summary = json.RootElement;
        Assert.Equal("camt.053.001.02", summary.GetProperty("message").GetString());
        Assert.Equal(["STMT-20261201"], summary.GetProperty("statement_ids").EnumerateArray().Select(e => e.GetString()).ToArray());
        Assert.Equal((6, 5, 1, 6, 0), (summary.GetProperty("entries").GetInt32(), summary.GetProperty("credits").GetInt32(),
            summary.GetProperty("debits").GetInt32(), summary.GetProperty("new_entries").GetInt32(), summary.GetProperty("duplicates").GetInt32()));
        Assert.Equal("148.50", summary.GetProperty("credit_total").GetProperty("USD").GetString());
        Assert.Equal("1.25", summary.GetProperty("debit_total").GetProperty("USD").GetString());
        Assert.Equal((2, 2), (summary.GetProperty("matched").GetInt32(), summary.GetProperty("breaks").GetInt32()));
        await using var db = _portal.CreateDbContext();
        var entries = await db.StatementEntries.AsNoTracking().ToListAsync(Ct);
        Assert.Equal(t1, entries.Single(e => e.EndToEndId == "T-1").PaymentId);
        Assert.Equal(t2, entries.Single(e => e.EndToEndId == "T-2").PaymentId);
        Assert.Equal(StatementBreak.AmountMismatch, entries.Single(e => e.EndToEndId == "T-3").Break);
        Assert.Equal(StatementBreak.MissingPayment, entries.Single(e => e.EntryReference == "N-3").Break);
        Assert.Null(entries.Single(e => e.EntryReference == "N-5").Break); // pending: not reconciled yet
        var file = await db.StatementFiles.SingleAsync(Ct);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file.Content)), file.Sha256);
        Assert.Equal(await File.ReadAllBytesAsync(CamtReaderTests.Sample("camt.053.001.02.xml"), Ct), file.Content);
    }

    [Fact]
    public async Task The_same_file_again_adds_nothing_and_another_file_reusing_a_statement_id_is_refused_storing_nothing()
    {
        await ImportAsync("camt.053.001.02.xml");
        var again = await ImportAsync("camt.053.001.02.xml", "--json");
        using var directory = new TempDirectory();
        var altered = Path.Combine(directory.Path, "altered.xml");
        await File.WriteAllTextAsync(altered, (await File.ReadAllTextAsync(CamtReaderTests.Sample("camt.053.001.02.xml"), Ct))
            .Replace("12.50", "12.60", StringComparison.Ordinal), Ct);
        var reused = await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "import", altered, "--bank", PortalFactory.BankCode);

        Assert.Equal(0, again.ExitCode);
        using var json = JsonDocument.Parse(again.Output);
        Assert.Equal((0, 6), (json.RootElement.GetProperty("new_entries").GetInt32(), json.RootElement.GetProperty("duplicates").GetInt32()));
        Assert.Equal(1, reused.ExitCode);
        Assert.Contains("STMT-20261201 was imported before", reused.Error, StringComparison.Ordinal);
        await using var db = _portal.CreateDbContext();
        Assert.Equal((1, 1, 6), (await db.StatementFiles.CountAsync(Ct), await db.BankStatements.CountAsync(Ct), await db.StatementEntries.CountAsync(Ct)));
    }

    [Fact]
    public async Task An_admin_replaces_a_statement_on_purpose_and_its_matches_are_made_again_from_the_new_file()
    {
        var t1 = await _portal.PostPaymentAsync(PortalFactory.PartnerId, "12.50", "T-1");
        await ImportAsync("camt.053.001.02.xml");
        var accounts = _portal.Services.GetRequiredService<Portal.Users.UserAccounts>();
        await accounts.CreateAsync("admin@momo.test", Roles.Admin, "a-long-test-password", "test");
        await accounts.CreateAsync("ops@momo.test", Roles.Operator, "a-long-test-password", "test");
        using var directory = new TempDirectory();
        var corrected = Path.Combine(directory.Path, "corrected.xml");
        await File.WriteAllTextAsync(corrected, (await File.ReadAllTextAsync(CamtReaderTests.Sample("camt.053.001.02.xml"), Ct))
            .Replace("<Amt Ccy=\"USD\">7.00</Amt>", "<Amt Ccy=\"USD\">7.50</Amt>", StringComparison.Ordinal), Ct);

        var byOperator = await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "import", corrected, "--bank", PortalFactory.BankCode,
            "--replace", "--by", "ops@momo.test");
        var byAdmin = await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "import", corrected, "--bank", PortalFactory.BankCode,
            "--replace", "--by", "admin@momo.test");

        Assert.NotEqual(0, byOperator.ExitCode);
        Assert.Contains("is not an Admin", byOperator.Error, StringComparison.Ordinal);
        Assert.True(byAdmin.ExitCode == 0, byAdmin.Error);
        await using var db = _portal.CreateDbContext();
        Assert.Equal((2, 1, 6), (await db.StatementFiles.CountAsync(Ct), await db.BankStatements.CountAsync(Ct), await db.StatementEntries.CountAsync(Ct)));
        Assert.Equal(750L, (await db.StatementEntries.SingleAsync(e => e.EntryReference == "N-3", Ct)).AmountMinor);
        Assert.Equal(t1, (await db.StatementEntries.SingleAsync(e => e.EndToEndId == "T-1", Ct)).PaymentId); // matched again, not a duplicate
        Assert.Equal("admin@momo.test", (await db.AuditEntries.SingleAsync(a => a.Action == "statement.replace", Ct)).Actor);
    }

    [Fact]
    public async Task A_refused_file_stores_nothing_and_says_why_naming_the_entry()
    {
        using var directory = new TempDirectory();
        var bad = Path.Combine(directory.Path, "bad.xml");
        await File.WriteAllTextAsync(bad, (await File.ReadAllTextAsync(CamtReaderTests.Sample("camt.054.001.04.xml"), Ct))
            .Replace("6.00", "6.001", StringComparison.Ordinal), Ct);

        var run = await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "import", bad, "--bank", PortalFactory.BankCode);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("bad.xml: Statement 'NTF-1-B', entry 1", run.Error, StringComparison.Ordinal);
        await using var db = _portal.CreateDbContext();
        Assert.Equal(0, await db.StatementFiles.CountAsync(Ct) + await db.StatementEntries.CountAsync(Ct));
    }

    [Fact]
    public async Task A_payment_notified_after_its_statement_is_matched_by_the_rematch_and_a_break_is_closed_by_an_operator_with_a_note()
    {
        await ImportAsync("camt.054.001.04.xml"); // no payment yet: two missing-payment breaks
        var breaks = _portal.Services.GetRequiredService<BreakQueue>();
        var before = await breaks.OpenAsync(null, 10, Ct);
        var late = await _portal.PostPaymentAsync(PortalFactory.PartnerId, "5.00", "T-N1"); // the bank's notification, late

        var matched = await breaks.RematchAsync(Ct);
        await _portal.Services.GetRequiredService<Portal.Users.UserAccounts>().CreateAsync("ops@momo.test", Roles.Operator, "a-long-test-password", "test");
        await _portal.Services.GetRequiredService<Portal.Users.UserAccounts>().CreateAsync("viewer@momo.test", Roles.Viewer, "a-long-test-password", "test");
        var remaining = Assert.Single(await breaks.OpenAsync(PortalFactory.BankCode, 10, Ct));
        var list = await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "breaks", "--json");
        var viewer = await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "close-break", "--entry", $"{remaining.EntryId}",
            "--note", "looked", "--by", "viewer@momo.test");
        var close = await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "close-break", "--entry", $"{remaining.EntryId}",
            "--note", "Refunded to the payer by the bank on 2026-12-02.", "--by", "ops@momo.test");

        Assert.Equal(2, before.Count);
        Assert.All(before, b => Assert.Equal(StatementBreak.MissingPayment, b.Kind));
        Assert.Equal(1, matched);
        Assert.Equal("T-N2", remaining.Reference);
        Assert.Contains("\"kind\": \"missing_payment\"", list.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, viewer.ExitCode);
        Assert.Equal(0, close.ExitCode);
        Assert.Empty(await breaks.OpenAsync(null, 10, Ct));
        await using var db = _portal.CreateDbContext();
        Assert.Equal(late, (await db.StatementEntries.SingleAsync(e => e.TransactionId == "T-N1", Ct)).PaymentId);
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == "statement.break.close", Ct);
        Assert.Equal("ops@momo.test", audit.Actor);
    }

    [Fact]
    public async Task A_credit_without_a_reference_match_gets_the_one_payment_its_remittance_names_as_a_suggestion_that_staff_confirm()
    {
        var payment = await _portal.PostPaymentAsync(PortalFactory.PartnerId, "8.00", "T-S");
        await _portal.PostPaymentAsync(PortalFactory.PartnerId, "8.00", "T-OTHER", payer: PortalFactory.PayerId); // same payer, same amount
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "suggest.xml");
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(file, $$"""
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>S</MsgId></GrpHdr>
            <Stmt><Id>SUGGEST-1</Id>
              <Ntry><Amt Ccy="USD">8.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{{today}}</Dt></BookgDt>
                <AcctSvcrRef>BANK-OWN-7</AcctSvcrRef>
                <NtryDtls><TxDtls><RmtInf><Ustrd>fees for {{PortalFactory.PayerId}}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
            </Stmt></BkToCstmrStmt></Document>
            """, Ct);
        var twoCandidates = await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "import", file, "--bank", PortalFactory.BankCode, "--json");
        using var json = JsonDocument.Parse(twoCandidates.Output);

        // Two payments fit (same payer, amount and day): no suggestion, the break stays a plain missing payment.
        Assert.Equal(0, json.RootElement.GetProperty("suggested").GetInt32());
        await using (var db = _portal.CreateDbContext())
        {
            // The other payment turns out to be of another amount: one candidate is left, and suggesting again finds it.
            await db.Payments.Where(p => p.BankReference == "T-OTHER").ExecuteUpdateAsync(s => s.SetProperty(p => p.AmountMinor, 900L), Ct);
            await db.StatementEntries.ExecuteUpdateAsync(s => s.SetProperty(e => e.SuggestedPaymentId, (long?)null), Ct);
            var entries = await db.StatementEntries.ToListAsync(Ct);
            await MoMo.Portal.Reconciliation.StatementImporter.SuggestAsync(db, PortalFactory.BankCode, entries, [], Ct);
            await db.SaveChangesAsync(Ct);
        }

        await _portal.Services.GetRequiredService<Portal.Users.UserAccounts>().CreateAsync("ops@momo.test", Roles.Operator, "a-long-test-password", "test");
        var open = Assert.Single(await _portal.Services.GetRequiredService<BreakQueue>().OpenAsync(null, 10, Ct));
        var decide = await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "decide", "--entry", $"{open.EntryId}", "--confirm",
            "--by", "ops@momo.test");

        Assert.Equal(payment, open.SuggestedPaymentId);
        Assert.Equal(0, decide.ExitCode);
        Assert.Empty(await _portal.Services.GetRequiredService<BreakQueue>().OpenAsync(null, 10, Ct));
        await using var check = _portal.CreateDbContext();
        Assert.Equal(payment, (await check.StatementEntries.SingleAsync(Ct)).PaymentId);
    }

    [Fact]
    public async Task The_rematch_suggests_a_payment_that_arrives_after_the_statement_and_never_again_once_staff_reject_it()
    {
        using var directory = new TempDirectory();
        var file = Path.Combine(directory.Path, "later.xml");
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(file, $$"""
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>L</MsgId></GrpHdr>
            <Stmt><Id>LATER-1</Id>
              <Ntry><Amt Ccy="USD">7.25</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>{{today}}</Dt></BookgDt>
                <AcctSvcrRef>BANK-OWN-9</AcctSvcrRef>
                <NtryDtls><TxDtls><RmtInf><Ustrd>school fees {{PortalFactory.PayerId}}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
            </Stmt></BkToCstmrStmt></Document>
            """, Ct);
        await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "import", file, "--bank", PortalFactory.BankCode);
        var breaks = _portal.Services.GetRequiredService<BreakQueue>();
        var before = Assert.Single(await breaks.OpenAsync(null, 10, Ct));

        var late = await _portal.PostPaymentAsync(PortalFactory.PartnerId, "7.25", "T-LATER"); // its own reference: no reference match
        await breaks.RematchAsync(Ct);
        var suggested = Assert.Single(await breaks.OpenAsync(null, 10, Ct));
        var rejected = await breaks.DecideSuggestionAsync(suggested.EntryId, confirm: false, "ops@momo.test", Ct);
        await breaks.RematchAsync(Ct);
        var after = Assert.Single(await breaks.OpenAsync(null, 10, Ct));

        Assert.Null(before.SuggestedPaymentId);
        Assert.Equal(late, suggested.SuggestedPaymentId);
        Assert.True(rejected.Succeeded);
        Assert.Null(after.SuggestedPaymentId);
        Assert.Equal(StatementBreak.MissingPayment, after.Kind);
    }

    [Fact]
    public async Task Two_statements_naming_one_payment_imported_at_once_both_import_and_only_one_entry_is_the_payment()
    {
        using var directory = new TempDirectory();
        var importer = _portal.Services.GetRequiredService<StatementImporter>();
        for (var round = 0; round < 4; round++)
        {
            var payment = await _portal.PostPaymentAsync(PortalFactory.PartnerId, "3.00", $"T-RACE-{round}");
            var files = Enumerable.Range(0, 2).Select(i => System.Text.Encoding.UTF8.GetBytes($$"""
                <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.04"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>R{{round}}-{{i}}</MsgId></GrpHdr>
                <Ntfctn><Id>RACE-{{round}}-{{i}}</Id>
                  <Ntry><Amt Ccy="USD">3.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>
                    <NtryDtls><TxDtls><Refs><EndToEndId>T-RACE-{{round}}</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>
                </Ntfctn></BkToCstmrDbtCdtNtfctn></Document>
                """)).ToList();

            var outcomes = await Task.WhenAll(files.Select((bytes, i) => Task.Run(() =>
                importer.ImportAsync(PortalFactory.BankCode, $"race-{round}-{i}.xml", new MemoryStream(bytes), "test", Ct), Ct)));

            Assert.All(outcomes, o => Assert.IsType<ImportOutcome.Imported>(o));
            await using var db = _portal.CreateDbContext();
            var entries = await db.StatementEntries.AsNoTracking().Where(e => e.EndToEndId == $"T-RACE-{round}").ToListAsync(Ct);
            Assert.Equal(2, entries.Count);
            Assert.Equal(payment, Assert.Single(entries, e => e.PaymentId != null).PaymentId);
            Assert.Equal(StatementBreak.DuplicateEntry, Assert.Single(entries, e => e.PaymentId == null).Break);
        }
    }

    [Fact]
    public async Task The_report_gives_per_day_the_credits_matched_and_open_breaks_with_counts_and_sums()
    {
        await _portal.PostPaymentAsync(PortalFactory.PartnerId, "12.50", "T-1");
        await _portal.PostPaymentAsync(PortalFactory.PartnerId, "10.00", "T-2");
        await _portal.PostPaymentAsync(PortalFactory.PartnerId, "25.00", "T-3");
        await ImportAsync("camt.053.001.02.xml");

        var run = await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "report", "--bank", PortalFactory.BankCode,
            "--from", "2026-12-01", "--to", "2026-12-01", "--json");

        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        var day = Assert.Single(json.RootElement.EnumerateArray().ToList());
        Assert.Equal("2026-12-01", day.GetProperty("day").GetString());
        string Figure(JsonElement figures) => $"{figures.GetProperty("USD").GetProperty("count").GetInt32()} · {figures.GetProperty("USD").GetProperty("amount").GetString()}";
        Assert.Equal("4 · 49.50", Figure(day.GetProperty("credits"))); // booked credits, the batch as its two transfers; not the pending one
        Assert.Equal("2 · 22.50", Figure(day.GetProperty("matched")));
        Assert.Equal("1 · 20.00", Figure(day.GetProperty("open_breaks").GetProperty("amount_mismatch")));
        Assert.Equal("1 · 7.00", Figure(day.GetProperty("open_breaks").GetProperty("missing_payment")));
    }

    [Fact]
    public async Task A_csv_statement_reads_by_the_banks_mapping_and_matches_like_a_camt_one()
    {
        var t1 = await _portal.PostPaymentAsync(PortalFactory.PartnerId, "12.50", "T-1");
        var noMapping = await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "import", CamtReaderTests.Sample("statement-semicolon.csv"),
            "--bank", PortalFactory.BankCode, "--format", "csv");
        var set = await CommandLineRunner.RunOnAsync(_portal.Services, "bank", "set", "--code", PortalFactory.BankCode,
            "--statement-csv-mapping", CamtReaderTests.Sample("mapping-semicolon.json"));

        var run = await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "import", CamtReaderTests.Sample("statement-semicolon.csv"),
            "--bank", PortalFactory.BankCode, "--format", "csv", "--json");

        Assert.Equal(1, noMapping.ExitCode);
        Assert.Contains("has no CSV statement mapping", noMapping.Error, StringComparison.Ordinal);
        Assert.Equal(0, set.ExitCode);
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal((3, 2, 1), (json.RootElement.GetProperty("entries").GetInt32(), json.RootElement.GetProperty("credits").GetInt32(),
            json.RootElement.GetProperty("debits").GetInt32()));
        Assert.Equal("1032.50", json.RootElement.GetProperty("credit_total").GetProperty("USD").GetString());
        Assert.Equal((1, 1), (json.RootElement.GetProperty("matched").GetInt32(), json.RootElement.GetProperty("breaks").GetInt32()));
        await using var db = _portal.CreateDbContext();
        var quoted = await db.StatementEntries.SingleAsync(e => e.EndToEndId == "T-9", Ct);
        Assert.Equal(("Doe; Jane", "big \"transfer\"", 102000L), (quoted.DebtorName, quoted.Remittance, quoted.AmountMinor));
        Assert.Equal(t1, (await db.StatementEntries.SingleAsync(e => e.EndToEndId == "T-1", Ct)).PaymentId);
    }

    [Fact]
    public async Task A_csv_row_that_does_not_fit_the_mapping_refuses_the_file_naming_the_row()
    {
        await CommandLineRunner.RunOnAsync(_portal.Services, "bank", "set", "--code", PortalFactory.BankCode,
            "--statement-csv-mapping", CamtReaderTests.Sample("mapping-semicolon.json"));
        using var directory = new TempDirectory();
        var bad = Path.Combine(directory.Path, "bad.csv");
        await File.WriteAllTextAsync(bad, "Buchungstag;Valuta;Betrag;Waehrung;Referenz;Bankreferenz;Auftraggeber;Verwendungszweck\n" +
                                          "01.12.2026;01.12.2026;5,00;USD;A;B;C;D\n2026-12-01;01.12.2026;5,00;USD;A;B;C;D\n", Ct);
        var wrongColumns = Path.Combine(directory.Path, "columns.csv");
        await File.WriteAllTextAsync(wrongColumns, "Date,Amount\n2026-12-01,5.00\n", Ct);

        var badRow = await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "import", bad, "--bank", PortalFactory.BankCode, "--format", "csv");
        var badColumns = await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "import", wrongColumns, "--bank", PortalFactory.BankCode, "--format", "csv");

        Assert.Equal((1, 1), (badRow.ExitCode, badColumns.ExitCode));
        Assert.Contains("row 2: the booking date '2026-12-01' is not in the format dd.MM.yyyy", badRow.Error, StringComparison.Ordinal);
        Assert.Contains("has no column 'Buchungstag'", badColumns.Error, StringComparison.Ordinal);
        await using var db = _portal.CreateDbContext();
        Assert.Equal(0, await db.StatementEntries.CountAsync(Ct));
    }

    [Fact]
    public async Task A_payment_notified_for_a_day_the_statement_covers_but_not_on_it_is_a_break_that_closes_when_an_entry_matches_it()
    {
        var covered = await PostForDayAsync("11.00", "T-GAP", new DateTime(2026, 12, 1, 9, 0, 0, DateTimeKind.Utc));
        var onStatement = await PostForDayAsync("12.50", "T-1", new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc));
        await PostForDayAsync("13.00", "T-NEXT-DAY", new DateTime(2026, 12, 2, 10, 0, 0, DateTimeKind.Utc)); // after the period

        var run = await ImportAsync("camt.053.001.02.xml", "--json");
        var breaks = _portal.Services.GetRequiredService<BreakQueue>();
        var gap = Assert.Single(await breaks.OpenAsync(null, 50, Ct), b => b.Kind == StatementBreak.NotOnStatement);

        using var json = JsonDocument.Parse(run.Output);
        Assert.Equal(4, json.RootElement.GetProperty("breaks").GetInt32()); // missing payments for N-3 and the two batch lines, and this gap
        Assert.Equal((covered, 1100L), (gap.PaymentId, gap.AmountMinor));
        Assert.DoesNotContain(await breaks.OpenAsync(null, 50, Ct), b => b.PaymentId == onStatement);
        var report = await CommandLineRunner.RunOnAsync(_portal.Services, "statements", "report", "--bank", PortalFactory.BankCode,
            "--from", "2026-12-01", "--to", "2026-12-01", "--json");
        using (var days = JsonDocument.Parse(report.Output))
        {
            var notOn = days.RootElement[0].GetProperty("open_breaks").GetProperty("not_on_statement").GetProperty("USD");
            Assert.Equal((1, "11.00"), (notOn.GetProperty("count").GetInt32(), notOn.GetProperty("amount").GetString()));
        }

        await using (var db = _portal.CreateDbContext())
        {
            // A later notification's entry names the payment: the gap closes by itself at the next rematch.
            var entry = await db.StatementEntries.FirstAsync(e => e.EntryReference == "N-3", Ct);
            entry.PaymentId = covered;
            entry.Break = null;
            await db.SaveChangesAsync(Ct);
        }

        await breaks.RematchAsync(Ct);

        Assert.DoesNotContain(await breaks.OpenAsync(null, 50, Ct), b => b.Kind == StatementBreak.NotOnStatement);
    }

    [Fact]
    public async Task Staff_create_a_missing_payment_from_its_entry_through_ingestion_rules_with_the_entry_as_its_proof_and_only_once()
    {
        await ImportAsync("camt.054.001.04.xml");
        await _portal.Services.GetRequiredService<Portal.Users.UserAccounts>().CreateAsync("ops@momo.test", Roles.Operator, "a-long-test-password", "test");
        long entryId;
        await using (var read = _portal.CreateDbContext())
        {
            entryId = (await read.StatementEntries.SingleAsync(e => e.InstructionId == "T-N2", Ct)).Id;
        }

        var unknownPayer = await CreatePaymentAsync(entryId, PortalFactory.PartnerId, "nobody-known");
        var created = await CreatePaymentAsync(entryId, PortalFactory.PartnerId, PortalFactory.PayerId);
        var again = await CreatePaymentAsync(entryId, PortalFactory.PartnerId, PortalFactory.PayerId);
        using var client = _portal.CreateClient();
        var bankLate = await client.SendAsync(BankRequests.Post(BankRequests.Body(amount: "6.00", transactionId: "T-N2"), _portal.BankApiKey), Ct);

        Assert.Equal(1, unknownPayer.ExitCode);
        Assert.Contains("There is no payer nobody-known", unknownPayer.Error, StringComparison.Ordinal);
        Assert.True(created.ExitCode == 0, created.Error);
        Assert.Contains("due for delivery", created.Output, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("no open missing-payment break", again.Error, StringComparison.Ordinal);
        Assert.NotEqual(System.Net.HttpStatusCode.Created, bankLate.StatusCode); // one payment per transaction id, whoever comes second
        await using var db = _portal.CreateDbContext();
        var payment = await db.Payments.AsNoTracking().SingleAsync(Ct);
        Assert.Equal(("T-N2", 600L, "USD", PortalFactory.PayerId, PortalFactory.PartnerId),
            (payment.BankReference, payment.AmountMinor, payment.Currency, payment.PayerId, payment.PartnerAccountId));
        var entry = await db.StatementEntries.AsNoTracking().SingleAsync(e => e.Id == entryId, Ct);
        Assert.Equal((payment.Id, (StatementBreak?)null), (entry.PaymentId, entry.Break));
        var proof = await _portal.Services.GetRequiredService<Portal.Ingestion.IProofStore>().LoadAsync(payment.ProofKey!, db, Ct);
        Assert.NotNull(proof);
        Assert.Equal(EntryPayments.ProofMethod, proof.Request.Method);
        var file = await db.StatementFiles.AsNoTracking().SingleAsync(Ct);
        Assert.Contains(proof.Request.Headers, h => h is { Key: "X-Statement-File-Sha256" } && h.Value == file.Sha256);
        Assert.Contains(proof.Request.Headers, h => h is { Key: "X-Created-By", Value: "ops@momo.test" });
        var audit = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == "statement.payment.create", Ct);
        Assert.Equal("ops@momo.test", audit.Actor);
    }

    [Fact]
    public async Task A_payment_created_from_an_entry_for_an_unknown_payer_follows_the_banks_hold_policy_into_suspense()
    {
        await _portal.Services.GetRequiredService<Portal.Banks.BankService>().SetUnknownReferenceAsync(
            PortalFactory.BankCode, Portal.Banks.UnknownReferencePolicy.Hold, "test", Ct);
        await ImportAsync("camt.054.001.04.xml");
        await using var db = _portal.CreateDbContext();
        var entryId = (await db.StatementEntries.SingleAsync(e => e.TransactionId == "T-N1", Ct)).Id;

        var badPartner = await _portal.Services.GetRequiredService<EntryPayments>().CreateAsync(entryId, "  ", PortalFactory.PayerId, "ops@momo.test", Ct);
        var held = await _portal.Services.GetRequiredService<EntryPayments>().CreateAsync(entryId, PortalFactory.PartnerId, "payer-new", "ops@momo.test", Ct);

        Assert.Contains("Partner", badPartner.Errors.Keys);
        Assert.True(held.Succeeded, string.Join(" ", held.Errors.Values));
        Assert.Equal(PaymentStatus.Suspense, held.Value!.Status);
        Assert.True(await db.SuspenseCases.AnyAsync(c => c.PaymentId == held.Value.Id, Ct));
        Assert.Equal(1, await db.Payments.CountAsync(Ct));
    }

    private Task<CommandRun> CreatePaymentAsync(long entryId, string partner, string payer) =>
        CommandLineRunner.RunOnAsync(_portal.Services, "statements", "create-payment", "--entry", $"{entryId}", "--partner", partner,
            "--payer", payer, "--by", "ops@momo.test");

    /// <summary>A payment whose bank date the bank gave (<c>payment_bank_date</c> in the request).</summary>
    private async Task<long> PostForDayAsync(string amount, string transactionId, DateTime bankDate)
    {
        using var client = _portal.CreateClient();
        var body = System.Text.Json.Nodes.JsonNode.Parse(BankRequests.Body(amount: amount, transactionId: transactionId))!.AsObject();
        body["payment_bank_date"] = bankDate.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var response = await client.SendAsync(BankRequests.Post(body.ToJsonString(), _portal.BankApiKey), Ct);
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        return (await response.JsonAsync()).GetProperty("id").GetInt64();
    }

    private Task<CommandRun> ImportAsync(string sample, params string[] extra) =>
        CommandLineRunner.RunOnAsync(_portal.Services, ["statements", "import", CamtReaderTests.Sample(sample), "--bank", PortalFactory.BankCode, .. extra]);
}

public sealed class StatementImportOnSqliteTests() : StatementImportTests(DatabaseProvider.Sqlite);

public sealed class StatementImportOnPostgresTests() : StatementImportTests(DatabaseProvider.Postgres);
