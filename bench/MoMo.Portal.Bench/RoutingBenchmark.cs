using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Partners;
using MoMo.Portal.Payers;
using MoMo.Portal.Routing;
using Npgsql;
using NpgsqlTypes;

namespace MoMo.Portal.Bench;

/// <summary>
/// <c>route [--payments 100000] [--partners 10] [--slow-ms 0] [--warmup 100000] [--postgres CS]</c>: a backlog of payments
/// for N webhook partners, drained by the router (the same pass the recurring job runs) into a loopback receiver
/// answering 200. With --slow-ms, partner 1 answers after that delay and the drain time of the other partners is reported
/// apart.
/// <para>
/// Before the timed drain, --warmup payments are drained untimed in backlogs of 10,000, as a router that has been running
/// a while has: the runtime compiles a method again, optimized, only after it has run often, and the delivery path (EF
/// Core, SQLite, HttpClient, Kestrel) has some 20,000 methods. The webhook-send anchor, a few hundred methods, is warm
/// after its 2,000 untimed sends. 0 times the first drain of a fresh process, as after a restart with a backlog; a slow
/// partner always starts cold. The run prints how many methods were compiled during the timed drain.
/// </para>
/// </summary>
internal static class RoutingBenchmark
{
    private const int WarmupBacklog = 10_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Options(args);
        var count = options.Get("payments", 100_000);
        var partnerCount = options.Get("partners", 10);
        var slowMs = options.Get("slow-ms", 0);
        var warmup = slowMs > 0 ? 0 : options.Get("warmup", 100_000);
        using var scratch = ScratchDirectory.Create("route");
        var directory = scratch.Path;

        if (options.Postgres is { } postgres)
        {
            // A fresh database, as the SQLite run has: the backlog's proof keys and webhook ids start over each run.
            await PostgresDatabase.RecreateAsync(postgres);
        }

        await using var receiver = await StartReceiverAsync(slowMs);
        var builder = BenchPortal.CreateBuilder(directory);
        builder.AllowLoopbackPartners();
        builder.Configuration["Routing:RunBackgroundJobs"] = "false";
        builder.Configuration["Routing:DeliveryTimeout"] = "00:00:05";
        options.UseDatabase(builder.Configuration);
        builder.AddPortal();
        await using var app = builder.Build();
        await app.Services.MigrateDatabaseAsync();
        var partners = app.Services.GetRequiredService<PartnerService>();
        for (var p = 1; p <= partnerCount; p++)
        {
            await partners.CreateAsync($"partner{p}", $"Partner {p}", NotifyMethod.Api, $"{receiver.Url}/hooks/{p}", null, "bench", CancellationToken.None);
        }

        await app.Services.GetRequiredService<PayerService>().CreateAsync("payer1", "Payer", null, "bench", CancellationToken.None);
        var router = app.Services.GetRequiredService<PaymentRouter>();
        for (var warmed = 0; warmed < warmup; warmed += WarmupBacklog)
        {
            await FillAsync(options, directory, first: warmed, Math.Min(WarmupBacklog, warmup - warmed), partnerCount);
            await router.RunPassAsync(CancellationToken.None);
        }

        await FillAsync(options, directory, first: warmup, count, partnerCount);
        var factory = app.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        // With a slow partner its own backlog takes hours (payments / MaxPerPartner × delay): the pass is stopped once
        // the other partners are drained, which is the number that matters.
        using var stop = new CancellationTokenSource();
        var compiledBefore = JitInfo.GetCompiledMethodCount();
        var compilingBefore = JitInfo.GetCompilationTime();
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var stopwatch = Stopwatch.StartNew();
        var pass = router.RunPassAsync(stop.Token);
        TimeSpan? othersDone = null;
        while (!pass.IsCompleted)
        {
            await Task.WhenAny(pass, Task.Delay(200));
            if (slowMs > 0 && othersDone is null && await WaitingAsync(factory, "partner1") == await WaitingAsync(factory, null))
            {
                othersDone = stopwatch.Elapsed;
                await stop.CancelAsync();
            }
        }

