using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using MoMo.Portal.Data;
using MoMo.Portal.Reconciliation;

namespace MoMo.Portal.Bench;

/// <summary>
/// <c>reconcile [--entries 100000] [--unreferenced 0]</c>: a camt.053.001.02 statement with N credits, each naming one of
/// N payments already stored, imported and matched as <c>statements import</c> does (SQLite). With
/// <c>--unreferenced M</c> the last M credits carry references no payment has, so each becomes a missing payment that
/// the suggestion rule pairs with its payment (same amount, same day, payer named in the remittance). Reports the file
/// size, the import time and the process's peak memory.
/// </summary>
internal static class ReconcileBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var count = options.Get("entries", 100_000);
        var unreferenced = options.Get("unreferenced", 0);
        using var scratch = ScratchDirectory.Create("reconcile");
        var directory = scratch.Path;
        var builder = BenchPortal.CreateBuilder(directory);
        builder.Configuration["Routing:RunBackgroundJobs"] = "false";
        builder.AddPortal();
        await using var app = builder.Build();
        await app.Services.MigrateDatabaseAsync();
        await FillAsync(directory, count);
        var file = Path.Combine(directory, "statement.xml");
        await WriteStatementAsync(file, count, unreferenced);

        var stopwatch = Stopwatch.StartNew();
        await using (var stream = File.OpenRead(file))
        {
            var outcome = await app.Services.GetRequiredService<StatementImporter>().ImportAsync("bench", "statement.xml", stream, "bench", CancellationToken.None);
            stopwatch.Stop();
            if (outcome is not ImportOutcome.Imported { Summary: var summary })
            {
                Console.Error.WriteLine($"The import did not happen: {outcome}");
                return 1;
            }

            Console.WriteLine("| entries | file MB | import and match | entries/s | matched | suggested | breaks | peak RSS |");
            Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {summary.Entries:N0} | {new FileInfo(file).Length / 1048576.0:0.0} | {stopwatch.Elapsed.TotalSeconds:0.0} s | " +
                $"{summary.Entries / stopwatch.Elapsed.TotalSeconds:N0} | {summary.Matched:N0} | {summary.Suggested:N0} | {summary.Breaks:N0} | " +
                $"{Process.GetCurrentProcess().PeakWorkingSet64 / 1048576} MB |"));
        }

        return 0;
    }

    private static async Task FillAsync(string directory, int count)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "momo.db")}");
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await using (var bank = connection.CreateCommand())
        {
            bank.Transaction = transaction;
            bank.CommandText = $"INSERT INTO Banks (Code, Name, ApiKeyHash, ApiKeyHint, IsActive, CreatedAtUtc) VALUES ('bench', 'Bench', '{new string('0', 64)}', 'x', 1, '2026-01-01 00:00:00');";
            await bank.ExecuteNonQueryAsync();
        }

        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO Payments (PayerId, PartnerAccountId, BankCode, BankReference, AmountMinor, Currency, RequestFingerprint,
                ProofKey, BankDateUtc, ReceivedAtUtc, ProcessError, Status, AttemptCount, ScheduleStep, DeliveryId, NextAttemptAtUtc)
            VALUES ('payer1', 'partner1', 'bench', $reference, $amount, 'USD', 'fp', $proof, $at, $at, 0, 'Delivered', 1, 0, $delivery, NULL);
            """;
        var reference = insert.Parameters.Add("$reference", SqliteType.Text);
        var amount = insert.Parameters.Add("$amount", SqliteType.Integer);
        var proof = insert.Parameters.Add("$proof", SqliteType.Text);
        var at = insert.Parameters.Add("$at", SqliteType.Text);
        var delivery = insert.Parameters.Add("$delivery", SqliteType.Text);
        at.Value = s_bankDay.ToDateTime(new TimeOnly(12, 0)).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        for (var i = 0; i < count; i++)
        {
            reference.Value = $"T-{i}";
            amount.Value = 1000 + i;
            proof.Value = $"bench-{i}";
            delivery.Value = $"msg_bench_{i}";
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>Yesterday: the payments' bank date and the statement's booking date.</summary>
    private static readonly DateOnly s_bankDay = DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1));

    private static async Task WriteStatementAsync(string path, int count, int unreferenced)
    {
        var day = s_bankDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        await using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        await writer.WriteAsync("""
            <?xml version="1.0" encoding="UTF-8"?>
            <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
            <GrpHdr><MsgId>BENCH</MsgId><CreDtTm>2026-12-01T23:00:00Z</CreDtTm></GrpHdr>
            <Stmt><Id>BENCH-1</Id><Acct><Id><IBAN>UG00BENCH</IBAN></Id></Acct>
            """);
        for (var i = 0; i < count; i++)
        {
            var amount = ((1000 + i) / 100m).ToString("0.00", CultureInfo.InvariantCulture);
            await writer.WriteAsync(
                $"<Ntry><NtryRef>N-{i}</NtryRef><Amt Ccy=\"USD\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>" +
                $"<BookgDt><Dt>{day}</Dt></BookgDt><AcctSvcrRef>B-{i}</AcctSvcrRef><NtryDtls><TxDtls><Refs><EndToEndId>{(i >= count - unreferenced ? "X" : "T")}-{i}</EndToEndId></Refs>" +
                $"<RltdPties><Dbtr><Nm>Payer {i}</Nm></Dbtr></RltdPties><RmtInf><Ustrd>payer1 invoice {i}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n");
        }

        await writer.WriteAsync("</Stmt></BkToCstmrStmt></Document>\n");
    }
}
