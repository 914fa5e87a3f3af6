using System.Text.RegularExpressions;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Payers;

/// <summary>What makes a payer's fields valid, shared by the command line and the portal.</summary>
public static partial class PayerRules
{
    public static Dictionary<string, string> Validate(string id, string name, string? phoneNumber)
    {
        var errors = new Dictionary<string, string>();
        if (Identifiers.Check(id, Payer.MaxIdLength) is { } idError)
        {
            errors["Id"] = "The id " + idError;
        }

        if (string.IsNullOrWhiteSpace(name) || name.Length > Payer.MaxNameLength)
        {
            errors["Name"] = $"A name of 1 to {Payer.MaxNameLength} characters is required.";
        }

        if (phoneNumber is not null && !Msisdn().IsMatch(phoneNumber))
        {
            errors["PhoneNumber"] = "The phone number must be in international form: '+', country code and number, " +
                                    "8 to 15 digits in all, e.g. +256772123456.";
        }

        return errors;
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{7,14}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Msisdn();
}
