using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Users;

namespace MoMo.Portal.Data;

/// <summary>
/// What <c>dotnet ef migrations add</c> needs to build the same model the app builds: Identity's store options decide
/// which Identity tables exist (passkeys come with schema version 3), and they live in the app's services.
/// </summary>
internal static class DesignTimeModel
{
    public static DbContextOptions<TContext> Options<TContext>(Action<DbContextOptionsBuilder<TContext>> useProvider)
        where TContext : PortalDbContext
    {
        var services = new ServiceCollection();
        services.AddOptions<Microsoft.AspNetCore.Identity.IdentityOptions>().Configure(IdentityExtensions.ConfigureIdentity);
        var builder = new DbContextOptionsBuilder<TContext>().UseApplicationServiceProvider(services.BuildServiceProvider());
        useProvider(builder);
        return builder.Options;
    }
}