        var summary = await pass;
        var elapsed = stopwatch.Elapsed;
        var compiled = JitInfo.GetCompiledMethodCount() - compiledBefore;
        var compiling = JitInfo.GetCompilationTime() - compilingBefore;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Console.WriteLine();
        Console.WriteLine($"database: {(options.Postgres is null ? "SQLite (embedded default)" : "PostgreSQL")}");
        Console.WriteLine("| payments | partners | slow partner | drained in | deliveries/s | other partners done in | peak RSS |");
        Console.WriteLine("|---:|---:|---|---:|---:|---:|---:|");
        Console.WriteLine($"| {count:N0} | {partnerCount} | {(slowMs > 0 ? $"partner1, {slowMs} ms" : "none")} | {elapsed.TotalSeconds:0.0} s | " +
                          $"{summary.Delivered / elapsed.TotalSeconds:N0} | {(othersDone is { } done ? $"{done.TotalSeconds:0.0} s" : "—")} | " +
                          $"{Process.GetCurrentProcess().PeakWorkingSet64 / 1024 / 1024:N0} MB |");
        Console.WriteLine($"delivered {summary.Delivered:N0}, retry-scheduled {summary.RetryScheduled:N0}, errored {summary.Errored:N0}; " +
                          $"receiver counted {receiver.Count - warmup:N0}" + (warmup > 0 ? $" after {warmup:N0} delivered to warm up" : ""));
        Console.WriteLine($"methods compiled during the timed drain: {compiled:N0} ({compiling.TotalMilliseconds:N0} ms of compilation); " +
                          $"allocated: {allocated / Math.Max(1, summary.Delivered + summary.RetryScheduled + summary.Errored) / 1024.0:N1} KB per attempt, receiver included");
        return slowMs > 0 || summary.Delivered == count ? 0 : 1;
    }

    private static async Task<int> WaitingAsync(IDbContextFactory<PortalDbContext> factory, string? onlyPartner)
    {
        await using var db = await factory.CreateDbContextAsync();
        var waiting = db.Payments.Where(p => p.Status != MoMo.Portal.Payments.PaymentStatus.Delivered);
        return onlyPartner is null ? await waiting.CountAsync() : await waiting.CountAsync(p => p.PartnerAccountId == onlyPartner);
    }

    private static Task FillAsync(Options options, string directory, int first, int count, int partners) =>
        options.Postgres is { } postgres ? FillPostgresAsync(postgres, first, count, partners) : FillSqliteAsync(directory, first, count, partners);

    /// <summary>Payments numbered from <paramref name="first"/> (their proof keys and webhook ids are unique); the bank comes with the first.</summary>
    private static async Task FillSqliteAsync(string directory, int first, int count, int partners)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(directory, "momo.db")}");
        await connection.OpenAsync();
        await using var transaction = connection.BeginTransaction();
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO Payments (PayerId, PartnerAccountId, BankCode, BankReference, AmountMinor, Currency, RequestFingerprint,
                ProofKey, BankDateUtc, ReceivedAtUtc, ProcessError, Status, AttemptCount, ScheduleStep, DeliveryId, NextAttemptAtUtc)
            VALUES ('payer1', $partner, 'bench', NULL, $amount, 'USD', 'fp', $proof, $at, $at, 0, 'Received', 0, 0, $delivery, $at);
            """;
        if (first == 0)
        {
            await using var bank = connection.CreateCommand();
            bank.Transaction = transaction;
            bank.CommandText = $"INSERT INTO Banks (Code, Name, ApiKeyHash, ApiKeyHint, IsActive, CreatedAtUtc) VALUES ('bench', 'Bench', '{new string('0', 64)}', 'x', 1, '2026-01-01 00:00:00');";
            await bank.ExecuteNonQueryAsync();
        }

        var partner = insert.Parameters.Add("$partner", SqliteType.Text);
        var amount = insert.Parameters.Add("$amount", SqliteType.Integer);
        var proof = insert.Parameters.Add("$proof", SqliteType.Text);
        var at = insert.Parameters.Add("$at", SqliteType.Text);
        var delivery = insert.Parameters.Add("$delivery", SqliteType.Text);
        var now = DateTime.UtcNow.AddMinutes(-1).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);
        for (var i = first; i < first + count; i++)
        {
            partner.Value = $"partner{i % partners + 1}";
            amount.Value = 1000 + i;
            proof.Value = $"bench-{i}";
            at.Value = now;
            delivery.Value = $"msg_bench_{i}";
            await insert.ExecuteNonQueryAsync();
        }

        await transaction.CommitAsync();
    }

    /// <summary>The same backlog on PostgreSQL, written with binary COPY.</summary>
    private static async Task FillPostgresAsync(string connectionString, int first, int count, int partners)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        if (first == 0)
        {
            await using var bank = new NpgsqlCommand(
                "INSERT INTO \"Banks\" (\"Code\", \"Name\", \"ApiKeyHash\", \"ApiKeyHint\", \"IsActive\", \"CreatedAtUtc\") " +
                $"VALUES ('bench', 'Bench', '{new string('0', 64)}', 'x', TRUE, now())", connection);
            await bank.ExecuteNonQueryAsync();
        }

        var at = DateTime.UtcNow.AddMinutes(-1);
        await using var copy = await connection.BeginBinaryImportAsync("""
            COPY "Payments" ("PayerId", "PartnerAccountId", "BankCode", "AmountMinor", "Currency", "RequestFingerprint",
                "ProofKey", "BankDateUtc", "ReceivedAtUtc", "ProcessError", "Status", "AttemptCount", "ScheduleStep", "DeliveryId",
                "NextAttemptAtUtc") FROM STDIN (FORMAT BINARY)
            """);
        for (var i = first; i < first + count; i++)
        {
            await copy.StartRowAsync();
            await copy.WriteAsync("payer1", NpgsqlDbType.Varchar);
            await copy.WriteAsync($"partner{i % partners + 1}", NpgsqlDbType.Varchar);
            await copy.WriteAsync("bench", NpgsqlDbType.Varchar);
            await copy.WriteAsync(1000L + i, NpgsqlDbType.Bigint);
            await copy.WriteAsync("USD", NpgsqlDbType.Char);
            await copy.WriteAsync("fp", NpgsqlDbType.Varchar);
            await copy.WriteAsync($"bench-{i}", NpgsqlDbType.Varchar);
            await copy.WriteAsync(at, NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(at, NpgsqlDbType.TimestampTz);
            await copy.WriteAsync(false, NpgsqlDbType.Boolean);
            await copy.WriteAsync("Received", NpgsqlDbType.Varchar);
            await copy.WriteAsync(0, NpgsqlDbType.Integer);
            await copy.WriteAsync(0, NpgsqlDbType.Integer);
            await copy.WriteAsync($"msg_bench_{i}", NpgsqlDbType.Varchar);
            await copy.WriteAsync(at, NpgsqlDbType.TimestampTz);
        }

        await copy.CompleteAsync();
    }

    private static async Task<Receiver> StartReceiverAsync(int slowMs)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new Receiver(app);
        app.MapPost("/hooks/{partner:int}", async (int partner, HttpRequest request) =>
        {
            // As the webhook-send anchor's receiver does: the body is read, not parsed.
            await request.Body.CopyToAsync(Stream.Null);
            if (partner == 1 && slowMs > 0)
            {
                await Task.Delay(slowMs);
            }

            Interlocked.Increment(ref receiver.Received);
            return Results.Ok();
        });
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return receiver;
    }

    private sealed class Receiver(WebApplication app) : IAsyncDisposable
    {
        public int Received;

        public string Url { get; set; } = "";

        public int Count => Volatile.Read(ref Received);

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }
}
