using Hangfire.Dashboard;
using MoMo.Portal.Data;
using MoMo.Portal.Users;

namespace MoMo.Portal.Routing;

/// <summary>
/// The Hangfire dashboard is for signed-in Admins, and read-only for Operators who need to see the jobs run;
/// Viewers and anonymous visitors get nothing, whatever network they come from.
/// </summary>
internal sealed class StaffDashboardAuthorization : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        var user = context.GetHttpContext().User;
        return user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Operator);
    }

    /// <summary>Only Admins may trigger, delete or requeue jobs.</summary>
    public static bool IsReadOnly(DashboardContext context) => !context.GetHttpContext().User.IsInRole(Roles.Admin);
}
