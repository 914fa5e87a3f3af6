using System.Diagnostics;
using Microsoft.Data.Sqlite;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Reliability;

/// <summary>
/// A process killed while Hangfire held its recurring-jobs lock leaves the lock in hangfire.db until it expires. The
/// next start must answer banks at once; the recurring jobs are registered when the lock allows.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class StaleHangfireLockTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_start_does_not_wait_for_a_recurring_jobs_lock_left_by_a_killed_process()
    {
        await using (var first = new PortalProcess(_data.Path))
        {
            await first.StartAsync();
        }

        SqliteConnection.ClearAllPools();
        await using (var hangfire = new SqliteConnection($"Data Source={Path.Combine(_data.Path, "hangfire.db")};Pooling=false"))
        {
            await hangfire.OpenAsync(Xunit.TestContext.Current.CancellationToken);
            await using var command = hangfire.CreateCommand();
            // What the killed process's locks look like: the scheduler's and a job's, held for ten more minutes.
            command.CommandText = """
                INSERT INTO "DistributedLock" ("Id", "Resource", "ExpireAt") VALUES
                    ($id1, 'HangFire:recurring-jobs:lock', $expireAt),
                    ($id2, 'HangFire:lock:recurring-job:route-payments', $expireAt),
                    ($id3, 'HangFire:recurring-job:route-payments', $expireAt)
                """;
            command.Parameters.AddWithValue("$id1", Guid.NewGuid().ToString());
            command.Parameters.AddWithValue("$id2", Guid.NewGuid().ToString());
            command.Parameters.AddWithValue("$id3", Guid.NewGuid().ToString());
            command.Parameters.AddWithValue("$expireAt", DateTime.UtcNow.AddMinutes(10).Ticks);
            await command.ExecuteNonQueryAsync(Xunit.TestContext.Current.CancellationToken);
        }

        await using var second = new PortalProcess(_data.Path);
        var started = Stopwatch.StartNew();
        await second.StartAsync();

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"the start took {started.Elapsed.TotalSeconds:0.0} s");
    }

    public void Dispose() => _data.Dispose();
}
