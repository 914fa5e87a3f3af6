using System.Linq.Expressions;
using Hangfire;
using Hangfire.Storage;

namespace MoMo.Portal.Routing;

/// <summary>A recurring Hangfire job a feature wants registered (or updated) in the job storage, on UTC.</summary>
public sealed record RecurringJobRegistration(string Id, Action<IRecurringJobManager, IServiceProvider> Register)
{
    /// <summary>Runs <paramref name="run"/> on <typeparamref name="TJob"/> at the cron the app's options give.</summary>
    public static RecurringJobRegistration For<TJob>(string id, Expression<Func<TJob, Task>> run, Func<IServiceProvider, string> cron) =>
        new(id, (jobs, services) => jobs.AddOrUpdate(id, run, cron(services), new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc }));
}

/// <summary>
/// Registers every <see cref="RecurringJobRegistration"/> once the host has started, retrying while the storage is
/// locked or the database fails. Not on the start path: a process killed while Hangfire held its recurring-jobs lock
/// leaves that lock until it expires (30 s on SQLite), and the next start must answer banks meanwhile, not wait for it.
/// </summary>
internal sealed partial class RecurringJobsRegistrar(
    IEnumerable<RecurringJobRegistration> registrations, IRecurringJobManager manager, IServiceProvider services,
    ILogger<RecurringJobsRegistrar> logger)
    : BackgroundService
{
    private static readonly TimeSpan s_retry = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_storageRetry = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var registration in registrations)
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    registration.Register(manager, services);
                    break;
                }
                catch (DistributedLockTimeoutException exception)
                {
                    LogLocked(exception, registration.Id);
                    await Task.Delay(s_retry, stoppingToken);
                }
                catch (Exception exception) when (Data.DatabaseErrors.IsStorageFailure(exception))
                {
                    // The database went away (restarted, failed over) while the portal started: an exception out of a
                    // background service would stop the whole host, banks and staff included, for a job registration.
                    LogStorageFailed(exception, registration.Id);
                    await Task.Delay(s_storageRetry, stoppingToken);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hangfire's storage is locked (a stopped process's lock not yet expired); registering {JobId} again shortly")]
    private partial void LogLocked(Exception exception, string jobId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not register the recurring job {JobId}: the database failed; trying again shortly")]
    private partial void LogStorageFailed(Exception exception, string jobId);
}
