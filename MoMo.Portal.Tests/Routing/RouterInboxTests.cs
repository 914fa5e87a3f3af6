using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Routing;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Routing;

/// <summary>
/// Payments that wait for their partner, on each database: on SQLite they are filed from the router's inbox into their
/// partner's queue (<see cref="RouterInbox"/>), on PostgreSQL they stay where they are; either way they go out, oldest
/// first, the moment the partner takes deliveries again.
/// </summary>
public abstract class RouterInboxTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Payments_held_for_a_paused_partner_go_out_oldest_first_before_newer_ones_when_it_resumes()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = PortalFactory.On(provider)
            .With("Routing:RunBackgroundJobs", "false").With("Routing:InboxWait", "00:00:00.300").With("Routing:MaxPerPartner", "1");
        await portal.InitializeAsync();
        await portal.AddWebhookPartnerAsync("shop", receiver.Url("shop"));
        var router = portal.Services.GetRequiredService<PaymentRouter>();

        // Three wait past the inbox wait (filed, on SQLite); the fourth comes after the resume and is in the inbox when
        // the lane claims. A lane claims two at a time here: the first claim must be the two oldest.
        await CommandLineRunner.RunOnAsync(portal.Services, "partner", "pause", "--account-id", "shop");
        foreach (var id in new[] { "Q-1", "Q-2", "Q-3" })
        {
            await portal.PostPaymentAsync("shop", "1.00", id);
        }

        await Task.Delay(TimeSpan.FromMilliseconds(400), Ct);
        await router.RunPassAsync(Ct);
        await CommandLineRunner.RunOnAsync(portal.Services, "partner", "resume", "--account-id", "shop");
        await portal.PostPaymentAsync("shop", "1.00", "Q-4");
        await router.RunPassAsync(Ct);

        Assert.Equal(["Q-1", "Q-2", "Q-3", "Q-4"],
            receiver.For("shop").Select(w => new[] { "Q-1", "Q-2", "Q-3", "Q-4" }.Single(w.Body.Contains)).ToArray());
    }
}

public sealed class RouterInboxOnSqliteTests() : RouterInboxTests(DatabaseProvider.Sqlite)
{
    [Fact]
    public async Task A_payment_that_waits_past_the_inbox_wait_is_filed_into_its_partners_queue_and_one_taken_sooner_is_not()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var portal = PortalFactory.On(DatabaseProvider.Sqlite)
            .With("Routing:RunBackgroundJobs", "false").With("Routing:InboxWait", "00:00:00.300");
        await portal.InitializeAsync();
        await portal.AddWebhookPartnerAsync("shop", receiver.Url("shop"));
        await portal.AddWebhookPartnerAsync("away", receiver.Url("away"));
        var router = portal.Services.GetRequiredService<PaymentRouter>();
        await CommandLineRunner.RunOnAsync(portal.Services, "partner", "pause", "--account-id", "away");

        var held = await portal.PostPaymentAsync("away", "1.00", "F-1");
        var taken = await portal.PostPaymentAsync("shop", "1.00", "F-2");
        await router.RunPassAsync(Ct);
        var afterFirstPass = await WhereAsync(portal, held);
        await Task.Delay(TimeSpan.FromMilliseconds(400), Ct);
        await router.RunPassAsync(Ct);
        var afterTheWait = await WhereAsync(portal, held);

        Assert.Equal((true, false), (afterFirstPass.InInbox, afterFirstPass.Queued));
        Assert.Equal((false, true), (afterTheWait.InInbox, afterTheWait.Queued));
        Assert.Equal(PaymentStatus.Delivered, (await portal.LoadPaymentAsync(taken)).Status);
        Assert.Empty(receiver.For("away"));
    }

    /// <summary>
    /// The partner's index leaves the inbox out, so a query by partner must say which half it reads: the list's partner
    /// filter, its "Held" filter and its sort by partner read index ranges, never every payment. (The filter in the
    /// index is written as EF Core writes the rule; if either changes alone, SQLite scans, and this says so.)
    /// </summary>
    [Fact]
    public async Task The_lists_questions_by_partner_read_indexes_not_every_payment()
    {
        await using var portal = PortalFactory.On(DatabaseProvider.Sqlite).With("Routing:RunBackgroundJobs", "false");
        await portal.InitializeAsync();
        await using var db = portal.CreateDbContext();
        var keys = await PaymentKeys.ReadAsync(db, Ct);
        IQueryable<Payment> Filtered(PaymentFilter filter) => filter.Apply(db.Payments, db.Partners, keys);

        var queries = new[]
        {
            Filtered(new PaymentFilter { Partner = "shop" }),
            Filtered(new PaymentFilter { Partner = "shop", Status = nameof(PaymentStatus.Errored) }),
            Filtered(new PaymentFilter { Status = PaymentFilter.HeldStatus }),
            PaymentRow.Sort(Filtered(new PaymentFilter()), nameof(PaymentRow.PartnerAccountId), descending: false).Take(25),
        };

        foreach (var sql in queries.Select(query => query.Select(p => p.Id).ToQueryString()))
        {
            var plan = await PlanAsync(db, sql);
            Assert.Contains(PartnerIndex, plan);
            // A step "SCAN x" reads all of x (the payments are named by the aliases EF Core gave them), but for the sort
            // by partner, which walks the partner's index in its order and stops at the page.
            foreach (var alias in Regex.Matches(sql, "\"Payments\" AS \"(\\w+)\"").Select(m => m.Groups[1].Value))
            {
                Assert.DoesNotMatch($"SCAN {alias}(?! USING (COVERING )?INDEX {PartnerIndex})\\b", plan);
            }
        }
    }

    private const string PartnerIndex = "IX_Payments_PartnerAccountId_Status_NextAttemptAtUtc";

    private static async Task<string> PlanAsync(PortalDbContext db, string query)
    {
        // ToQueryString declares its parameters in comments (".param set" lines); the plan does not depend on their values.
        var sql = string.Join('\n', query.Split('\n').Where(line => !line.StartsWith(".param", StringComparison.Ordinal)));
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        var steps = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            steps.Add(reader.GetString(3));
        }

        return string.Join('\n', steps);
    }

    private static async Task<(bool InInbox, bool Queued)> WhereAsync(PortalFactory portal, long id)
    {
        var payment = await portal.LoadPaymentAsync(id);
        return (PaymentRules.InInbox(payment.Status, payment.NextAttemptAtUtc), PaymentRules.IsQueued(payment.Status, payment.NextAttemptAtUtc));
    }
}

public sealed class RouterInboxOnPostgresTests() : RouterInboxTests(DatabaseProvider.Postgres);
