using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Banks;
using MoMo.Portal.Data;
using MoMo.Portal.Days;
using MoMo.Portal.Payments;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Payments;

/// <summary>
/// The payer and amount keys kept apart from the payments and written in bulk by the fold: the payer filter and the
/// sorts by payer and amount stay exact before the fold, after it, and across a repair that changes the payer.
/// </summary>
public abstract class PaymentKeyTests(DatabaseProvider provider) : IAsyncLifetime
{
    private PortalFactory _portal = default!;

    public async ValueTask InitializeAsync()
    {
        // The fold only when the test says: the tail (keys not written yet) is then under the test's control.
        _portal = PortalFactory.On(provider).With("Close:FoldInterval", "00:00:00");
        await _portal.InitializeAsync();
        await _portal.ExecuteSqlAsync("INSERT INTO \"Payers\" (\"Id\", \"Name\", \"CreatedAtUtc\") VALUES ('payer-2', 'Payer Two', '2026-01-01 00:00:00')");
    }

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task A_payers_payments_are_found_whether_or_not_the_fold_has_written_their_keys()
    {
        var first = await _portal.PostPaymentAsync(PortalFactory.PartnerId, "1.00", "K-1", payer: "payer-2");
        await _portal.PostPaymentAsync(PortalFactory.PartnerId, "2.00", "K-2");
        var beforeFold = await PayerIdsAsync("payer-2");
        await FoldAsync();
        var afterFold = await PayerIdsAsync("payer-2");
        var later = await _portal.PostPaymentAsync(PortalFactory.PartnerId, "3.00", "K-3", payer: "payer-2");
        var mixed = await PayerIdsAsync("payer-2");
        var bySearch = await IdsAsync(new PaymentFilter { Search = "payer-2" });

        Assert.Equal([first], beforeFold);
        Assert.Equal([first], afterFold);
        Assert.Equal([first, later], mixed);
        Assert.Equal([first, later], bySearch);
        await using var db = _portal.CreateDbContext();
        Assert.Equal(2, await db.PaymentKeys.CountAsync(Ct)); // the later payment's key waits for the next fold
    }

    [Fact]
    public async Task A_repair_that_changes_the_payer_moves_the_payment_at_once_and_the_fold_rewrites_its_key()
    {
        await _portal.Services.GetRequiredService<BankService>().SetUnknownReferenceAsync(PortalFactory.BankCode, UnknownReferencePolicy.Hold, "test", Ct);
        var held = await _portal.PostPaymentAsync(PortalFactory.PartnerId, "4.00", "K-R", payer: "payer-typo");
        await FoldAsync();
        await using (var db = _portal.CreateDbContext())
        {
            var payment = await db.Payments.SingleAsync(p => p.Id == held, Ct);
            Assert.True(payment.Repair("payer-2", PortalFactory.PartnerId, DateTime.UtcNow));
            await db.SaveChangesAsync(Ct);
        }

        var typoBeforeFold = await PayerIdsAsync("payer-typo");
        var repairedBeforeFold = await PayerIdsAsync("payer-2");
        await FoldAsync();

        Assert.Empty(typoBeforeFold);
        Assert.Equal([held], repairedBeforeFold);
        Assert.Empty(await PayerIdsAsync("payer-typo"));
        Assert.Equal([held], await PayerIdsAsync("payer-2"));
        await using var check = _portal.CreateDbContext();
        Assert.Equal("payer-2", (await check.PaymentKeys.SingleAsync(k => k.PaymentId == held, Ct)).PayerId);
    }

    [Fact]
    public async Task Pages_sorted_by_amount_or_payer_merge_the_keyed_payments_with_the_tail_in_one_exact_order()
    {
        var random = new Random(17);
        for (var i = 0; i < 24; i++)
        {
            if (i == 12)
            {
                await FoldAsync(); // half keyed, half the tail
            }

            await _portal.PostPaymentAsync(PortalFactory.PartnerId, $"{random.Next(1, 40)}.{random.Next(0, 100):00}", $"S-{i}",
                payer: i % 3 == 0 ? "payer-2" : PortalFactory.PayerId);
        }

        await using var db = _portal.CreateDbContext();
        var all = await db.Payments.AsNoTracking().ToListAsync(Ct);
        foreach (var (sort, descending) in new[] { ("Amount", false), ("Amount", true), ("PayerId", false), ("PayerId", true) })
        {
            var expected = (sort, descending) switch
            {
                ("Amount", false) => all.OrderBy(p => p.Currency, StringComparer.Ordinal).ThenBy(p => p.AmountMinor).ThenBy(p => p.Id),
                ("Amount", true) => all.OrderByDescending(p => p.Currency, StringComparer.Ordinal).ThenByDescending(p => p.AmountMinor).ThenByDescending(p => p.Id),
                (_, false) => all.OrderBy(p => p.PayerId, StringComparer.Ordinal).ThenBy(p => p.Id),
                (_, true) => all.OrderByDescending(p => p.PayerId, StringComparer.Ordinal).ThenByDescending(p => p.Id),
            };
            var pages = new List<long>();
            for (var page = 0; page < 3; page++)
            {
                var (rows, total) = await PaymentRow.PageAsync(db, new PaymentFilter(), sort, descending, page, 10, Ct);
                Assert.Equal(24, total);
                pages.AddRange(rows.Select(r => r.Id));
            }

            Assert.Equal(expected.Select(p => p.Id), pages);
        }
    }

    private async Task FoldAsync() => await _portal.Services.GetRequiredService<TotalsFolder>().FoldAsync(Ct);

    private Task<List<long>> PayerIdsAsync(string payer) => IdsAsync(new PaymentFilter { Payer = payer });

    private async Task<List<long>> IdsAsync(PaymentFilter filter)
    {
        await using var db = _portal.CreateDbContext();
        return await filter.Apply(db.Payments.AsNoTracking(), db.Partners, await PaymentKeys.ReadAsync(db, Ct)).OrderBy(p => p.Id).Select(p => p.Id)
            .ToListAsync(Ct);
    }
}

public sealed class PaymentKeyOnSqliteTests() : PaymentKeyTests(DatabaseProvider.Sqlite);

public sealed class PaymentKeyOnPostgresTests() : PaymentKeyTests(DatabaseProvider.Postgres);
