using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Audit;
using MoMo.Portal.Data;

namespace MoMo.Portal.Users;

/// <summary>Creates staff accounts. There is no self-registration: an Admin (or the command line) adds every user.</summary>
public sealed class UserAccounts(
    UserManager<ApplicationUser> users,
    RoleManager<IdentityRole> roles,
    IDbContextFactory<PortalDbContext> dbFactory,
    TimeProvider clock)
{
    public async Task<ChangeResult<ApplicationUser>> CreateAsync(string email, string role, string password, string actor)
    {
        if (!Roles.All.Contains(role))
        {
            return ChangeResult<ApplicationUser>.Failure("Role", $"The role must be one of {string.Join(", ", Roles.All)}.");
        }

        if (await users.FindByEmailAsync(email) is not null)
        {
            return ChangeResult<ApplicationUser>.Failure("Email", $"A user with the e-mail '{email}' already exists.");
        }

        await EnsureRolesAsync();
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
        await using var db = await dbFactory.CreateDbContextAsync();
        db.AuditEntries.Add(AuditEntry.Record(actor, "user.create", "User", email, null, new { Email = email, Role = role },
            clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync();
        return ChangeResult<ApplicationUser>.Success(user);
    }

    private async Task EnsureRolesAsync()
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
