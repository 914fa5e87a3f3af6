using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Audit;
using MoMo.Portal.Data;

namespace MoMo.Portal.Users;

/// <summary>
/// Staff accounts. There is no self-registration: an Admin (or the command line) adds every user. Each operation runs
/// in a scope of its own, because Identity's managers hold a DbContext that must not outlive one operation (a portal
/// circuit can live for hours).
/// </summary>
public sealed class UserAccounts(IServiceScopeFactory scopes, IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    public async Task<ChangeResult<ApplicationUser>> CreateAsync(string email, string role, string password, string actor)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (!Roles.All.Contains(role))
        {
            return ChangeResult<ApplicationUser>.Failure("Role", $"The role must be one of {string.Join(", ", Roles.All)}.");
        }

        if (await users.FindByEmailAsync(email) is not null)
        {
            return ChangeResult<ApplicationUser>.Failure("Email", $"A user with the e-mail '{email}' already exists.");
        }

        await EnsureRolesAsync(scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>());
        // Admins vouch for the address they type, and nobody can confirm it by e-mail in an offline back office.
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            return ChangeResult<ApplicationUser>.Failure(created.Errors
                .GroupBy(e => e.Code.Contains("Password", StringComparison.Ordinal) ? "Password" : "Email")
                .ToDictionary(g => g.Key, g => string.Join(" ", g.Select(e => e.Description))));
        }

        await users.AddToRoleAsync(user, role);
        await AuditAsync(actor, "user.create", email, null, new { Email = email, Role = role });
        return ChangeResult<ApplicationUser>.Success(user);
    }

    /// <summary>The id of the user with <paramref name="email"/>, or null.</summary>
    public async Task<string?> FindIdByEmailAsync(string email)
    {
        await using var scope = scopes.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>().FindByEmailAsync(email))?.Id;
    }

    /// <summary>
    /// The user name of the staff member with <paramref name="email"/> when they may operate (Admin or Operator, not
    /// locked out): how the command line's <c>--by</c> names who acts, under the same rules as the portal.
    /// </summary>
    public Task<ChangeResult<string>> OperatorAsync(string email) =>
        StaffAsync(email, [Roles.Admin, Roles.Operator], "is not an Admin or Operator, so cannot act on payments.");

    /// <summary>The user name of an Admin who may act (not locked out), or why <paramref name="email"/> may not.</summary>
    public Task<ChangeResult<string>> AdminAsync(string email) => StaffAsync(email, [Roles.Admin], "is not an Admin.");

    private async Task<ChangeResult<string>> StaffAsync(string email, string[] roles, string refusal)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email);
        if (user?.UserName is not { } name)
        {
            return ChangeResult<string>.Failure("By", $"There is no staff user with the e-mail '{email}'.");
        }

        if (await users.IsLockedOutAsync(user))
        {
            return ChangeResult<string>.Failure("By", $"{email} is locked out.");
        }

        foreach (var role in roles)
        {
            if (await users.IsInRoleAsync(user, role))
            {
                return ChangeResult<string>.Success(name);
            }
        }

        return ChangeResult<string>.Failure("By", $"{email} {refusal}");
    }

    /// <summary>Every staff account with its role and whether it is locked out.</summary>
    public async Task<List<StaffAccount>> ListAsync()
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var now = clock.GetUtcNow();
        var accounts = await (from u in db.Users
                              join ur in db.UserRoles on u.Id equals ur.UserId into userRoles
                              from ur in userRoles.DefaultIfEmpty()
                              join r in db.Roles on ur.RoleId equals r.Id into roleNames
                              from r in roleNames.DefaultIfEmpty()
                              orderby u.Email
                              select new { u.Id, u.Email, Role = r != null ? r.Name : null, u.LockoutEnd, u.AccessFailedCount, u.TwoFactorEnabled })
            .ToListAsync();
        return [.. accounts.Select(a => new StaffAccount(a.Id, a.Email ?? "", a.Role ?? "(none)",
            a.LockoutEnd is { } end && end > now, a.AccessFailedCount, a.TwoFactorEnabled))];
    }

    public async Task<ChangeResult<ApplicationUser>> SetRoleAsync(string userId, string role, string actor)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (!Roles.All.Contains(role))
        {
            return ChangeResult<ApplicationUser>.Failure("Role", $"The role must be one of {string.Join(", ", Roles.All)}.");
        }

        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return ChangeResult<ApplicationUser>.Failure("User", "There is no such user.");
        }

        await EnsureRolesAsync(scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>());
        var current = await users.GetRolesAsync(user);
        await users.RemoveFromRolesAsync(user, current);
        await users.AddToRoleAsync(user, role);
        // A new role takes effect at once: the security stamp ends the user's other sessions.
        await users.UpdateSecurityStampAsync(user);
        await AuditAsync(actor, "user.role", user.Email!, new { Roles = current }, new { Role = role });
        return ChangeResult<ApplicationUser>.Success(user);
    }

    /// <summary>Locks the user out until an Admin unlocks them (or unlocks a user locked by failed sign-ins).</summary>
    public async Task<ChangeResult<ApplicationUser>> SetLockedAsync(string userId, bool locked, string actor)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return ChangeResult<ApplicationUser>.Failure("User", "There is no such user.");
        }

        if (locked && string.Equals(user.Email, actor, StringComparison.OrdinalIgnoreCase))
        {
            return ChangeResult<ApplicationUser>.Failure("User", "You cannot lock yourself out.");
        }

        await users.SetLockoutEnabledAsync(user, true);
        await users.SetLockoutEndDateAsync(user, locked ? DateTimeOffset.MaxValue : null);
        await users.ResetAccessFailedCountAsync(user);
        await users.UpdateSecurityStampAsync(user);
        await AuditAsync(actor, locked ? "user.lock" : "user.unlock", user.Email!, null, new { Locked = locked });
        return ChangeResult<ApplicationUser>.Success(user);
    }

    /// <summary>Sets a new password chosen by an Admin (to hand over); the user's sessions end.</summary>
    public async Task<ChangeResult<ApplicationUser>> ResetPasswordAsync(string userId, string newPassword, string actor)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        if (await users.FindByIdAsync(userId) is not { } user)
        {
            return ChangeResult<ApplicationUser>.Failure("User", "There is no such user.");
        }

        var token = await users.GeneratePasswordResetTokenAsync(user);
        var reset = await users.ResetPasswordAsync(user, token, newPassword);
        if (!reset.Succeeded)
        {
            return ChangeResult<ApplicationUser>.Failure("Password", string.Join(" ", reset.Errors.Select(e => e.Description)));
        }

        await users.ResetAccessFailedCountAsync(user);
        await AuditAsync(actor, "user.password.reset", user.Email!, null, null);
        return ChangeResult<ApplicationUser>.Success(user);
    }

    private async Task AuditAsync(string actor, string action, string email, object? before, object? after)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        db.AuditEntries.Add(AuditEntry.Record(actor, action, "User", email, before, after, clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync();
    }

    private static async Task EnsureRolesAsync(RoleManager<IdentityRole> roles)
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }
    }
}

/// <summary>A staff account as the users page shows it.</summary>
public sealed record StaffAccount(string Id, string Email, string Role, bool LockedOut, int FailedSignIns, bool TwoFactorEnabled);
