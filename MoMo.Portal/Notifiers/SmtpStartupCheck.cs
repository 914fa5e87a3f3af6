using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MoMo.Portal.Data;
using MoMo.Portal.Partners;

namespace MoMo.Portal.Notifiers;

/// <summary>Refuses to start when a partner is notified by e-mail but the SMTP settings cannot send any.</summary>
internal static class SmtpStartupCheck
{
    public static async Task RunAsync(IServiceProvider services)
    {
        if (services.GetRequiredService<IOptions<SmtpOptions>>().Value.Problem() is not { } problem)
        {
            return;
        }

        var factory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        if ((await db.Database.GetPendingMigrationsAsync()).Any())
        {
            return; // A database that still needs 'migrate' has no partners to check yet.
        }

        var emailPartners = await db.Partners.Where(p => p.NotifyMethod == NotifyMethod.Email && p.IsActive)
            .OrderBy(p => p.AccountId).Select(p => p.AccountId).Take(3).ToListAsync();
        if (emailPartners.Count > 0)
        {
            throw new StartupException(
                $"Partners notified by e-mail ({string.Join(", ", emailPartners)}) need an SMTP server, but {problem} " +
                "Set the Smtp section (Smtp:Host, Smtp:Port, Smtp:Security, Smtp:From, optionally Smtp:User and Smtp:Password).");
        }
    }
}
