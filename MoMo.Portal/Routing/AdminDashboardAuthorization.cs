using Hangfire.Dashboard;
using MoMo.Portal.Data;

namespace MoMo.Portal.Routing;

/// <summary>The Hangfire dashboard is for signed-in Admins only, whatever the network the request came from.</summary>
internal sealed class AdminDashboardAuthorization : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => context.GetHttpContext().User.IsInRole(Roles.Admin);
}
