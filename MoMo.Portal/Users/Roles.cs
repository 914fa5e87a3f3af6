namespace MoMo.Portal.Users;

/// <summary>The portal's roles, from most to least powerful.</summary>
public static class Roles
{
    /// <summary>Everything, including banks, users, secrets and the Hangfire dashboard.</summary>
    public const string Admin = "Admin";

    /// <summary>Manages partners and payers and retries payments.</summary>
    public const string Operator = "Operator";

    /// <summary>Reads everything, changes nothing.</summary>
    public const string Viewer = "Viewer";

    public static readonly IReadOnlyList<string> All = [Admin, Operator, Viewer];
}
