using System.Collections.Frozen;

namespace MoMo.Portal.Payments;

/// <summary>ISO 4217 currencies a payment can be made in, with the number of decimal places each allows.</summary>
public static class Currencies
{
    // Active ISO 4217 codes (list amendment 178). Precious metals, bond units and testing codes (XAU, XBA, XTS, XXX...)
    // are left out on purpose: nobody pays a merchant in them. Codes not named here allow two decimals.
    private static readonly string[] s_zeroDecimals =
        ["BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF"];

    private static readonly string[] s_threeDecimals = ["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"];

    private static readonly string[] s_fourDecimals = ["CLF", "UYW"];

    private static readonly string[] s_twoDecimals =
    [
        "AED", "AFN", "ALL", "AMD", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BMD", "BND", "BOB",
        "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHE", "CHF", "CHW", "CNY", "COP", "COU", "CRC",
        "CUP", "CVE", "CZK", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP",
        "GMD", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IRR", "JMD", "KES", "KGS", "KHR", "KPW",
        "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MRU", "MUR",
        "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "PAB", "PEN", "PGK", "PHP",
        "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD",
        "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "USD", "USN",
        "UYU", "UZS", "VED", "VES", "WST", "XCD", "XCG", "YER", "ZAR", "ZMW", "ZWG",
    ];

    private static readonly FrozenDictionary<string, int> s_minorUnits =
        s_zeroDecimals.Select(code => KeyValuePair.Create(code, 0))
            .Concat(s_twoDecimals.Select(code => KeyValuePair.Create(code, 2)))
            .Concat(s_threeDecimals.Select(code => KeyValuePair.Create(code, 3)))
            .Concat(s_fourDecimals.Select(code => KeyValuePair.Create(code, 4)))
            .ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Decimal places <paramref name="code"/> allows (USD 2, UGX 0, KWD 3), or false for an unknown code.</summary>
    public static bool TryGetMinorUnits(string code, out int minorUnits) => s_minorUnits.TryGetValue(code, out minorUnits);

    public static bool IsKnown(string code) => s_minorUnits.ContainsKey(code);
}
