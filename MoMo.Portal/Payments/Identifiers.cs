namespace MoMo.Portal.Payments;

/// <summary>The rule for the ids banks use to name payers, partners and their own transactions.</summary>
public static class Identifiers
{
    /// <summary>Null when <paramref name="value"/> is a usable id; otherwise what is wrong with it.</summary>
    public static string? Check(string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "must not be empty.";
        }

        if (value.Length > maxLength)
        {
            return $"must be at most {maxLength} characters long.";
        }

        if (value.Any(char.IsControl) || value.Trim().Length != value.Length)
        {
            return "must not contain control characters or start or end with spaces.";
        }

        return null;
    }
}
