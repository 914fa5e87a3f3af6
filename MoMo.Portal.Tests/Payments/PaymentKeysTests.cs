using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Banks;
using MoMo.Portal.Data;
using MoMo.Portal.Payers;
using MoMo.Portal.Payments;
using MoMo.Portal.Suspense;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Payments;

/// <summary>
/// The payer filter, the search and the sorts by payer and amount, against the payments themselves, on each database.
/// On SQLite they read the keys file and the tail it does not cover yet; random payments, part of them not copied
/// (the keys writer held off by a lock on its file), and a payer changed by a suspense repair after its key was copied.
/// </summary>
public abstract class PaymentKeysTests(DatabaseProvider provider)
{
    private static readonly string[] s_payers = ["payer-a", "payer-b", "payer-c", "payer-d"];

    [Fact]
    public async Task Payer_lookups_and_sorts_are_exact_whatever_the_keys_cover_and_banks_never_wait_for_the_keys_writer()
    {
        await using var portal = PortalFactory.On(provider).With("Routing:RunBackgroundJobs", "false");
        await portal.InitializeAsync();
        foreach (var payer in s_payers)
        {
            await portal.Services.GetRequiredService<PayerService>().CreateAsync(payer, payer, null, "test", Ct);
        }

        await portal.Services.GetRequiredService<BankService>().SetUnknownReferenceAsync(
            PortalFactory.BankCode, UnknownReferencePolicy.Hold, "test", Ct);
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        // Random data: say which, so a failure can be run again.
        TestContext.Current.TestOutputHelper?.WriteLine($"seed {seed}");
        var held = await portal.PostPaymentAsync(payer: "unregistered", amount: "5.00");
        await PostRandomAsync(portal, random, 30);
        if (provider == DatabaseProvider.Sqlite)
        {
            await WaitForKeysAsync(portal);
        }

        // The held payment's key says "unregistered"; the repair makes it payer-b's.
        var suspense = portal.Services.GetRequiredService<SuspenseService>();
        var proposed = await suspense.ProposeRepairAsync(new RepairProposal(held, null, "payer-b", null, null), "alice@momo.test", Ct);
        Assert.True((await suspense.ApproveAsync(held, proposed.Value!.Version, "bob@momo.test", Ct)).Succeeded);

        if (provider == DatabaseProvider.Sqlite)
        {
            // The keys writer cannot copy while another connection holds its file's write lock; banks must not notice.
            await using var blocker = new SqliteConnection($"Data Source={Path.Combine(portal.DataDirectory, "momo.keys.db")};Pooling=False");
            await blocker.OpenAsync(Ct);
            await using var transaction = blocker.BeginTransaction(deferred: false);
            await PostRandomAsync(portal, random, 30);
            await AssertExactAsync(portal, expectTail: true);
            await transaction.RollbackAsync(Ct);
            await WaitForKeysAsync(portal);
        }
        else
        {
            await PostRandomAsync(portal, random, 30);
        }

        await AssertExactAsync(portal, expectTail: false);
    }

    /// <summary>Every payer's payments, the search by payer, and every page of every payer and amount order, as computed here.</summary>
    private static async Task AssertExactAsync(PortalFactory portal, bool expectTail)
    {
        await using var db = portal.CreateDbContext();
        var all = await db.Payments.AsNoTracking().Select(p => new { p.Id, p.PayerId, p.Currency, p.AmountMinor }).ToListAsync(Ct);
        var keys = await PaymentKeys.ReadAsync(db, Ct);
        Assert.Equal(expectTail, keys.Through < all.Max(p => p.Id));

        foreach (var payer in s_payers.Append("unregistered"))
        {
            var expected = all.Where(p => p.PayerId == payer).Select(p => p.Id).Order().ToList();
            Assert.Equal(expected, await IdsAsync(db, new PaymentFilter { Payer = payer }));
            Assert.Equal(expected, await IdsAsync(db, new PaymentFilter { Search = payer }));
        }

        var byPayer = all.OrderBy(p => p.PayerId, StringComparer.Ordinal).ThenBy(p => p.Id).Select(p => p.Id).ToList();
        var byAmount = all.OrderBy(p => p.Currency, StringComparer.Ordinal).ThenBy(p => p.AmountMinor).ThenBy(p => p.Id).Select(p => p.Id).ToList();
        Assert.Equal(byPayer, await AllPagesAsync(db, nameof(PaymentRow.PayerId), descending: false));
        Assert.Equal(byPayer.AsEnumerable().Reverse(), await AllPagesAsync(db, nameof(PaymentRow.PayerId), descending: true));
        Assert.Equal(byAmount, await AllPagesAsync(db, nameof(PaymentRow.Amount), descending: false));
        Assert.Equal(byAmount.AsEnumerable().Reverse(), await AllPagesAsync(db, nameof(PaymentRow.Amount), descending: true));
    }

