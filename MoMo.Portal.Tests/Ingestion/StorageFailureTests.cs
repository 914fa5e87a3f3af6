using System.Net;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Ingestion;

public sealed class StorageFailureTests
{
    [Fact]
    public async Task When_the_database_cannot_be_written_the_bank_gets_503_and_nothing_is_half_written()
    {
        await using var portal = new PortalFactory().With("MoMo:SqliteBusyTimeoutMs", "200");
        await portal.InitializeAsync();
        var client = portal.CreateClient();
        int paymentsBefore, proofsBefore;
        await using (var db = portal.CreateDbContext())
        {
            paymentsBefore = await db.Payments.CountAsync(Ct);
            proofsBefore = await db.RequestProofs.CountAsync(Ct);
        }

        // Another process holds SQLite's write lock longer than the busy timeout.
        await using var blocker = new SqliteConnection($"Data Source={Path.Combine(portal.DataDirectory, "momo.db")}");
        await blocker.OpenAsync(Ct);
        await using (var begin = blocker.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE;";
            await begin.ExecuteNonQueryAsync(Ct);
        }

        var blocked = await client.SendAsync(BankRequests.Post(BankRequests.Body(transactionId: "T-503"), portal.BankApiKey), Ct);
        var rejectedWhileBlocked = await client.SendAsync(BankRequests.Post("{", portal.BankApiKey), Ct);

        await using (var rollback = blocker.CreateCommand())
        {
            rollback.CommandText = "ROLLBACK;";
            await rollback.ExecuteNonQueryAsync(Ct);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, blocked.StatusCode);
        Assert.Equal("storage_unavailable", (await blocked.JsonAsync()).GetProperty("code").GetString());
        Assert.NotNull(blocked.Headers.RetryAfter);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, rejectedWhileBlocked.StatusCode);
        await using (var db = portal.CreateDbContext())
        {
            Assert.Equal(paymentsBefore, await db.Payments.CountAsync(Ct));
            Assert.Equal(proofsBefore, await db.RequestProofs.CountAsync(Ct));
        }

        // The bank's retry of the same request, once storage is back, stores the payment once.
        var retried = await client.SendAsync(BankRequests.Post(BankRequests.Body(transactionId: "T-503"), portal.BankApiKey), Ct);
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        await using (var db = portal.CreateDbContext())
        {
            Assert.Equal(1, await db.Payments.CountAsync(p => p.BankReference == "T-503", Ct));
        }
    }
}
