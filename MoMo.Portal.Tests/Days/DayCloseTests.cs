using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Days;
using MoMo.Portal.Payments;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Days;

/// <summary>The running totals and the close, through the bank API, the services and the command line, on each database.</summary>
public abstract class DayCloseTests(DatabaseProvider provider) : IAsyncLifetime
{
    private PortalFactory _portal = default!;

    private DayTotalsReader Reader => _portal.Services.GetRequiredService<DayTotalsReader>();
    private DayCloser Closer => _portal.Services.GetRequiredService<DayCloser>();
    private TotalsFolder Folder => _portal.Services.GetRequiredService<TotalsFolder>();
    private DateOnly Today => Reader.Today;

    public async ValueTask InitializeAsync()
    {
        _portal = PortalFactory.On(provider);
        await _portal.InitializeAsync();
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task Payments_from_the_bank_api_count_at_once_and_the_fold_stores_them_with_the_same_figures()
    {
        await _portal.PostPaymentAsync(amount: "10.00", transactionId: "T-1");
        await _portal.PostPaymentAsync(amount: "2.50", transactionId: "T-2");

        var before = await Reader.DayAsync(Today, Ct);
        var folded = await Folder.FoldAsync(Ct);
        var after = await Reader.DayAsync(Today, Ct);

        Assert.True(folded > 0);
        var line = Assert.Single(before.Lines);
        Assert.Equal(new TotalsLine(PortalFactory.BankCode, PortalFactory.PartnerId, "USD", TotalsBucket.Waiting, 2, 1250), line);
        Assert.Equal(before.Lines, after.Lines);
        await using var db = _portal.CreateDbContext();
        Assert.Equal(1250, await db.DayTotals.Where(t => t.Day == Today).SumAsync(t => t.AmountMinor, Ct));
        Assert.Equal(0, await db.Payments.CountAsync(p => p.FoldedVersion != p.BucketVersion, Ct));
    }

    [Fact]
    public async Task A_fold_behind_a_busy_router_writes_at_most_its_limit_of_rows_per_writer_turn_and_counts_every_payment()
    {
        // New payments delivered before the fold saw them: each must be written again, so they take several turns.
        var count = TotalsFolder.ChangedPerTurn * 2 + 200;
        var received = DateTime.UtcNow;
        await using (var db = _portal.CreateDbContext())
        {
            for (var i = 0; i < count; i++)
            {
                var payment = Payment.Receive(PortalFactory.BankCode, PortalFactory.PayerId, PortalFactory.PartnerId, 100 + i, "USD",
                    $"busy-{i}", null, "fp", Guid.NewGuid().ToString("N"), received);
                payment.MarkDelivered(received);
                db.Payments.Add(payment);
            }

            await db.SaveChangesAsync(Ct);
        }

        var turns = await Folder.FoldAsync(Ct);

        Assert.True(turns >= 3, $"{count} changed payments folded in {turns} writer turn(s)");
        var line = Assert.Single((await Reader.DayAsync(Today, Ct)).Lines);
        Assert.Equal((TotalsBucket.Delivered, (long)count, Enumerable.Range(100, count).Sum(a => (long)a)), (line.Bucket, line.Count, line.AmountMinor));
        await using var check = _portal.CreateDbContext();
        Assert.Equal(0, await check.Payments.CountAsync(p => p.FoldedVersion != p.BucketVersion, Ct));
    }

    [Fact]
    public async Task A_day_cannot_close_before_its_cut_off_and_closing_twice_changes_nothing()
    {
        var yesterday = Today.AddDays(-1);
        await SeedAsync(yesterday, 700);

        var early = await Closer.CloseAsync(Today, "test", Ct);
        var first = await Closer.CloseAsync(yesterday, "alice", Ct);
        var second = await Closer.CloseAsync(yesterday, "bob", Ct);

        Assert.IsType<CloseOutcome.TooEarly>(early);
        Assert.Equal("alice", Assert.IsType<CloseOutcome.Closed>(first).Day.ClosedBy);
        Assert.Equal("alice", Assert.IsType<CloseOutcome.AlreadyClosed>(second).Day.ClosedBy);
        var day = await Reader.DayAsync(yesterday, Ct);
        Assert.True(day.IsClosed);
        Assert.Equal(700, Assert.Single(day.Lines).AmountMinor);
        await using var db = _portal.CreateDbContext();
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "day.close", Ct));
    }

    [Fact]
    public async Task A_retry_delivered_after_the_close_is_an_adjustment_of_today_and_the_closed_day_does_not_change()
    {
        var yesterday = Today.AddDays(-1);
        var id = await SeedAsync(yesterday, 900, errored: true);
        await Closer.CloseAsync(yesterday, "test", Ct);
        var closed = await Reader.DayAsync(yesterday, Ct);

        await using (var db = _portal.CreateDbContext())
        {
            var payment = await db.Payments.SingleAsync(p => p.Id == id, Ct);
            payment.ScheduleStaffRetry("ops", DateTime.UtcNow);
            payment.MarkDelivered(DateTime.UtcNow);
            await db.SaveChangesAsync(Ct);
        }

        var unfolded = await Reader.DayAsync(Today, Ct);
        await Folder.FoldAsync(Ct);
        var folded = await Reader.DayAsync(Today, Ct);
        var after = await Reader.DayAsync(yesterday, Ct);

        Assert.Equal(closed.Lines, after.Lines);
        Assert.Equal(TotalsBucket.Errored, Assert.Single(after.Lines).Bucket);
        AdjustmentLine[] expected =
        [
            new(Today, yesterday, PortalFactory.BankCode, PortalFactory.PartnerId, "USD", TotalsBucket.Delivered, 1, 900),
            new(Today, yesterday, PortalFactory.BankCode, PortalFactory.PartnerId, "USD", TotalsBucket.Errored, -1, -900),
        ];
        Assert.Equal(expected, after.AdjustmentsToThisDay);
        Assert.Equal(expected, folded.AdjustmentsMade);
        Assert.Equal(folded.AdjustmentsMade, unfolded.AdjustmentsMade);
    }

    [Fact]
    public async Task The_command_line_lists_shows_and_closes_days()
    {
        var yesterday = Today.AddDays(-1);
        await SeedAsync(yesterday, 1234);
        var date = yesterday.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var close = await RunAsync("days", "close", "--date", date);
        var again = await RunAsync("days", "close", "--date", date);
        var early = await RunAsync("days", "close", "--date", Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var list = await RunAsync("days", "list", "--json");
        var show = await RunAsync("days", "show", "--date", date);
        var bad = await RunAsync("days", "show", "--date", "yesterday");

        Assert.Equal((0, $"Closed {date}."), (close.ExitCode, close.Output.Trim()));
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("was already closed", again.Output, StringComparison.Ordinal);
        Assert.Equal(1, early.ExitCode);
        Assert.Contains("cannot close before its cut-off", early.Error, StringComparison.Ordinal);
        var day = Assert.Single(JsonDocument.Parse(list.Output).RootElement.EnumerateArray());
        Assert.True(day.GetProperty("is_closed").GetBoolean());
        Assert.Equal("12.34", day.GetProperty("buckets").GetProperty("waiting").GetProperty("USD").GetProperty("amount").GetString());
        Assert.Contains($"{PortalFactory.BankCode}\t{PortalFactory.PartnerId}\tUSD\twaiting\t1\t12.34", show.Output, StringComparison.Ordinal);
        Assert.Equal(2, bad.ExitCode);
    }

    private async Task<long> SeedAsync(DateOnly day, long amountMinor, bool errored = false)
    {
        var calendar = _portal.Services.GetRequiredService<BusinessCalendar>();
        await using var db = _portal.CreateDbContext();
        var payment = Payment.Receive(PortalFactory.BankCode, PortalFactory.PayerId, PortalFactory.PartnerId, amountMinor, "USD",
            null, null, "fp", Guid.NewGuid().ToString("N"), calendar.StartUtc(day).AddHours(1));
        if (errored)
        {
            payment.MarkErrored("HTTP 410");
        }

        db.Payments.Add(payment);
        await db.SaveChangesAsync(Ct);
        return payment.Id;
    }

    private Task<CommandRun> RunAsync(params string[] args) => CommandLineRunner.RunOnAsync(_portal.Services, args);
}

public sealed class DayCloseOnSqliteTests() : DayCloseTests(DatabaseProvider.Sqlite);

public sealed class DayCloseOnPostgresTests() : DayCloseTests(DatabaseProvider.Postgres);
