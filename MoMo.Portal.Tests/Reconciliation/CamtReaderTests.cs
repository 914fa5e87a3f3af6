using System.Text;
using MoMo.Portal.Reconciliation;

namespace MoMo.Portal.Tests.Reconciliation;

/// <summary>The camt reader against the team's sample corpus (Samples/) and against hostile or broken files.</summary>
public sealed class CamtReaderTests
{
    internal static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "Reconciliation", "Samples", name);

    [Fact]
    public void A_camt_053_001_02_statement_reads_entries_batch_details_references_and_parties()
    {
        using var file = File.OpenRead(Sample("camt.053.001.02.xml"));

        var result = CamtReader.Read(file);

        Assert.Null(result.Error);
        Assert.Equal("camt.053.001.02", result.Message);
        var statement = Assert.Single(result.Statements);
        Assert.Equal(("STMT-20261201", "MSG-20261201-001", "UG12 3456 7890 1234 5678 90"), (statement.StatementId, statement.MessageId, statement.Account));
        Assert.Equal(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), statement.FromUtc);
        Assert.Equal(6, statement.Entries.Count); // five entries, one of them a batch of two
        var first = statement.Entries[0];
        Assert.Equal(("N-1", "BANK-REF-1", "T-1", "TX-1", 1250L, "USD"),
            (first.EntryReference, first.AccountServicerReference, first.EndToEndId, first.TransactionId, first.AmountMinor, first.Currency));
        Assert.Equal(("Payer One", "payer-1 school fees", "PMNT/RCDT/ESCT"), (first.DebtorName, first.Remittance, first.BankTransactionCode));
        Assert.Equal(new DateOnly(2026, 12, 1), first.BookingDate);
        var batch = statement.Entries.Where(e => e.EntryIndex == 2).ToList();
        Assert.Equal([(1, 1000L, "T-2"), (2, 2000L, "T-3")], batch.Select(e => (e.DetailIndex, e.AmountMinor, e.EndToEndId!)).ToList());
        Assert.False(statement.Entries.Single(e => e.EntryReference == "N-4").IsCredit);
        Assert.Equal("PDNG", statement.Entries.Single(e => e.EntryReference == "N-5").Status);
        Assert.Equal(4, statement.Entries.Count(e => e.IsReconciled)); // booked credits only
    }

    [Fact]
    public void Version_08_reads_its_status_code_party_name_uetr_and_a_currency_without_decimals()
    {
        using var file = File.OpenRead(Sample("camt.053.001.08.xml"));

        var entry = Assert.Single(Assert.Single(CamtReader.Read(file).Statements).Entries);

        Assert.Equal(("BOOK", "Payer Two", "6f1a2b3c-0d4e-4f5a-8b6c-7d8e9f0a1b2c", 50000L, "UGX"),
            (entry.Status, entry.DebtorName, entry.Uetr, entry.AmountMinor, entry.Currency));
        Assert.Equal(new DateOnly(2026, 12, 2), entry.BookingDate);
    }

    [Fact]
    public void A_camt_054_file_holding_two_notifications_reads_both()
    {
        using var file = File.OpenRead(Sample("camt.054.001.04.xml"));

        var result = CamtReader.Read(file);

        Assert.Equal("camt.054.001.04", result.Message);
        Assert.Equal(["NTF-1-A", "NTF-1-B"], result.Statements.Select(s => s.StatementId).ToArray());
        Assert.Equal("T-N2", result.Statements[1].Entries.Single().InstructionId);
    }

    [Theory]
    [InlineData("plain text, not XML", "not well-formed XML")]
    [InlineData("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.001.001.03\"><CstmrCdtTrfInitn/></Document>", "is not a supported message")]
    [InlineData("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.09\"><BkToCstmrStmt/></Document>", "is not a supported message")]
    [InlineData("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><Stmt><Id>S</Id><Ntry>", "not well-formed XML")]
    [InlineData("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;\">]><Document>&lol2;</Document>", "declares a DTD")]
    [InlineData("<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt><Stmt><Id>S-1</Id>" +
                "<Ntry><NtryRef>R-7</NtryRef><Amt Ccy=\"USD\">12.505</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts></Ntry></Stmt></BkToCstmrStmt></Document>",
        "Statement 'S-1', entry 1 (R-7): the amount '12.505' USD is not exact")]
    public void A_broken_or_hostile_file_is_refused_with_what_is_wrong_and_where(string content, string error)
    {
        var result = CamtReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(content)));

        Assert.Empty(result.Statements);
        Assert.Contains(error, result.Error, StringComparison.Ordinal);
    }
}
