using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Banks;
using MoMo.Portal.Data;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Ingestion;

/// <summary>
/// The bank API as an attacker meets it, on a real loopback socket (so every request has a remote address): nothing
/// a caller without a bank's key sends is kept beyond one bounded intake row, limits answer 429 before a body is read,
/// and one poisoned row never fails the banks whose payments were written with it.
/// </summary>
public abstract class HostileClientTests(DatabaseProvider provider)
{
    [Fact]
    public async Task An_anonymous_flood_to_made_up_banks_keeps_no_body_only_a_bounded_intake_row_each()
    {
        await using var portal = await PortalFactory.On(provider).With("Intake:FailuresPerMinutePerAddress", "1000").StartOnKestrelAsync();
        using var client = portal.CreateClient();
        var before = await CountsAsync(portal);
        var body = "{\"junk\":\"" + new string('x', 60 * 1024 - 20) + "\"}";
        var sqliteBytesBefore = provider == DatabaseProvider.Sqlite ? await SqliteBytesAsync(portal) : 0;

        for (var i = 0; i < 200; i++)
        {
            var bankCode = i % 2 == 0 ? $"made_up_{i}" : PortalFactory.BankCode;
            var response = await client.SendAsync(BankRequests.Post(body, i % 3 == 0 ? null : "mbk_guess-guess-guess-guess-guess", bankCode), Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var after = await CountsAsync(portal);
        Assert.Equal(before.Proofs, after.Proofs);
        Assert.Equal(before.Payments, after.Payments);
        Assert.Equal(before.Intake + 200, after.Intake);
        await using var db = portal.CreateDbContext();
        var records = await db.IntakeRecords.OrderByDescending(r => r.Id).Take(200).ToListAsync(Ct);
        Assert.All(records, r =>
        {
            Assert.Null(r.ProofKey);
            Assert.Equal("127.0.0.1", r.RemoteAddress);
            Assert.Equal(Encoding.UTF8.GetByteCount(body), r.BodyBytes);
            Assert.Equal(401, r.StatusCode);
        });
        if (provider == DatabaseProvider.Sqlite)
        {
            // 200 × 60 KB was 12 MB of proofs; 200 intake rows are a few pages.
            Assert.InRange(await SqliteBytesAsync(portal) - sqliteBytesBefore, 0, 200 * 1024);
        }
    }

    [Fact]
    public async Task Failed_authentications_from_one_address_are_limited_with_a_429_problem_that_writes_nothing()
    {
        await using var portal = await PortalFactory.On(provider).With("Intake:FailuresPerMinutePerAddress", "5").StartOnKestrelAsync();
        using var client = portal.CreateClient();
        var before = await CountsAsync(portal);

        for (var i = 0; i < 5; i++)
        {
            var refused = await client.SendAsync(BankRequests.Post(BankRequests.Body(), "mbk_guess-guess-guess-guess-guess"), Ct);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // A refill tick passes: the fraction of a token it brings back must not let the address in again.
        await Task.Delay(TimeSpan.FromMilliseconds(300), Ct);
        var limited = await client.SendAsync(BankRequests.Post(BankRequests.Body(), "mbk_guess-guess-guess-guess-guess"), Ct);
        // Once limited, the address cannot go on trying keys: even the right one waits.
        var rightKey = await client.SendAsync(BankRequests.Post(BankRequests.Body(), portal.BankApiKey), Ct);

        foreach (var response in new[] { limited, rightKey })
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("too_many_failed_attempts", (await response.JsonAsync()).GetProperty("code").GetString());
            Assert.InRange(response.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1));
        }

        var after = await CountsAsync(portal);
        Assert.Equal(before.Intake + 5, after.Intake);
        Assert.Equal(before.Proofs, after.Proofs);
        Assert.Equal(before.Payments, after.Payments);
    }

    [Fact]
    public async Task A_bank_over_its_rate_gets_429_with_retry_after_and_every_201_is_a_stored_payment()
    {
        await using var portal = await PortalFactory.On(provider).With("Intake:RequestsPerSecondPerBank", "5").StartOnKestrelAsync();
        using var client = portal.CreateClient();
        var before = await CountsAsync(portal);

        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
            client.SendAsync(BankRequests.Post(BankRequests.Body(transactionId: $"RATE-{i}"), portal.BankApiKey), Ct)));