    private static async Task<List<long>> IdsAsync(PortalDbContext db, PaymentFilter filter)
    {
        var (rows, total) = await PaymentRow.PageAsync(db, filter, nameof(PaymentRow.Id), descending: false, 0, 1000, Ct);
        Assert.Equal(rows.Count, total);
        return [.. rows.Select(r => r.Id)];
    }

    private static async Task<List<long>> AllPagesAsync(PortalDbContext db, string sortBy, bool descending)
    {
        const int pageSize = 7;
        var ids = new List<long>();
        for (var page = 0; ; page++)
        {
            var (rows, total) = await PaymentRow.PageAsync(db, new PaymentFilter(), sortBy, descending, page, pageSize, Ct);
            ids.AddRange(rows.Select(r => r.Id));
            if (ids.Count >= total)
            {
                return ids;
            }
        }
    }

    /// <summary>Payments from the registered payers, in two currencies, with amounts that often tie.</summary>
    private static async Task PostRandomAsync(PortalFactory portal, Random random, int count)
    {
        using var client = portal.CreateClient();
        for (var i = 0; i < count; i++)
        {
            var body = BankRequests.Body(payer: s_payers[random.Next(s_payers.Length)], amount: $"{random.Next(1, 6)}.00",
                currency: random.Next(2) == 0 ? "USD" : "KES");
            var response = await client.SendAsync(BankRequests.Post(body, portal.BankApiKey), Ct);
            Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        }
    }

    private static Task WaitForKeysAsync(PortalFactory portal) => PortalFactory.WaitUntilAsync(async () =>
    {
        await using var db = portal.CreateDbContext();
        return (await PaymentKeys.ReadAsync(db, Ct)).Through == await db.Payments.MaxAsync(p => p.Id, Ct);
        // A writer that met the test's lock for longer than its busy timeout waits 5 s before it tries again.
    }, "the keys writer copied every payment's keys", TimeSpan.FromSeconds(30));
}

public sealed class PaymentKeysOnSqliteTests() : PaymentKeysTests(DatabaseProvider.Sqlite);

public sealed class PaymentKeysOnPostgresTests() : PaymentKeysTests(DatabaseProvider.Postgres);

