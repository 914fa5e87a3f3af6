using System.Net;
using Microsoft.Data.Sqlite;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Reliability;

/// <summary>
/// The data directory's disk fills up while banks are sending: they get 503 and send again, nothing acknowledged is
/// lost, nothing is half-written, the portal keeps running, and once there is room the same request is stored once.
/// On a disk too full to create the database, the portal says so in one line at start.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class DiskFullTests
{
    private const string ApiKey = "mbk_disk_full_test_key_0123456789ab";

    [Fact]
    public async Task A_disk_that_fills_up_while_running_costs_no_acknowledged_payment_and_the_bank_retry_succeeds_once_there_is_room()
    {
        await using var disk = await SmallDisk.MountAsync(kilobytes: 16 * 1024);
        await using var portal = new PortalProcess(disk.Path, new Dictionary<string, string> { ["Routing:RunBackgroundJobs"] = "false" });
        Assert.Equal(0, await portal.RunCommandAsync("bank", "add", "--code", "africa_bank", "--name", "Africa Bank", "--api-key", ApiKey));
        Assert.Equal(0, await portal.RunCommandAsync("partner", "add", "--account-id", "shop", "--name", "Shop", "--notify", "api",
            "--contact", "https://shop.example/hooks"));
        Assert.Equal(0, await portal.RunCommandAsync("payer", "add", "--id", "payer1", "--name", "Payer One"));
        await portal.StartAsync();
        // Leave room for a few hundred payments and their proofs.
        await disk.ResizeAsync(disk.UsedBytes / 1024 + 768);

        using var http = new HttpClient { BaseAddress = portal.BaseAddress };
        var acknowledged = new Dictionary<string, long>();
        string? refused = null;
        for (var i = 0; i < 5_000 && refused is null; i++)
        {
            var reference = $"full-{i}";
            using var response = await PostAsync(http, reference);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                acknowledged[reference] = (await response.JsonAsync()).GetProperty("id").GetInt64();
                continue;
            }

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("storage_unavailable", (await response.JsonAsync()).GetProperty("code").GetString());
            Assert.NotNull(response.Headers.RetryAfter);
            refused = reference;
        }

        Assert.NotNull(refused);
        Assert.NotEmpty(acknowledged);
        using (var again = await PostAsync(http, refused))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, again.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health/live", Ct)).StatusCode);

        // Room again: the bank's retry of the refused payment is stored, once.
        await disk.ResizeAsync(64 * 1024);
        using (var retried = await PostAsync(http, refused))
        {
            Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
            acknowledged[refused] = (await retried.JsonAsync()).GetProperty("id").GetInt64();
        }

        await portal.KillAsync();
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(disk.Path, "momo.db")};Pooling=False");
        await connection.OpenAsync(Ct);
        Assert.Equal("ok", await ScalarAsync(connection, "PRAGMA integrity_check;"));
        Assert.Equal(acknowledged.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            await ScalarAsync(connection, "SELECT COUNT(*) FROM Payments;"));
        Assert.Equal("0", await ScalarAsync(connection,
            "SELECT COUNT(*) FROM Payments p WHERE NOT EXISTS (SELECT 1 FROM RequestProofs r WHERE r.Key = p.ProofKey);"));
        foreach (var (reference, id) in acknowledged)
        {
            Assert.Equal(id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                await ScalarAsync(connection, $"SELECT Id FROM Payments WHERE BankReference = '{reference}';"));
        }
    }

    [Fact]
    public async Task A_disk_too_full_for_the_database_is_reported_in_one_line_at_start()
    {
        await using var disk = await SmallDisk.MountAsync(kilobytes: 64);
        await using var portal = new PortalProcess(disk.Path);

        var (exitCode, error) = await portal.RunToExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, exitCode);
        Assert.Contains("MoMo Portal cannot start: The SQLite database", error, StringComparison.Ordinal);
        Assert.Contains("full", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    /// <summary>A bank's payment with a few kilobytes of (legal) JSON whitespace, so that the disk fills in a few hundred.</summary>
    private static Task<HttpResponseMessage> PostAsync(HttpClient http, string reference)
    {
        var body = BankRequests.Body("payer1", "shop", "10.00", transactionId: reference).Replace("{", "{" + new string(' ', 4096), StringComparison.Ordinal);
        var request = BankRequests.Post(body, ApiKey);
        request.RequestUri = new Uri("/africa_bank", UriKind.Relative);
        return http.SendAsync(request, Ct);
    }

    private static async Task<string?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