        var created = responses.Count(r => r.StatusCode == HttpStatusCode.Created);
        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(30, created + limited.Count);
        Assert.InRange(created, 5, 15);
        Assert.All(limited, r => Assert.NotNull(r.Headers.RetryAfter?.Delta));
        Assert.Equal("rate_limited", (await limited[0].JsonAsync()).GetProperty("code").GetString());
        var after = await CountsAsync(portal);
        Assert.Equal(before.Payments + created, after.Payments);
        Assert.Equal(before.Intake, after.Intake);
    }

    [Fact]
    public async Task A_bank_calling_from_outside_its_networks_gets_403_before_its_body_is_read()
    {
        await using var portal = await PortalFactory.On(provider).StartOnKestrelAsync();
        var banks = portal.Services.GetRequiredService<BankService>();
        using var client = portal.CreateClient();
        await banks.SetAllowedNetworksAsync(PortalFactory.BankCode, "203.0.113.0/24, 2001:db8::/32", "test", Ct);
        var before = await CountsAsync(portal);

        var outside = await client.SendAsync(BankRequests.Post(BankRequests.Body(), portal.BankApiKey), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
        var problem = await outside.JsonAsync();
        Assert.Equal("source_not_allowed", problem.GetProperty("code").GetString());
        Assert.Contains("127.0.0.1", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var after = await CountsAsync(portal);
        Assert.Equal(before.Proofs, after.Proofs);
        Assert.Equal(before.Intake + 1, after.Intake);

        await banks.SetAllowedNetworksAsync(PortalFactory.BankCode, "203.0.113.0/24, 127.0.0.0/8", "test", Ct);
        var inside = await client.SendAsync(BankRequests.Post(BankRequests.Body(), portal.BankApiKey), Ct);
        Assert.Equal(HttpStatusCode.Created, inside.StatusCode);
    }

    [Fact]
    public async Task A_request_line_longer_than_its_column_is_stored_with_its_path_truncated()
    {
        await using var portal = await PortalFactory.On(provider).StartOnKestrelAsync();
        using var client = portal.CreateClient();
        var request = BankRequests.Post(BankRequests.Body(), portal.BankApiKey);
        request.RequestUri = new Uri($"/api/v1/banks/{PortalFactory.BankCode}/payments?pad={new string('q', 3000)}", UriKind.Relative);

        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        await using var db = portal.CreateDbContext();
        var proof = await db.RequestProofs.OrderByDescending(p => p.ReceivedAtUtc).FirstAsync(Ct);
        Assert.Equal(MoMo.Portal.Ingestion.RequestProof.MaxPathLength, proof.Path.Length);
        Assert.EndsWith(StorableText.TruncationMarker, proof.Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_payment_the_database_refuses_fails_alone_and_the_rest_of_its_batch_is_stored()
    {
        await using var portal = await PortalFactory.On(provider).StartOnKestrelAsync();
        await portal.ExecuteSqlAsync(provider == DatabaseProvider.Sqlite
            ? """
              CREATE TRIGGER poison BEFORE INSERT ON "Payments" WHEN NEW."BankReference" = 'POISON'
              BEGIN SELECT RAISE(ABORT, 'poisoned row'); END;
              """
            : """
              CREATE FUNCTION poison() RETURNS trigger LANGUAGE plpgsql AS
              $$ BEGIN IF NEW."BankReference" = 'POISON' THEN RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; END $$;
              CREATE TRIGGER poison BEFORE INSERT ON "Payments" FOR EACH ROW EXECUTE FUNCTION poison();
              """);
        using var client = portal.CreateClient();

        // Sent together, so the writer batches the poisoned payment with the good ones.
        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => client.SendAsync(
            BankRequests.Post(BankRequests.Body(transactionId: i == 20 ? "POISON" : $"GOOD-{i}"), portal.BankApiKey), Ct)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, responses[20].StatusCode);
        Assert.Equal(39, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        await using var db = portal.CreateDbContext();
        Assert.Equal(39, await db.Payments.CountAsync(p => p.BankReference!.StartsWith("GOOD-"), Ct));
        Assert.False(await db.Payments.AnyAsync(p => p.BankReference == "POISON", Ct));
    }

    [Fact]
    public async Task The_retention_purge_forgets_old_refusals_and_repeats_and_keeps_every_payment_and_its_proof()
    {
        await using var portal = await PortalFactory.On(provider).With("Intake:Retention", "1.00:00:00").StartOnKestrelAsync();
        using var client = portal.CreateClient();
        var body = BankRequests.Body(transactionId: "KEEP-1");
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(BankRequests.Post(body, portal.BankApiKey), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(BankRequests.Post(body, portal.BankApiKey), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(BankRequests.Post("{}", portal.BankApiKey), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(BankRequests.Post(body, null), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(
            BankRequests.Post(BankRequests.Body(transactionId: "KEEP-2"), portal.BankApiKey), Ct)).StatusCode);
        // Everything so far is two days old; then one refusal of today.
        await using (var db = portal.CreateDbContext())
        {
            var twoDaysAgo = DateTime.UtcNow.AddDays(-2);
            await db.IntakeRecords.ExecuteUpdateAsync(s => s.SetProperty(r => r.ReceivedAtUtc, twoDaysAgo), Ct);
            await db.Payments.ExecuteUpdateAsync(s => s.SetProperty(p => p.ReceivedAtUtc, twoDaysAgo), Ct);
        }

        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(BankRequests.Post("[]", portal.BankApiKey), Ct)).StatusCode);

        var purged = await portal.Services.GetRequiredService<MoMo.Portal.Ingestion.IntakeRetention>().PurgeAsync(Ct);

        Assert.Equal(new MoMo.Portal.Ingestion.PurgeResult(3, 2), purged);
        await using var check = portal.CreateDbContext();
        var payments = await check.Payments.ToListAsync(Ct);
        Assert.Equal(2, payments.Count);
        Assert.All(payments, p => Assert.True(check.RequestProofs.Any(proof => proof.Key == p.ProofKey)));
        Assert.Equal(400, (await check.IntakeRecords.SingleAsync(Ct)).StatusCode);
        Assert.Equal(3, await check.RequestProofs.CountAsync(Ct));
    }

    private static async Task<(int Payments, int Proofs, int Intake)> CountsAsync(PortalFactory portal)
    {
        await using var db = portal.CreateDbContext();
        return (await db.Payments.CountAsync(Ct), await db.RequestProofs.CountAsync(Ct), await db.IntakeRecords.CountAsync(Ct));
    }

    /// <summary>The size of the SQLite database file once its write-ahead log is copied in (the log itself is reused).</summary>
    private static async Task<long> SqliteBytesAsync(PortalFactory portal)
    {
        await portal.ExecuteSqlAsync("PRAGMA wal_checkpoint(TRUNCATE)");
        return new FileInfo(Path.Combine(portal.DataDirectory, "momo.db")).Length;
    }
}

public sealed class HostileClientOnSqliteTests() : HostileClientTests(DatabaseProvider.Sqlite);

public sealed class HostileClientOnPostgresTests() : HostileClientTests(DatabaseProvider.Postgres);
