using System.Net;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Banks;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Suspense;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Suspense;

/// <summary>
/// Held payments from the bank's request to the partner's receiver (or back to the bank), with two-person approval,
/// on each database.
/// </summary>
public abstract class SuspenseQueueTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const string Alice = "alice@momo.test";
    private const string Bob = "bob@momo.test";

    private PortalFactory _portal = default!;
    private WebhookReceiver _receiver = default!;

    private SuspenseService Suspense => _portal.Services.GetRequiredService<SuspenseService>();

    public async ValueTask InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        _portal = PortalFactory.On(provider);
        await _portal.InitializeAsync();
        await _portal.AddWebhookPartnerAsync("shop", _receiver.Url("shop"));
        await _portal.Services.GetRequiredService<BankService>().SetUnknownReferenceAsync(
            PortalFactory.BankCode, UnknownReferencePolicy.Hold, "test", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task A_bank_that_rejects_unknown_references_still_gets_422_and_the_intake_log_says_why_once()
    {
        await _portal.Services.GetRequiredService<BankService>().SetUnknownReferenceAsync(
            PortalFactory.BankCode, UnknownReferencePolicy.Reject, "test", Ct);

        using var client = _portal.CreateClient();
        var response = await client.SendAsync(BankRequests.Post(BankRequests.Body(payer: "nobody", transactionId: "T-rej"), _portal.BankApiKey), Ct);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        await using var db = _portal.CreateDbContext();
        Assert.Equal(0, await db.Payments.CountAsync(Ct));
        var reason = (await db.IntakeRecords.SingleAsync(Ct)).Reason;
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(reason, "No payer has the reference number 'nobody'"));
    }

    [Fact]
    public async Task A_held_payment_is_stored_with_its_proof_answered_201_as_suspense_and_never_delivered()
    {
        using var client = _portal.CreateClient();
        var body = BankRequests.Body(payer: "nobody", partner: "shop", transactionId: "T-held");
        var created = await client.SendAsync(BankRequests.Post(body, _portal.BankApiKey), Ct);
        var json = await created.JsonAsync();

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("suspense", json.GetProperty("status").GetString());
        var id = json.GetProperty("id").GetInt64();

        // The bank's retry is the same payment, and the bank API shows it held.
        var again = await client.SendAsync(BankRequests.Post(body, _portal.BankApiKey), Ct);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(id, (await again.JsonAsync()).GetProperty("id").GetInt64());
        var shown = await client.SendAsync(BankRequests.Get($"/api/v1/banks/{PortalFactory.BankCode}/payments/{id}", _portal.BankApiKey), Ct);
        Assert.Equal("suspense", (await shown.JsonAsync()).GetProperty("status").GetString());

        var held = await Suspense.FindAsync(id, Ct);
        Assert.Equal(SuspenseReason.UnknownPayer, held!.Reason);
        Assert.True(held.IsOpen);
        await using (var db = _portal.CreateDbContext())
        {
            Assert.True(await db.RequestProofs.AnyAsync(p => p.Key == held.Payment.ProofKey, Ct));
        }

        Assert.Equal(0, (await RoutePassAsync()).Delivered);
        Assert.Empty(_receiver.Received);
        Assert.Equal(PaymentStatus.Suspense, (await _portal.LoadPaymentAsync(id)).Status);
        Assert.Equal([new SuspenseBalance("USD", 1, 5510)], await Suspense.BalanceAsync(Ct));
    }

    [Fact]
    public async Task Held_and_routable_payments_sent_at_once_share_the_group_commit_and_each_held_one_gets_its_case()
    {
        using var client = _portal.CreateClient();
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => client.SendAsync(BankRequests.Post(
            BankRequests.Body(payer: i % 4 == 0 ? $"nobody-{i}" : PortalFactory.PayerId, partner: "shop", amount: $"{i + 1}.00",
                transactionId: $"T-mixed-{i}"), _portal.BankApiKey), Ct)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        await using var db = _portal.CreateDbContext();
        var held = await db.Payments.Where(p => p.Status == PaymentStatus.Suspense).Select(p => p.PayerId).ToListAsync(Ct);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"nobody-{i * 4}").Order(), held.Order());
        Assert.Equal(10, await db.SuspenseCases.CountAsync(c => c.Payment.Status == PaymentStatus.Suspense && c.Reason == SuspenseReason.UnknownPayer, Ct));
        Assert.Equal(30, await db.Payments.CountAsync(p => p.Status == PaymentStatus.Received, Ct));
        Assert.Equal([new SuspenseBalance("USD", 10, Enumerable.Range(0, 10).Sum(i => (i * 4 + 1) * 100L))], await Suspense.BalanceAsync(Ct));
    }

    [Theory]
    [InlineData("nobody", "shop", SuspenseReason.UnknownPayer)]
    [InlineData(PortalFactory.PayerId, "no-shop", SuspenseReason.UnknownPartner)]
    [InlineData("nobody", "no-shop", SuspenseReason.UnknownPayerAndPartner)]
    public async Task The_reason_names_what_is_unknown(string payer, string partner, SuspenseReason reason)
    {
        var id = await PostHeldAsync(payer, partner);

        Assert.Equal(reason, (await Suspense.FindAsync(id, Ct))!.Reason);
    }

    [Fact]
    public async Task An_approved_repair_creates_the_payer_and_delivers_the_payment_with_its_original_proof()
    {
        var id = await PostHeldAsync("amina 256", "shop");
        var proofKey = (await _portal.LoadPaymentAsync(id)).ProofKey;

        var proposed = await Suspense.ProposeRepairAsync(new RepairProposal(id, null, "amina-256", "Amina N.", "typo in the bank's reference"), Alice, Ct);
        Assert.True(proposed.Succeeded, string.Join(" ", proposed.Errors.Values));
        Assert.Equal(0, (await RoutePassAsync()).Delivered);

        var approved = await Suspense.ApproveAsync(id, proposed.Value!.Version, Bob, Ct);

        Assert.True(approved.Succeeded, string.Join(" ", approved.Errors.Values));
        Assert.Equal(1, (await RoutePassAsync()).Delivered);
        var payment = await _portal.LoadPaymentAsync(id);
        Assert.Equal(PaymentStatus.Delivered, payment.Status);
        Assert.Equal(("amina-256", "shop", proofKey), (payment.PayerId, payment.PartnerAccountId, payment.ProofKey));
        Assert.Contains("\"amina-256\"", Assert.Single(_receiver.For("shop")).Body);
        await using var db = _portal.CreateDbContext();
        Assert.Equal("Amina N.", (await db.Payers.SingleAsync(p => p.Id == "amina-256", Ct)).Name);
        var audit = await db.AuditEntries.Where(a => a.EntityType == "Payment" && a.EntityId == id.ToString()).OrderBy(a => a.Id).ToListAsync(Ct);
        Assert.Equal(["suspense.propose", "suspense.approve"], audit.Select(a => a.Action));
        Assert.Equal([Alice, Bob], audit.Select(a => a.Actor));
        Assert.Contains("amina 256", audit[1].Before);
        Assert.Contains("amina-256", audit[1].After);
        Assert.Empty(await Suspense.BalanceAsync(Ct));
    }

    [Fact]
    public async Task An_approved_return_is_final_never_delivered_and_leaves_the_suspense_balance()
    {
        var id = await PostHeldAsync("nobody", "no-shop");
        var proposed = await Suspense.ProposeReturnAsync(id, "No such merchant at this bank", Alice, Ct);

        var approved = await Suspense.ApproveAsync(id, proposed.Value!.Version, Bob, Ct);

        Assert.True(approved.Succeeded);
        Assert.Equal(SuspenseResolution.Returned, approved.Value!.Resolution);
        Assert.Equal(PaymentStatus.Returned, (await _portal.LoadPaymentAsync(id)).Status);
        Assert.Equal(0, (await RoutePassAsync()).Delivered);
        Assert.Empty(await Suspense.BalanceAsync(Ct));
        var again = await Suspense.ProposeRepairAsync(new RepairProposal(id, "shop", PortalFactory.PayerId, null, null), Alice, Ct);
        Assert.Contains("no longer in suspense", again.Errors["Payment"]);
    }

    [Fact]
    public async Task The_proposer_can_neither_approve_nor_decline_their_own_proposal()
    {
        var id = await PostHeldAsync("nobody", "shop");
        var proposed = await Suspense.ProposeRepairAsync(new RepairProposal(id, null, PortalFactory.PayerId, null, null), Alice, Ct);

        var approved = await Suspense.ApproveAsync(id, proposed.Value!.Version, "ALICE@momo.test", Ct);
        var declined = await Suspense.DeclineAsync(id, proposed.Value.Version, null, Alice, Ct);

        Assert.Contains("two-person control", approved.Errors["Approval"]);
        Assert.Contains("two-person control", declined.Errors["Approval"]);
        Assert.Equal(PaymentStatus.Suspense, (await _portal.LoadPaymentAsync(id)).Status);
        Assert.Equal(ProposalKind.Repair, (await Suspense.FindAsync(id, Ct))!.Proposal);
    }

    [Fact]
    public async Task Bad_proposals_are_refused_with_a_reason_and_change_nothing()
    {
        var id = await PostHeldAsync("nobody", "shop");
        await _portal.AddWebhookPartnerAsync("closed", _receiver.Url("closed"));
        await using (var setup = _portal.CreateDbContext())
        {
            await setup.Partners.Where(p => p.AccountId == "closed").ExecuteUpdateAsync(s => s.SetProperty(p => p.IsActive, false), Ct);
        }

        var delivered = await _portal.PostPaymentAsync("shop", "1.00", "T-normal");

        var unknownPartner = await Suspense.ProposeRepairAsync(new RepairProposal(id, "ghost", PortalFactory.PayerId, null, null), Alice, Ct);
        var disabledPartner = await Suspense.ProposeRepairAsync(new RepairProposal(id, "closed", PortalFactory.PayerId, null, null), Alice, Ct);
        var unknownPayer = await Suspense.ProposeRepairAsync(new RepairProposal(id, null, null, null, null), Alice, Ct);
        var existingPayerCreated = await Suspense.ProposeRepairAsync(new RepairProposal(id, null, PortalFactory.PayerId, "Again", null), Alice, Ct);
        var noReason = await Suspense.ProposeReturnAsync(id, "  ", Alice, Ct);
        var notHeld = await Suspense.ProposeReturnAsync(delivered, "wrong", Alice, Ct);
        var missing = await Suspense.ProposeReturnAsync(999_999, "wrong", Alice, Ct);
        var nothingToApprove = await Suspense.ApproveAsync(id, 0, Bob, Ct);

        Assert.Contains("No partner has the account number 'ghost'", unknownPartner.Errors["Partner"]);
        Assert.Contains("is disabled", disabledPartner.Errors["Partner"]);
        Assert.Contains("No payer has the reference number 'nobody'", unknownPayer.Errors["Payer"]);
        Assert.Contains("already exists", existingPayerCreated.Errors["Payer"]);
        Assert.Contains("needs a reason", noReason.Errors["Reason"]);
        Assert.Contains("is not in suspense (its status is Received)", notHeld.Errors["Payment"]);
        Assert.Equal("There is no payment 999999.", missing.Errors["Payment"]);
        Assert.Contains("no pending proposal", nothingToApprove.Errors["Approval"]);
        var held = await Suspense.FindAsync(id, Ct);
        Assert.Equal((null, 0), (held!.Proposal, held.Version));
        await using var db = _portal.CreateDbContext();
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action.StartsWith("suspense."), Ct));
    }

    [Fact]
    public async Task Approving_a_proposal_that_changed_since_it_was_shown_is_refused()
    {
        var id = await PostHeldAsync("nobody", "shop");
        var shown = await Suspense.ProposeReturnAsync(id, "unknown payer", Alice, Ct);
        var replaced = await Suspense.ProposeRepairAsync(new RepairProposal(id, null, PortalFactory.PayerId, null, null), "carol@momo.test", Ct);

        var approved = await Suspense.ApproveAsync(id, shown.Value!.Version, Bob, Ct);

        Assert.Contains("changed since it was shown to you", approved.Errors["Approval"]);
        Assert.Contains("repair to partner shop", approved.Errors["Approval"]);
        Assert.Equal(PaymentStatus.Suspense, (await _portal.LoadPaymentAsync(id)).Status);
        Assert.True((await Suspense.ApproveAsync(id, replaced.Value!.Version, Bob, Ct)).Succeeded);
    }

    [Fact]
    public async Task A_declined_proposal_leaves_the_payment_in_suspense_for_another_proposal()
    {
        var id = await PostHeldAsync("nobody", "shop");
        var proposed = await Suspense.ProposeReturnAsync(id, "unknown payer", Alice, Ct);

        var declined = await Suspense.DeclineAsync(id, proposed.Value!.Version, "The payer exists under another id", Bob, Ct);

        Assert.True(declined.Succeeded);
        Assert.Null(declined.Value!.Proposal);
        Assert.Equal(PaymentStatus.Suspense, (await _portal.LoadPaymentAsync(id)).Status);
        await using var db = _portal.CreateDbContext();
        Assert.Contains("another id", (await db.AuditEntries.SingleAsync(a => a.Action == "suspense.decline", Ct)).After);
    }

    [Fact]
    public async Task Of_two_approvals_at_the_same_moment_exactly_one_wins()
    {
        for (var round = 0; round < 5; round++)
        {
            var id = await PostHeldAsync("nobody", "shop");
            var proposed = await Suspense.ProposeRepairAsync(new RepairProposal(id, null, $"new-{round}", "New Payer", null), Alice, Ct);
            var version = proposed.Value!.Version;

            var results = await Task.WhenAll(
                Task.Run(() => Suspense.ApproveAsync(id, version, Bob, Ct), Ct),
                Task.Run(() => Suspense.ApproveAsync(id, version, "carol@momo.test", Ct), Ct));

            Assert.Single(results, r => r.Succeeded);
            var loser = Assert.Single(results, r => !r.Succeeded);
            Assert.Matches("at the same moment|no longer in suspense|changed since", loser.Errors["Approval"]);
            await using var db = _portal.CreateDbContext();
            Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "suspense.approve" && a.EntityId == id.ToString(), Ct));
            Assert.Equal(1, await db.Payers.CountAsync(p => p.Id == $"new-{round}", Ct));
            Assert.Equal(PaymentStatus.Received, (await _portal.LoadPaymentAsync(id)).Status);
        }
    }

    private Task<long> PostHeldAsync(string payer, string partner) =>
        _portal.PostPaymentAsync(partner, "55.10", Guid.NewGuid().ToString("N"), payer);

    private Task<RoutingSummary> RoutePassAsync() => _portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct);
}

public sealed class SuspenseQueueOnSqliteTests() : SuspenseQueueTests(DatabaseProvider.Sqlite);

public sealed class SuspenseQueueOnPostgresTests() : SuspenseQueueTests(DatabaseProvider.Postgres);
