using System.Net;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Banks;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Suspense;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Suspense;

/// <summary>
/// Random sequences of hold, propose, approve, decline and route, checked against a model after every step: the
/// suspense balance per currency is the sum of the payments in suspense (0 when the queue is empty), the service
/// allows exactly what the rules allow, and no payment is ever delivered while in suspense or after being returned.
/// </summary>
public abstract class SuspenseBalanceProperties(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly string[] s_staff = ["alice@momo.test", "bob@momo.test", "carol@momo.test"];
    private static readonly string[] s_currencies = ["USD", "UGX", "KES"];

    private PortalFactory _portal = default!;
    private WebhookReceiver _receiver = default!;

    // The model: what each payment the properties created should be, by id.
    private readonly Dictionary<long, Expected> _model = [];

    private SuspenseService Suspense => _portal.Services.GetRequiredService<SuspenseService>();

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _portal = PortalFactory.On(provider);
        await _portal.InitializeAsync();
        await _portal.AddWebhookPartnerAsync("shop", _receiver.Url("shop"));
        await _portal.Services.GetRequiredService<BankService>().SetUnknownReferenceAsync(
            PortalFactory.BankCode, UnknownReferencePolicy.Hold, "test", default);
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public void The_suspense_balance_is_the_sum_of_held_payments_and_nothing_held_or_returned_is_ever_delivered()
    {
        var step = Gen.OneOf(
            Gen.Choose(1, 5_000_000).Zip(Gen.Elements(s_currencies), (amount, currency) => (Step)new Hold(amount, currency)),
            from target in Gen.Choose(0, 50)
            from who in Gen.Choose(0, 2)
            from repair in Gen.Elements(true, false)
            select (Step)new Propose(target, who, repair),
            from target in Gen.Choose(0, 50)
            from who in Gen.Choose(0, 2)
            from stale in Gen.Elements(true, false, false)
            select (Step)new Approve(target, who, stale),
            Gen.Choose(0, 50).Zip(Gen.Choose(0, 2), (target, by) => (Step)new Decline(target, by)),
            Gen.Constant((Step)new Route()));
        var sequences = step.ArrayOf().Select(steps => (Step[])[new Hold(100, "USD"), .. steps]);

        Prop.ForAll(Arb.From(sequences), steps => Task.Run(() => RunAsync(steps)).GetAwaiter().GetResult())
            .Check(Config.QuickThrowOnFailure.WithMaxTest(provider == DatabaseProvider.Sqlite ? 30 : 15).WithEndSize(30));
    }

    private async Task<bool> RunAsync(Step[] steps)
    {
        foreach (var step in steps)
        {
            await ApplyAsync(step);
            await CheckBalanceAsync();
        }

        await ApplyAsync(new Route());
        return true;
    }

    private async Task ApplyAsync(Step step)
    {
        var ids = _model.Keys.Order().ToList();
        long Target(int index) => ids[index % ids.Count];
        switch (step)
        {
            case Hold(var amount, var currency):
                _model[await HoldAsync(amount, currency)] = new Expected(amount, currency, PaymentStatus.Suspense, null);
                break;
            case Propose(var index, var by, var repair):
            {
                var id = Target(index);
                var result = repair
                    ? await Suspense.ProposeRepairAsync(new RepairProposal(id, "shop", PortalFactory.PayerId, null, null), s_staff[by], default)
                    : await Suspense.ProposeReturnAsync(id, "random return", s_staff[by], default);
                var expected = _model[id];
                Assert.Equal(expected.Status == PaymentStatus.Suspense, result.Succeeded);
                if (result.Succeeded)
                {
                    _model[id] = expected with { Proposer = (s_staff[by], repair) };
                }

                break;
            }

            case Approve(var index, var by, var stale):
            {
                var id = Target(index);
                var version = (await Suspense.FindAsync(id, default))?.Version ?? 0;
                var result = await Suspense.ApproveAsync(id, stale ? version - 1 : version, s_staff[by], default);
                var expected = _model[id];
                var allowed = expected is { Status: PaymentStatus.Suspense, Proposer: { } proposer } && !stale && proposer.By != s_staff[by];
                Assert.True(allowed == result.Succeeded, $"approve {id} by {s_staff[by]} (stale: {stale}) of {expected}: {string.Join(" ", result.Errors.Values)}");
                if (result.Succeeded)
                {
                    _model[id] = expected with { Status = expected.Proposer!.Value.Repair ? PaymentStatus.Received : PaymentStatus.Returned };
                }

                break;
            }

            case Decline(var index, var by):
            {
                var id = Target(index);
                var version = (await Suspense.FindAsync(id, default))?.Version ?? 0;
                var result = await Suspense.DeclineAsync(id, version, null, s_staff[by], default);
                var expected = _model[id];
                var allowed = expected is { Status: PaymentStatus.Suspense, Proposer: { } proposer } && proposer.By != s_staff[by];
                Assert.True(allowed == result.Succeeded, $"decline {id} by {s_staff[by]} of {expected}: {string.Join(" ", result.Errors.Values)}");
                if (result.Succeeded)
                {
                    _model[id] = expected with { Proposer = null };
                }

                break;
            }

            case Route:
                await _portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(default);
                await CheckDeliveriesAsync();
                break;
        }
    }

    /// <summary>The invariant: per currency, the balance is the count and sum of the model's payments in suspense.</summary>
    private async Task CheckBalanceAsync()
    {
        var expected = _model.Values.Where(p => p.Status == PaymentStatus.Suspense).GroupBy(p => p.Currency).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new SuspenseBalance(g.Key, g.Count(), g.Sum(p => p.AmountMinor))).ToList();
        var balance = await Suspense.BalanceAsync(default);
        Assert.Equal(expected, balance);
        await using var db = _portal.CreateDbContext();
        Assert.Equal(balance.Sum(b => b.Count), await db.SuspenseCases.CountAsync(c => c.Resolution == null));
    }

    /// <summary>Every delivery went to a payment approved for repair; nothing in suspense or returned has an attempt.</summary>
    private async Task CheckDeliveriesAsync()
    {
        await using var db = _portal.CreateDbContext();
        var attempted = await db.DeliveryAttempts.Select(a => a.PaymentId).Distinct().ToListAsync();
        Assert.All(attempted, id => Assert.Equal(PaymentStatus.Received, _model[id].Status));
        var delivered = await db.Payments.Where(p => p.Status == PaymentStatus.Delivered).Select(p => p.Id).ToListAsync();
        Assert.Equal(_model.Where(p => p.Value.Status == PaymentStatus.Received).Select(p => p.Key).Order(), delivered.Order());
        Assert.Equal(delivered.Count, _receiver.Received.Count);
    }

    private async Task<long> HoldAsync(int amountMinor, string currency)
    {
        using var client = _portal.CreateClient();
        var amount = Money.Format(amountMinor, currency);
        var response = await client.SendAsync(BankRequests.Post(BankRequests.Body(payer: "nobody", partner: "shop", amount: amount,
            currency: currency, transactionId: Guid.NewGuid().ToString("N")), _portal.BankApiKey));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("id").GetInt64();
    }

    private abstract record Step;

    private sealed record Hold(int AmountMinor, string Currency) : Step;

    private sealed record Propose(int Target, int By, bool Repair) : Step;

    private sealed record Approve(int Target, int By, bool Stale) : Step;

    private sealed record Decline(int Target, int By) : Step;

    private sealed record Route : Step;

    /// <summary>What the model expects of a payment: Received stands for "repaired, on its way or delivered".</summary>
    private sealed record Expected(long AmountMinor, string Currency, PaymentStatus Status, (string By, bool Repair)? Proposer);
}

public sealed class SuspenseBalanceOnSqliteProperties() : SuspenseBalanceProperties(DatabaseProvider.Sqlite);

public sealed class SuspenseBalanceOnPostgresProperties() : SuspenseBalanceProperties(DatabaseProvider.Postgres);
