using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using MoMo.Portal.Data;

namespace MoMo.Portal.Components.Pages.Dashboard;

/// <summary>
/// The dashboard's numbers, computed at most once every few seconds however many staff keep it open: over a million
/// payments one computation costs a few hundred milliseconds (docs/BENCHMARKS.md).
/// </summary>
public sealed class DashboardCache(IMemoryCache cache, IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock,
    MoMo.Portal.Days.DayTotalsReader totals, Microsoft.Extensions.Options.IOptions<MoMo.Portal.Suspense.SuspenseOptions> suspense)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    public async Task<DashboardStats> GetAsync(CancellationToken cancellationToken) =>
        (await cache.GetOrCreateAsync(nameof(DashboardCache), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = MaxAge;
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            return await DashboardStats.LoadAsync(db, totals, clock.GetUtcNow().UtcDateTime, suspense.Value.AlertAfter, cancellationToken);
        }))!;
}
