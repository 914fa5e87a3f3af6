using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Tests.TestSupport;
using Npgsql;

namespace MoMo.Portal.Tests.Routing;

/// <summary>On PostgreSQL, where instances claim concurrently, a claim never waits for rows another instance holds.</summary>
public sealed class PostgresClaimTests
{
    [Fact]
    public async Task A_payment_row_locked_by_another_instance_is_skipped_not_waited_for()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = PortalFactory.On(DatabaseProvider.Postgres);
        await portal.InitializeAsync();
        await portal.AddWebhookPartnerAsync("shop", receiver.Url("shop"));
        var locked = await portal.PostPaymentAsync("shop", "1.00", "T-locked");
        var free = await portal.PostPaymentAsync("shop", "2.00", "T-free");

        // Another instance in the middle of its claim: it holds the row lock of one payment.
        await using var other = new NpgsqlConnection(portal.ConnectionString);
        await other.OpenAsync(Ct);
        await using var otherClaim = await other.BeginTransactionAsync(Ct);
        await using (var command = new NpgsqlCommand("SELECT 1 FROM \"Payments\" WHERE \"Id\" = $1 FOR UPDATE", other, otherClaim))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = locked });
            await command.ExecuteNonQueryAsync(Ct);
        }

        var pass = portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct);
        var finished = await Task.WhenAny(pass, Task.Delay(TimeSpan.FromSeconds(10), Ct));

        Assert.True(finished == pass, "the router waited for a row another instance had locked");
        Assert.Equal(1, (await pass).Delivered);
        Assert.Equal(PaymentStatus.Delivered, (await portal.LoadPaymentAsync(free)).Status);
        Assert.Equal(PaymentStatus.Received, (await portal.LoadPaymentAsync(locked)).Status);

        // Once the other instance lets go, the next pass takes it.
        await otherClaim.RollbackAsync(Ct);
        Assert.Equal(1, (await portal.Services.GetRequiredService<PaymentRouter>().RunPassAsync(Ct)).Delivered);
        Assert.Equal(2, receiver.Received.Count);
    }
}
