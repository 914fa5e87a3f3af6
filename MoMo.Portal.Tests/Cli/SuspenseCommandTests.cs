using System.Net;
using System.Text.Json;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Tests.TestSupport;
using MoMo.Portal.Users;

namespace MoMo.Portal.Tests.Cli;

/// <summary>The suspense queue from the command line, on the portal's own services and database.</summary>
public sealed class SuspenseCommandTests : IAsyncLifetime
{
    private const string Password = "a-long-test-password";
    private readonly PortalFactory _portal = new();

    public async ValueTask InitializeAsync()
    {
        await _portal.InitializeAsync();
        var accounts = _portal.Services.GetRequiredService<UserAccounts>();
        await accounts.CreateAsync("alice@momo.test", Roles.Operator, Password, "test");
        await accounts.CreateAsync("bob@momo.test", Roles.Admin, Password, "test");
        await accounts.CreateAsync("vera@momo.test", Roles.Viewer, Password, "test");
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task Bank_set_turns_holding_on_and_a_held_payment_is_listed_repaired_and_approved_by_someone_else()
    {
        var set = await RunAsync("bank", "set", "--code", PortalFactory.BankCode, "--unknown-reference", "hold");
        Assert.Equal((0, ""), (set.ExitCode, set.Error));
        Assert.Contains("held in suspense", set.Output, StringComparison.Ordinal);
        var id = await PostAsync("nobody", HttpStatusCode.Created);

        var list = await RunAsync("payments", "suspense", "--json");
        var held = Assert.Single(JsonDocument.Parse(list.Output).RootElement.EnumerateArray());
        Assert.Equal(id, held.GetProperty("payment_id").GetInt64());
        Assert.Equal("unknown_payer", held.GetProperty("reason").GetString());
        Assert.Equal("nobody", held.GetProperty("reference_number").GetString());

        var repair = await RunAsync("payments", "repair", "--id", $"{id}", "--payer", PortalFactory.PayerId, "--by", "alice@momo.test", "--note", "typo");
        var own = await RunAsync("payments", "approve", "--id", $"{id}", "--by", "alice@momo.test");
        var viewer = await RunAsync("payments", "approve", "--id", $"{id}", "--by", "vera@momo.test");
        var approve = await RunAsync("payments", "approve", "--id", $"{id}", "--by", "bob@momo.test");

        Assert.Equal(0, repair.ExitCode);
        Assert.Contains($"payments approve --id {id}", repair.Output, StringComparison.Ordinal);
        Assert.Equal(1, own.ExitCode);
        Assert.Contains("two-person control", own.Error, StringComparison.Ordinal);
        Assert.Equal(1, viewer.ExitCode);
        Assert.Contains("is not an Admin or Operator", viewer.Error, StringComparison.Ordinal);
        Assert.Equal((0, ""), (approve.ExitCode, approve.Error));
        Assert.Contains("left suspense for partner merchant-1 and payer payer-1", approve.Output, StringComparison.Ordinal);
        Assert.Equal(PaymentStatus.Received, (await _portal.LoadPaymentAsync(id)).Status);
        Assert.Contains("No payment is in suspense.", (await RunAsync("payments", "suspense")).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_return_needs_a_reason_a_decline_keeps_the_payment_and_unknown_users_and_ids_fail_clearly()
    {
        await RunAsync("bank", "set", "--code", PortalFactory.BankCode, "--unknown-reference", "hold");
        var id = await PostAsync("nobody", HttpStatusCode.Created);

        var blank = await RunAsync("payments", "return", "--id", $"{id}", "--reason", " ", "--by", "alice@momo.test");
        var missingReason = await RunAsync("payments", "return", "--id", $"{id}", "--by", "alice@momo.test");
        var stranger = await RunAsync("payments", "return", "--id", $"{id}", "--reason", "x", "--by", "mallory@momo.test");
        var proposed = await RunAsync("payments", "return", "--id", $"{id}", "--reason", "Not our customer", "--by", "alice@momo.test");
        var declined = await RunAsync("payments", "decline", "--id", $"{id}", "--by", "bob@momo.test", "--note", "Ask the bank first");
        var nothing = await RunAsync("payments", "approve", "--id", $"{id}", "--by", "bob@momo.test");
        var notHeld = await RunAsync("payments", "repair", "--id", "424242", "--by", "alice@momo.test");

        Assert.Equal(1, blank.ExitCode);
        Assert.Contains("error: Reason: A return needs a reason", blank.Error, StringComparison.Ordinal);
        Assert.Equal(2, missingReason.ExitCode);
        Assert.Equal(1, stranger.ExitCode);
        Assert.Contains("no staff user with the e-mail 'mallory@momo.test'", stranger.Error, StringComparison.Ordinal);
        Assert.Equal(0, proposed.ExitCode);
        Assert.Equal(0, declined.ExitCode);
        Assert.Contains("stays in suspense", declined.Output, StringComparison.Ordinal);
        Assert.Equal(1, nothing.ExitCode);
        Assert.Contains("no pending proposal", nothing.Error, StringComparison.Ordinal);
        Assert.Contains("There is no payment 424242.", notHeld.Error, StringComparison.Ordinal);
        Assert.Equal(PaymentStatus.Suspense, (await _portal.LoadPaymentAsync(id)).Status);
    }

    [Fact]
    public async Task Bank_set_back_to_reject_restores_the_422_and_needs_an_option()
    {
        await RunAsync("bank", "set", "--code", PortalFactory.BankCode, "--unknown-reference", "hold");
        var reject = await RunAsync("bank", "set", "--code", PortalFactory.BankCode, "--unknown-reference", "reject");
        var neither = await RunAsync("bank", "set", "--code", PortalFactory.BankCode);
        var wrong = await RunAsync("bank", "set", "--code", PortalFactory.BankCode, "--unknown-reference", "keep");

        Assert.Equal(0, reject.ExitCode);
        await PostAsync("nobody", HttpStatusCode.UnprocessableEntity);
        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("Give --allowed-networks, --unknown-reference, --silence-alert, --statement-csv-mapping or several.", neither.Error, StringComparison.Ordinal);
        Assert.Equal(2, wrong.ExitCode);
    }

    private Task<CommandRun> RunAsync(params string[] args) => CommandLineRunner.RunOnAsync(_portal.Services, args);

    private async Task<long> PostAsync(string payer, HttpStatusCode expected)
    {
        using var client = _portal.CreateClient();
        var response = await client.SendAsync(BankRequests.Post(
            BankRequests.Body(payer: payer, transactionId: Guid.NewGuid().ToString("N")), _portal.BankApiKey), Ct);
        Assert.Equal(expected, response.StatusCode);
        return expected == HttpStatusCode.Created ? (await response.JsonAsync()).GetProperty("id").GetInt64() : 0;
    }
}
