using System.Globalization;
using System.Text.RegularExpressions;

namespace MoMo.Portal.Payments;

/// <summary>
/// Exact amounts: a count of the currency's minor units (cents for USD, shillings for UGX) and never a float.
/// </summary>
public static partial class Money
{
    /// <summary>
    /// The largest amount accepted, in minor units. It stays below 2^53 so that every amount survives a round trip
    /// through JavaScript and JSON tools that read numbers as doubles.
    /// </summary>
    public const long MaxMinorUnits = 999_999_999_999_999;

    /// <summary>
    /// Parses a plain decimal amount ("55", "55.10") into minor units of a currency with <paramref name="minorUnits"/>
    /// decimals. Signs, exponents, leading zeros, NaN, zero and more decimals than the currency allows are refused.
    /// </summary>
    public static bool TryParse(string text, string currency, int minorUnits, out long amountMinor, out string error)
    {
        amountMinor = 0;
        var match = PlainDecimal().Match(text);
        if (!match.Success)
        {
            error = "must be a positive decimal number written with digits and an optional '.', like 55 or 55.10 " +
                    "(no sign, exponent, spaces or thousands separators).";
            return false;
        }

        var whole = match.Groups["whole"].Value;
        var fraction = match.Groups["fraction"].Value;
        if (fraction.Length > minorUnits)
        {
            error = minorUnits == 0
                ? $"{currency} has no decimal places; send a whole number."
                : $"{currency} allows at most {minorUnits} decimal places.";
            return false;
        }

        // 15 significant digits at most, so the arithmetic below cannot overflow.
        var digits = whole.TrimStart('0') + fraction.PadRight(minorUnits, '0');
        if (digits.TrimStart('0').Length > 15)
        {
            error = $"is too large: the most a payment can carry is {Format(MaxMinorUnits, minorUnits)} {currency}.";
            return false;
        }

        amountMinor = digits.Length == 0 ? 0 : long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        if (amountMinor == 0)
        {
            error = "must be greater than zero.";
            return false;
        }

        error = "";
        return true;
    }

    /// <summary>Writes minor units as a plain decimal string with exactly the currency's decimals: 5510 → "55.10".</summary>
    public static string Format(long amountMinor, int minorUnits)
    {
        var digits = amountMinor.ToString(CultureInfo.InvariantCulture);
        if (minorUnits == 0)
        {
            return digits;
        }

        digits = digits.PadLeft(minorUnits + 1, '0');
        return $"{digits[..^minorUnits]}.{digits[^minorUnits..]}";
    }

    /// <summary>Formats an amount stored in <paramref name="currency"/>, a code the payment was validated against.</summary>
    public static string Format(long amountMinor, string currency) =>
        Format(amountMinor, Currencies.TryGetMinorUnits(currency, out var minorUnits) ? minorUnits : 2);

    [GeneratedRegex(@"^(?<whole>0|[1-9][0-9]*)(\.(?<fraction>[0-9]+))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex PlainDecimal();
}
