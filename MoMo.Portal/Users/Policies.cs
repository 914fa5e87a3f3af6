using Microsoft.AspNetCore.Authorization;

namespace MoMo.Portal.Users;

/// <summary>Authorization policies, checked on the server for every action whatever the page shows.</summary>
public static class Policies
{
    /// <summary>Admins and Operators: change partners and payers, retry payments.</summary>
    public const string CanOperate = "CanOperate";

    /// <summary>Admins only: banks, users, secrets, Hangfire.</summary>
    public const string IsAdmin = "IsAdmin";

    public static void Configure(AuthorizationOptions options)
    {
        options.AddPolicy(CanOperate, policy => policy.RequireRole(Roles.Admin, Roles.Operator));
        options.AddPolicy(IsAdmin, policy => policy.RequireRole(Roles.Admin));
    }
}
