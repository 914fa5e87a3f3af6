using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using MoMo.Portal.Data;
using MoMo.Portal.Deployment;

namespace MoMo.Portal.Users;

/// <summary>
/// Users of the roles in <see cref="PortalOptions.RequireTwoFactor"/> must have a second factor: until they set one up,
/// every staff page sends them to the authenticator setup. The account pages themselves (sign-in, sign-out, the setup),
/// the framework's files and the machine-facing routes pass. Asked of the database on each page load, which is rare
/// next to bank traffic, so a factor set up (or removed) counts at once.
/// </summary>
public static class TwoFactorRequirement
{
    public const string SetupPath = "/Account/Manage/EnableAuthenticator";

    // The account pages (sign-in, sign-out, the setup itself) and the framework's files the setup page needs.
    private static readonly string[] s_exempt = ["/Account", "/_framework", "/_content", "/_blazor"];

    public static WebApplication UseTwoFactorRequirement(this WebApplication app)
    {
        var roles = app.Services.GetRequiredService<IOptions<PortalOptions>>().Value.RolesRequiringTwoFactor();
        if (roles.Count == 0)
        {
            return app;
        }

        app.Use(async (context, next) =>
        {
            var user = context.User;
            if (user.Identity?.IsAuthenticated != true || !roles.Any(user.IsInRole)
                || MachineRoutes.Contains(context.Request.Path) || s_exempt.Any(prefix => context.Request.Path.StartsWithSegments(prefix))
                || Path.HasExtension(context.Request.Path.Value))
            {
                await next();
                return;
            }

            var users = context.RequestServices.GetRequiredService<UserManager<ApplicationUser>>();
            if (await users.GetUserAsync(user) is { TwoFactorEnabled: false })
            {
                context.Response.Redirect($"{SetupPath}?required=true");
                return;
            }

            await next();
        });
        return app;
    }
}
