using Microsoft.AspNetCore.Identity;

namespace MoMo.Portal.Data;

/// <summary>A member of staff who signs in to the portal.</summary>
public sealed class ApplicationUser : IdentityUser
{
}
