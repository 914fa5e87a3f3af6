using System.ComponentModel.DataAnnotations;
using MoMo.Portal.Users;

namespace MoMo.Portal.Data;

/// <summary>The <c>MoMo</c> configuration section.</summary>
public sealed class PortalOptions
{
    public const string Section = "MoMo";

    /// <summary>Where the embedded default keeps its files (SQLite databases); relative to the content root.</summary>
    [Required]
    public string DataDirectory { get; set; } = "App_Data";

    /// <summary>Apply pending EF Core migrations when the web app starts. Turn off to run <c>migrate</c> yourself.</summary>
    public bool MigrateOnStart { get; set; } = true;

    /// <summary>How long a SQLite connection waits for another writer before giving up (PRAGMA busy_timeout).</summary>
    [Range(0, 600_000)]
    public int SqliteBusyTimeoutMs { get; set; } = 5000;

    /// <summary>
    /// Addresses (10.0.0.5) or networks (10.0.0.0/8) of load balancers whose X-Forwarded-Proto and X-Forwarded-For are
    /// believed; loopback always is. See docs/DEPLOYMENT.md.
    /// </summary>
    public string[] TrustedProxies { get; set; } = [];

    /// <summary>
    /// A PKCS#12 (.pfx) file whose certificate encrypts the data-protection keys stored in the database; without it
    /// they are stored in clear, readable by anyone who can read the database. See docs/DEPLOYMENT.md.
    /// </summary>
    public string? KeyProtectionCertificate { get; set; }

    /// <summary>
    /// The roles whose users must sign in with a second factor (an authenticator app): such a user without one is sent
    /// to set it up before any other page. Unset: Admin. <c>none</c> requires it of no role.
    /// </summary>
    public string[]? RequireTwoFactor { get; set; }

    /// <summary>The roles <see cref="RequireTwoFactor"/> names, with its default applied.</summary>
    public IReadOnlyList<string> RolesRequiringTwoFactor() =>
        RequireTwoFactor is null or [] ? [Roles.Admin] : [.. RequireTwoFactor.Where(role => !role.Equals("none", StringComparison.OrdinalIgnoreCase))];

    /// <summary>
    /// How long a sign-in lasts at most, however active the user is (the cookie also expires after 8 hours without
    /// use). After it, the user signs in again.
    /// </summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Run in Production without <see cref="KeyProtectionCertificate"/>, on purpose (a warning is logged at every start).
    /// Without it, Production refuses to start unprotected.
    /// </summary>
    public bool AllowUnprotectedKeys { get; set; }

    /// <summary>The password of <see cref="KeyProtectionCertificate"/>, if it has one.</summary>
    public string? KeyProtectionCertificatePassword { get; set; }
}