/// <summary>The keys file on SQLite when the database is not the one it was copied from: a restored backup, another installation's.</summary>
public sealed class PaymentKeysFileTests
{
    [Fact]
    public async Task Keys_past_the_databases_last_payment_are_forgotten_so_payments_that_take_those_ids_again_are_found()
    {
        await using var portal = new PortalFactory().With("Routing:RunBackgroundJobs", "false");
        await portal.InitializeAsync();
        await portal.Services.GetRequiredService<PayerService>().CreateAsync("payer-new", "New payer", null, "test", Ct);
        for (var i = 0; i < 6; i++)
        {
            await portal.PostPaymentAsync();
        }

        await WaitForKeysThroughAsync(portal, 6);

        // Back to when the database held three payments (of 10.00 each): their ids 4 to 6 will be handed out again.
        await portal.ExecuteSqlAsync("""
            DELETE FROM "Payments" WHERE "Id" > 3;
            UPDATE "sqlite_sequence" SET "seq" = 3 WHERE "name" = 'Payments';
            """);
        await portal.Services.GetRequiredService<MoMo.Portal.Data.Sqlite.SqlitePaymentKeysWriter>().ForgetOtherHistoryAsync(Ct);
        for (var i = 0; i < 3; i++)
        {
            await portal.PostPaymentAsync(amount: "1.00", payer: "payer-new");
        }

        await WaitForKeysThroughAsync(portal, 6);
        await using var db = portal.CreateDbContext();
        var (rows, _) = await PaymentRow.PageAsync(db, new PaymentFilter { Payer = "payer-new" }, nameof(PaymentRow.Id), false, 0, 10, Ct);
        Assert.Equal([4L, 5L, 6L], rows.Select(r => r.Id));
        var byAmount = await PaymentRow.PageAsync(db, new PaymentFilter(), nameof(PaymentRow.Amount), false, 0, 10, Ct);
        Assert.Equal([4L, 5L, 6L, 1L, 2L, 3L], byAmount.Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task Keys_that_disagree_with_the_payments_of_their_ids_are_forgotten_but_a_repaired_payer_is_no_disagreement()
    {
        await using var portal = new PortalFactory().With("Routing:RunBackgroundJobs", "false");
        await portal.InitializeAsync();
        await portal.Services.GetRequiredService<PayerService>().CreateAsync("payer-new", "New payer", null, "test", Ct);
        await portal.Services.GetRequiredService<BankService>().SetUnknownReferenceAsync(
            PortalFactory.BankCode, UnknownReferencePolicy.Hold, "test", Ct);
        var held = await portal.PostPaymentAsync(payer: "unregistered");
        for (var i = 0; i < 5; i++)
        {
            await portal.PostPaymentAsync();
        }

        await WaitForKeysThroughAsync(portal, 6);
        var suspense = portal.Services.GetRequiredService<SuspenseService>();
        var proposed = await suspense.ProposeRepairAsync(new RepairProposal(held, null, "payer-new", null, null), "alice@momo.test", Ct);
        Assert.True((await suspense.ApproveAsync(held, proposed.Value!.Version, "bob@momo.test", Ct)).Succeeded);
        var writer = portal.Services.GetRequiredService<MoMo.Portal.Data.Sqlite.SqlitePaymentKeysWriter>();

        // The same history, a repaired payer in it: the start must leave the file alone. A test connection holds the
        // file's write lock meanwhile, so a start-over would fail here rather than be copied back unseen.
        await using (var blocker = new SqliteConnection($"Data Source={Path.Combine(portal.DataDirectory, "momo.keys.db")};Pooling=False"))
        {
            await blocker.OpenAsync(Ct);
            await using var transaction = blocker.BeginTransaction(deferred: false);
            await writer.ForgetOtherHistoryAsync(Ct);
        }

        // Another installation's database with as many payments: the same ids, other payers and amounts.
        await portal.ExecuteSqlAsync("""UPDATE "Payments" SET "PayerId" = 'payer-new', "AmountMinor" = 7000 - "Id" """);
        await writer.ForgetOtherHistoryAsync(Ct);
        await WaitForKeysThroughAsync(portal, 6);
        await using var db = portal.CreateDbContext();
        var (rows, _) = await PaymentRow.PageAsync(db, new PaymentFilter { Payer = "payer-new" }, nameof(PaymentRow.Id), false, 0, 10, Ct);
        Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L], rows.Select(r => r.Id));
        var byAmount = await PaymentRow.PageAsync(db, new PaymentFilter(), nameof(PaymentRow.Amount), false, 0, 10, Ct);
        Assert.Equal([6L, 5L, 4L, 3L, 2L, 1L], byAmount.Rows.Select(r => r.Id));
    }

    private static Task WaitForKeysThroughAsync(PortalFactory portal, long id) => PortalFactory.WaitUntilAsync(async () =>
    {
        await using var db = portal.CreateDbContext();
        return (await PaymentKeys.ReadAsync(db, Ct)).Through == id;
    }, $"the keys writer copied payment {id}'s keys", TimeSpan.FromSeconds(30));
}
