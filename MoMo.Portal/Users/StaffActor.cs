using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using MoMo.Portal.Data;

namespace MoMo.Portal.Users;

/// <summary>
/// Who is acting in a portal circuit, and whether they may. Every change a page makes goes through
/// <see cref="RequireAsync"/> first: hiding a button is a courtesy, this is the check. It asks the database, not the
/// sign-in cookie: a circuit can stay open for hours, and a user locked, demoted or given a new password since they
/// signed in must lose their power at the next click, not at the next revalidation.
/// </summary>
public sealed class StaffActor(AuthenticationStateProvider authentication, IAuthorizationService authorization, IServiceScopeFactory scopes)
{
    /// <summary>The signed-in user's name, once they are known to satisfy <paramref name="policy"/> as the database stands now.</summary>
    public async Task<string> RequireAsync(string policy) =>
        await AllowedNameAsync((await authentication.GetAuthenticationStateAsync()).User, policy, authorization, scopes)
        ?? throw new UnauthorizedAccessException("Your role does not allow this action.");

    /// <summary>
    /// <paramref name="principal"/>'s name when the user, as the database has them now (<see cref="AsStoredAsync"/>),
    /// satisfies <paramref name="policy"/>; null otherwise. For a circuit (<see cref="RequireAsync"/>) and for endpoints
    /// outside one that act for staff, such as the statement upload.
    /// </summary>
    public static async Task<string?> AllowedNameAsync(ClaimsPrincipal principal, string policy, IAuthorizationService authorization,
        IServiceScopeFactory scopes) =>
        await AsStoredAsync(principal, scopes) is { } current && (await authorization.AuthorizeAsync(current, policy)).Succeeded
            ? current.Identity?.Name
            : null;

    /// <summary>Whether the page should offer what <paramref name="policy"/> allows (the claims of the sign-in; <see cref="RequireAsync"/> decides).</summary>
    public async Task<bool> CanAsync(string policy)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        return (await authorization.AuthorizeAsync(user, policy)).Succeeded;
    }

    /// <summary>
    /// The user as stored now, with their current roles; null when they no longer exist, are locked out, or their
    /// security stamp changed since sign-in (password reset, role change, lock).
    /// </summary>
    private static async Task<ClaimsPrincipal?> AsStoredAsync(ClaimsPrincipal principal, IServiceScopeFactory scopes)
    {
        if (principal.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        await using var scope = scopes.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<ApplicationUser>>();
        var user = await signIn.ValidateSecurityStampAsync(principal);
        if (user is null || await signIn.UserManager.IsLockedOutAsync(user))
        {
            return null;
        }

        return await signIn.CreateUserPrincipalAsync(user);
    }
}
