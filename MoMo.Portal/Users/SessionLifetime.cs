using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace MoMo.Portal.Users;

/// <summary>
/// An absolute limit on a sign-in, beside the sliding one: a sliding cookie renewed by an active (or hijacked) session
/// would otherwise live for ever. The time of the password sign-in is kept in the cookie's own protected properties,
/// which renewals carry over unchanged.
/// </summary>
internal static class SessionLifetime
{
    private const string SignedInAtKey = "momo.signed_in_at";

    public static void Enforce(CookieAuthenticationOptions cookie, TimeSpan lifetime)
    {
        var events = cookie.Events;
        var signingIn = events.OnSigningIn;
        events.OnSigningIn = async context =>
        {
            // A renewal of the same sign-in (two-factor completed, a refreshed sign-in) keeps the first time.
            context.Properties.Items.TryAdd(SignedInAtKey, Now(context.HttpContext).ToString("O", CultureInfo.InvariantCulture));
            await signingIn(context);
        };

        var validate = events.OnValidatePrincipal;
        events.OnValidatePrincipal = async context =>
        {
            if (!context.Properties.Items.TryGetValue(SignedInAtKey, out var text)
                || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var signedInAt)
                || Now(context.HttpContext) - signedInAt > lifetime)
            {
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(context.Scheme.Name);
                return;
            }

            await validate(context);
        };
    }

    private static DateTimeOffset Now(HttpContext context) => context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
}
