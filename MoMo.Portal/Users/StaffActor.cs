using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;

namespace MoMo.Portal.Users;

/// <summary>
/// Who is acting in a portal circuit, and whether they may. Every change a page makes goes through
/// <see cref="RequireAsync"/> first: hiding a button is a courtesy, this is the check.
/// </summary>
public sealed class StaffActor(AuthenticationStateProvider authentication, IAuthorizationService authorization)
{
    /// <summary>The signed-in user's name, once they are known to satisfy <paramref name="policy"/>.</summary>
    public async Task<string> RequireAsync(string policy)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        if (!(await authorization.AuthorizeAsync(user, policy)).Succeeded || user.Identity?.Name is not { } name)
        {
            throw new UnauthorizedAccessException("Your role does not allow this action.");
        }

        return name;
    }

    public async Task<bool> CanAsync(string policy)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        return (await authorization.AuthorizeAsync(user, policy)).Succeeded;
    }
}
