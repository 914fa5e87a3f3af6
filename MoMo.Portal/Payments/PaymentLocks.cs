using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;

namespace MoMo.Portal.Payments;

/// <summary>
/// Row locks on many payments at once, taken in id order before a transaction writes them. On PostgreSQL the router's
/// recorder and the running totals' fold each update hundreds of payments in one transaction, and each took the rows'
/// locks in its own order: the recorder as the deliveries finished, the fold as the table's pages lay. Two of them
/// meeting on the same payments could each hold what the other wanted; PostgreSQL noticed after its deadlock timeout
/// (1 s) and aborted one (seen under sustained load, docs/BENCHMARKS.md). Taken in one order, locks only queue.
/// SQLite writes one transaction at a time and has nothing to order. The router's claims never wait for a lock at all
/// (<c>SKIP LOCKED</c>), so they need none of this.
/// </summary>
internal static class PaymentLocks
{
    public static async Task TakeInIdOrderAsync(PortalDbContext db, IEnumerable<long> ids, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql() || db.Database.CurrentTransaction is null)
        {
            return;
        }

        // FOR UPDATE locks the rows as the sort hands them out, in id order.
        await db.Database.ExecuteSqlRawAsync("""SELECT 1 FROM "Payments" WHERE "Id" = ANY ({0}) ORDER BY "Id" FOR UPDATE""",
            [ids.ToArray()], cancellationToken);
    }
}
