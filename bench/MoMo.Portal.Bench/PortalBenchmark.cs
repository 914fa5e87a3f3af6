using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal;
using MoMo.Portal.Components.Pages.Dashboard;
using MoMo.Portal.Components.Pages.Partners;
using MoMo.Portal.Components.Pages.Payments;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Bench;

/// <summary>
/// Server time of the Payments page's queries over a large database: the same code the page runs
/// (<see cref="PaymentRow.PageAsync"/>), on a SQLite file filled with N payments.
/// </summary>
internal static class PortalBenchmark
{
    private static readonly string[] s_currencies = ["USD", "UGX", "KES"];

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var count = options.Get("payments", 1_000_000);
        var directory = options.Get("data", Path.Combine(Path.GetTempPath(), $"momo-bench-portal-{count}"));
        Directory.CreateDirectory(directory);

        var builder = BenchPortal.CreateBuilder(directory);
        builder.AddPortal();
        await using var app = builder.Build();
        await app.Services.MigrateDatabaseAsync();
        var factory = app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

        var existing = await CountAsync(factory);
        if (existing < count)
        {
            var fill = Stopwatch.StartNew();
            await FillAsync(directory, existing, count);
            Console.WriteLine($"filled {count - existing:N0} payments in {fill.Elapsed.TotalSeconds:0.0} s");
        }

        // The dashboard reads the business days' running totals: fold what the fill (or an earlier version) left unfolded.
        var folding = Stopwatch.StartNew();
        var folded = await app.Services.GetRequiredService<MoMo.Portal.Days.TotalsFolder>().FoldAsync(CancellationToken.None);
        if (folded > 0)
        {
            Console.WriteLine($"folded the payments into the running totals in {folded:N0} writer turns, {folding.Elapsed.TotalSeconds:0.0} s");
        }

        // On SQLite the payer filter and the sorts by payer and amount read the payments' keys file: copy what the fill left.
        var copying = Stopwatch.StartNew();
        var copied = await app.Services.GetRequiredService<MoMo.Portal.Data.Sqlite.SqlitePaymentKeysWriter>().CatchUpAsync(CancellationToken.None);
        if (copied > 0)
        {
            Console.WriteLine($"copied {copied:N0} payments' keys in {copying.Elapsed.TotalSeconds:0.0} s");
        }

        Console.WriteLine($"database: {Path.Combine(directory, "momo.db")} ({new FileInfo(Path.Combine(directory, "momo.db")).Length / 1024 / 1024:N0} MB, {count:N0} payments)");
        Console.WriteLine();
        Console.WriteLine("| query | median ms | p95 ms | rows | total |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var weekAgo = DateTime.UtcNow.Date.AddDays(-7);
        await MeasureAsync(factory, "first page (newest first)", new PaymentFilter(), null, true);
        await MeasureAsync(factory, "status=Errored, partner=partner-7, sorted by amount", new PaymentFilter { Status = "Errored", Partner = "partner-7" }, "Amount", true);
        await MeasureAsync(factory, "last 7 days, currency=KES, sorted by payer", new PaymentFilter { From = weekAgo, Currency = "KES" }, "PayerId", false);
        await MeasureAsync(factory, "payer=payer-123", new PaymentFilter { Payer = "payer-123" }, null, true);
        await MeasureAsync(factory, "partner=partner-3, newest first", new PaymentFilter { Partner = "partner-3" }, null, true);
        await MeasureAsync(factory, "status=Errored, newest first", new PaymentFilter { Status = "Errored" }, null, true);
        await MeasureAsync(factory, "search by bank transaction id", new PaymentFilter { Search = $"TX-{count / 2}" }, null, true);
        await MeasureAsync(factory, "search by payer reference", new PaymentFilter { Search = "payer-123" }, null, true);
        await MeasureAsync(factory, "all payments sorted by amount, largest first", new PaymentFilter(), "Amount", true);
        await MeasureAsync(factory, "page 40 of all payments sorted by payer", new PaymentFilter(), "PayerId", false, page: 40);
        await MeasureAsync(factory, "all payments sorted by partner", new PaymentFilter(), "PartnerAccountId", false);
        await MeasureAsync(factory, "status=Held (partner disabled)", new PaymentFilter { Status = PaymentFilter.HeldStatus }, null, true);
        await MeasureAsync(factory, "page 400 of the unfiltered list", new PaymentFilter(), null, true, page: 400);
        await MeasureDashboardAsync(factory, app.Services.GetRequiredService<MoMo.Portal.Days.DayTotalsReader>());
        await MeasurePartnersAsync(factory);
        return 0;
    }

    private static async Task<int> CountAsync(IDbContextFactory<PortalDbContext> factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.Payments.CountAsync();
    }

