using FsCheck;
using FsCheck.Fluent;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Days;
using MoMo.Portal.Payments;
using MoMo.Portal.Suspense;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Days;

/// <summary>
/// Random histories of payments over the last days — received, delivered, errored, retried, resent, held, repaired,
/// returned — with folds (two instances at once, sometimes) and closes in between. After each history the figures must
/// add up against the payments table itself: per open day exactly, per closed day with its adjustments, over all days,
/// and a closed day's totals never change.
/// </summary>
public abstract class DayTotalsProperties(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly string[] s_banks = [PortalFactory.BankCode, PortalFactory.OtherBankCode];
    private static readonly string[] s_partners = [PortalFactory.PartnerId, "shop-2", "shop-3"];
    private static readonly string[] s_currencies = ["USD", "KES"];

    private PortalFactory _portal = default!;
    private BusinessCalendar _calendar = default!;
    private readonly Dictionary<DateOnly, List<TotalsLine>> _frozen = [];

    public async ValueTask InitializeAsync()
    {
        _portal = PortalFactory.On(provider);
        await _portal.InitializeAsync();
        await _portal.AddWebhookPartnerAsync("shop-2", "https://shop2.example/hooks");
        await _portal.AddWebhookPartnerAsync("shop-3", "https://shop3.example/hooks");
        _calendar = _portal.Services.GetRequiredService<BusinessCalendar>();
    }

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public void The_totals_add_up_against_the_payments_however_the_history_goes()
    {
        var step = Gen.OneOf(
            from daysAgo in Gen.Choose(0, 4)
            from bank in Gen.Choose(0, 1)
            from partner in Gen.Choose(0, 2)
            from currency in Gen.Choose(0, 1)
            from amount in Gen.Choose(1, 1_000_000)
            from held in Gen.Elements(false, false, false, true)
            select (Step)new Receive(daysAgo, bank, partner, currency, amount, held),
            from target in Gen.Choose(0, 1000)
            from change in Gen.Elements(Enum.GetValues<Change>())
            select (Step)new Move(target, change),
            Gen.Choose(0, 2).Select(partner => (Step)new ReceiveFromBank(partner)),
            Gen.Elements(false, true).Select(twice => (Step)new Fold(twice)),
            Gen.Choose(1, 4).Select(daysAgo => (Step)new Close(daysAgo)));

        Prop.ForAll(Arb.From(step.ArrayOf()), steps => Task.Run(() => RunAsync(steps)).GetAwaiter().GetResult())
            .Check(Config.QuickThrowOnFailure.WithMaxTest(provider == DatabaseProvider.Sqlite ? 20 : 12).WithEndSize(40));
    }

    private async Task<bool> RunAsync(Step[] steps)
    {
        foreach (var step in steps)
        {
            await ApplyAsync(step);
        }

        await CheckAsync();
        return true;
    }

    private async Task ApplyAsync(Step step)
    {
        var now = DateTime.UtcNow;
        switch (step)
        {
            case Receive(var daysAgo, var bank, var partner, var currency, var amount, var held):
            {
                // A moment inside that business day (a few minutes after it starts, whatever the calendar).
                var day = _calendar.DayOf(now).AddDays(-daysAgo);
                var at = _calendar.StartUtc(day).AddMinutes(1 + Random.Shared.Next(60));
                await using var db = _portal.CreateDbContext();
                var payment = Payment.Receive(s_banks[bank], held ? "nobody" : PortalFactory.PayerId, s_partners[partner], amount,
                    s_currencies[currency], null, null, "fp", Guid.NewGuid().ToString("N"), at > now ? now : at, held);
                db.Payments.Add(payment);
                if (held)
                {
                    db.SuspenseCases.Add(SuspenseCase.Hold(payment, SuspenseReason.UnknownPayer, at));
                }

                await db.SaveChangesAsync();
                break;
            }

            case ReceiveFromBank(var partner):
                // Through the bank API: the writer's fast path, which inserts a payment already marked as counted.
                await _portal.PostPaymentAsync(s_partners[partner], "3.21", Guid.NewGuid().ToString("N"));
                break;

            case Move(var target, var change):
            {
                await using var db = _portal.CreateDbContext();
                var ids = await db.Payments.OrderBy(p => p.Id).Select(p => p.Id).ToListAsync();
                if (ids.Count == 0)
                {
                    return;
                }

                var payment = await db.Payments.SingleAsync(p => p.Id == ids[target % ids.Count]);
                _ = change switch
                {
                    Change.Deliver when payment.Status is PaymentStatus.Received or PaymentStatus.RetryScheduled => Do(() => payment.MarkDelivered(now)),
                    Change.Error when payment.Status is PaymentStatus.Received or PaymentStatus.RetryScheduled => Do(() => payment.MarkErrored("HTTP 410")),
                    Change.Retry => payment.ScheduleStaffRetry("ops", now),
                    Change.Resend => payment.ScheduleResend("ops", now),
                    Change.Repair => payment.Repair(PortalFactory.PayerId, s_partners[target % s_partners.Length], now),
                    Change.Return => payment.ReturnToBank(),
                    _ => false,
                };
                await db.SaveChangesAsync();
                break;
            }

            case Fold(var twice):
            {
                // A second folder at the same moment (on connections of its own, as another instance would): each reads
                // outside the lock, and the compare-and-set on the fold sequence makes the later one read again.
                var folders = Enumerable.Range(0, twice ? 2 : 1).Select(_ => new TotalsFolder(
                    _portal.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>(),
                    _portal.Services.GetRequiredService<MoMo.Portal.Ingestion.PaymentWriter>(), _calendar, TimeProvider.System,
                    Microsoft.Extensions.Logging.Abstractions.NullLogger<TotalsFolder>.Instance));
                await Task.WhenAll(folders.Select(f => Task.Run(() => f.FoldAsync(default))));
                break;
            }

            case Close(var daysAgo):
            {
                var day = _calendar.DayOf(now).AddDays(-daysAgo);
                var outcome = await _portal.Services.GetRequiredService<DayCloser>().CloseAsync(day, "test", default);
                if (outcome is CloseOutcome.Closed)
                {
                    _frozen[day] = (await Reader.DayAsync(day, default)).Lines;
                }

                break;
            }
        }
    }

    private DayTotalsReader Reader => _portal.Services.GetRequiredService<DayTotalsReader>();

    private async Task CheckAsync()
    {
        var days = await Reader.DaysAsync(DateOnly.MinValue, DateOnly.MaxValue, default);
        await using var db = _portal.CreateDbContext();
        var payments = await db.Payments.AsNoTracking()
            .Select(p => new { p.BankCode, p.PartnerAccountId, p.Currency, p.AmountMinor, p.ReceivedAtUtc, p.Status }).ToListAsync();
        var actual = payments.Select(p => new Row(_calendar.DayOf(p.ReceivedAtUtc), p.BankCode,
            TotalsBuckets.PartnerKey(TotalsBuckets.Of(p.Status), p.PartnerAccountId), p.Currency, TotalsBuckets.Of(p.Status), 1, p.AmountMinor)).ToList();

        foreach (var day in days)
        {
            // Partner totals add up to the bank totals and to the day total, per currency and bucket.
            var byPartner = Sum(day.Lines.GroupBy(l => l.PartnerAccountId).SelectMany(g => g));
            var byBank = Sum(day.Lines.GroupBy(l => l.BankCode).SelectMany(g => g));
            Assert.Equal(byPartner, byBank);
            Assert.Equal(day.Count(), byBank.Values.Sum(v => v.Count));

            // The day's figures (with the adjustments made to it since it closed) are that day's payments as they are now.
            var expected = Normalize(actual.Where(r => r.Day == day.Day));
            var figures = Normalize(day.Lines.Select(l => new Row(day.Day, l.BankCode, l.PartnerAccountId, l.Currency, l.Bucket, l.Count, l.AmountMinor))
                .Concat(day.AdjustmentsToThisDay.Select(a => new Row(day.Day, a.BankCode, a.PartnerAccountId, a.Currency, a.Bucket, a.Count, a.AmountMinor))));
            Assert.Equal(expected, figures);
            if (!day.IsClosed)
            {
                Assert.Empty(day.AdjustmentsToThisDay);
            }
            else if (_frozen.TryGetValue(day.Day, out var frozen))
            {
                Assert.Equal(frozen, day.Lines);
            }
        }

        // Over all days, totals plus adjustments are the payments table.
        var everything = Normalize(days.SelectMany(d => d.Lines.Select(l => new Row(default, "", "", l.Currency, l.Bucket, l.Count, l.AmountMinor))
            .Concat(d.AdjustmentsMade.Select(a => new Row(default, "", "", a.Currency, a.Bucket, a.Count, a.AmountMinor)))));
        Assert.Equal(Normalize(actual.Select(r => r with { Day = default, BankCode = "", PartnerAccountId = "" })), everything);
        Assert.Equal(payments.Count, days.Sum(d => d.Count()) + days.Sum(d => d.AdjustmentsMade.Sum(a => a.Count)));
    }

    private static Dictionary<(string Currency, TotalsBucket Bucket), (long Count, long Amount)> Sum(IEnumerable<TotalsLine> lines) =>
        lines.GroupBy(l => (l.Currency, l.Bucket)).ToDictionary(g => g.Key, g => (g.Sum(l => l.Count), g.Sum(l => l.AmountMinor)));

    private static List<Row> Normalize(IEnumerable<Row> rows) =>
        [.. rows.GroupBy(r => r with { Count = 0, AmountMinor = 0 })
            .Select(g => g.Key with { Count = g.Sum(r => r.Count), AmountMinor = g.Sum(r => r.AmountMinor) })
            .Where(r => r.Count != 0 || r.AmountMinor != 0)
            .OrderBy(r => r.Day).ThenBy(r => r.BankCode, StringComparer.Ordinal).ThenBy(r => r.PartnerAccountId, StringComparer.Ordinal)
            .ThenBy(r => r.Currency, StringComparer.Ordinal).ThenBy(r => r.Bucket)];

    private static bool Do(Action action)
    {
        action();
        return true;
    }

    private sealed record Row(DateOnly Day, string BankCode, string PartnerAccountId, string Currency, TotalsBucket Bucket, long Count, long AmountMinor);

    private abstract record Step;

    private sealed record Receive(int DaysAgo, int Bank, int Partner, int Currency, int AmountMinor, bool Held) : Step;

    private sealed record ReceiveFromBank(int Partner) : Step;

    private sealed record Move(int Target, Change Change) : Step;

    private sealed record Fold(bool Twice) : Step;

    private sealed record Close(int DaysAgo) : Step;

    private enum Change { Deliver, Error, Retry, Resend, Repair, Return }
}

public sealed class DayTotalsOnSqliteProperties() : DayTotalsProperties(DatabaseProvider.Sqlite);

public sealed class DayTotalsOnPostgresProperties() : DayTotalsProperties(DatabaseProvider.Postgres);