    private static async Task MeasureAsync(IDbContextFactory<PortalDbContext> factory, string name, PaymentFilter filter,
        string? sortBy, bool descending, int page = 0)
    {
        var times = new List<double>();
        var (rows, total) = (0, 0);
        for (var i = 0; i < 25; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            await using var db = await factory.CreateDbContextAsync();
            var result = await PaymentRow.PageAsync(db, filter, sortBy, descending, page, 25, CancellationToken.None);
            stopwatch.Stop();
            (rows, total) = (result.Rows.Count, result.Total);
            if (i >= 5)
            {
                times.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }

        Report(name, times, rows, total);
    }

    private static async Task MeasureDashboardAsync(IDbContextFactory<PortalDbContext> factory, MoMo.Portal.Days.DayTotalsReader totals)
    {
        var times = new List<double>();
        for (var i = 0; i < 15; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            await using var db = await factory.CreateDbContextAsync();
            await DashboardStats.LoadAsync(db, totals, DateTime.UtcNow, TimeSpan.FromHours(24), CancellationToken.None);
            if (i >= 3)
            {
                times.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }

        Report("dashboard (all its queries)", times, 0, 0);
    }

    private static async Task MeasurePartnersAsync(IDbContextFactory<PortalDbContext> factory)
    {
        var times = new List<double>();
        var partners = 0;
        for (var i = 0; i < 15; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            await using var db = await factory.CreateDbContextAsync();
            partners = (await PartnerHealth.LoadAsync(db, null, CancellationToken.None)).Count;
            if (i >= 3)
            {
                times.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }

        Report("partners list, with each partner's waiting and errored counts", times, partners, partners);
    }

    private static void Report(string name, List<double> times, int rows, int total)
    {
        times.Sort();
        Console.WriteLine($"| {name} | {times[times.Count / 2]:0.0} | {times[(int)(times.Count * 0.95)]:0.0} | {rows} | {total:N0} |");
    }

    /// <summary>Bulk insert with plain SQLite: reference data, then payments spread over 90 days in a realistic mix.</summary>
    private static async Task FillAsync(string directory, int from, int to)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "momo.db")}");
        await connection.OpenAsync();
        await ExecuteAsync(connection, "PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF;");
        var now = DateTime.UtcNow;
        if (from == 0)
        {
            await ExecuteAsync(connection, $"INSERT OR IGNORE INTO Banks (Code, Name, ApiKeyHash, ApiKeyHint, IsActive, CreatedAtUtc) VALUES ('bank_a', 'Bank A', '{new string('0', 64)}', 'x', 1, '{Time(now)}');");
            for (var p = 0; p < 20; p++)
            {
                // partner-19 is disabled: its waiting payments are "held".
                await ExecuteAsync(connection, $"INSERT OR IGNORE INTO Partners (AccountId, Name, CreatedAtUtc, NotifyMethod, ContactPath, WebhookSecret, IsActive) VALUES ('partner-{p}', 'Partner {p}', '{Time(now)}', 'Api', 'https://p{p}.example/hooks', 'whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', {(p == 19 ? 0 : 1)});");
            }

            await using var payers = connection.BeginTransaction();
            for (var p = 0; p < 10_000; p++)
            {
                await ExecuteAsync(connection, $"INSERT OR IGNORE INTO Payers (Id, Name, CreatedAtUtc) VALUES ('payer-{p}', 'Payer {p}', '{Time(now)}');", payers);
            }

            await payers.CommitAsync();
        }

        var random = new Random(42);
        const int batch = 50_000;
        for (var start = from; start < to; start += batch)
        {
            await using var transaction = connection.BeginTransaction();
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT INTO Payments (PayerId, PartnerAccountId, BankCode, BankReference, AmountMinor, Currency, RequestFingerprint,
                    ProofKey, BankDateUtc, ReceivedAtUtc, ProcessedAtUtc, ProcessError, Status, AttemptCount, ScheduleStep, DeliveryId,
                    NextAttemptAtUtc, LastError)
                VALUES ($payer, $partner, 'bank_a', $reference, $amount, $currency, 'fp', $proof, $received, $received, $processed,
                    $error, $status, $attempts, 0, $delivery, $next, $lastError);
                """;
            var parameters = new[] { "$payer", "$partner", "$reference", "$amount", "$currency", "$proof", "$received", "$processed",
                "$error", "$status", "$attempts", "$delivery", "$next", "$lastError" }
                .ToDictionary(n => n, n => insert.Parameters.Add(new SqliteParameter { ParameterName = n }));
            for (var i = start; i < Math.Min(to, start + batch); i++)
            {
                var received = now.AddSeconds(-random.Next(0, 90 * 24 * 3600));
                var roll = random.Next(100);
                var (status, attempts) = roll switch
                {
                    < 90 => ("Delivered", 1),
                    < 95 => ("Errored", 10),
                    < 98 => ("RetryScheduled", 3),
                    _ => ("Received", 0),
                };
                var currency = s_currencies[random.Next(s_currencies.Length)];
                parameters["$payer"].Value = $"payer-{random.Next(10_000)}";
                parameters["$partner"].Value = $"partner-{random.Next(20)}";
                parameters["$reference"].Value = $"TX-{i}";
                parameters["$amount"].Value = (long)random.Next(100, 50_000_000);
                parameters["$currency"].Value = currency;
                parameters["$proof"].Value = $"bench-{i}";
                parameters["$received"].Value = Time(received);
                parameters["$processed"].Value = status == "Delivered" ? Time(received.AddSeconds(1)) : DBNull.Value;
                parameters["$error"].Value = status == "Errored" ? 1 : 0;
                parameters["$status"].Value = status;
                parameters["$attempts"].Value = attempts;
                parameters["$delivery"].Value = $"msg_bench_{i}";
                // A waiting payment older than a moment has been filed into its partner's queue by the router (no due time).
                parameters["$next"].Value = status is "RetryScheduled" ? Time(received.AddMinutes(5)) : DBNull.Value;
                parameters["$lastError"].Value = status is "Errored" or "RetryScheduled" ? "The partner answered HTTP 503 Service Unavailable." : DBNull.Value;
                await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        await ExecuteAsync(connection, "ANALYZE;");
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The text form EF Core's SQLite provider stores DateTime in, so comparisons sort the same way.</summary>
    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
}
