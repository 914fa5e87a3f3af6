namespace MoMo.Portal.Suspense;

/// <summary>
/// Finds the registered ids a bank probably meant by <c>named</c>: equal once case and spaces are ignored, or within
/// <see cref="MaxDistance"/> edits (a typed digit too many, two letters swapped). Candidates are considered one at a
/// time, so a million payer ids can be streamed past it.
/// </summary>
public sealed class SuspenseMatcher(string named, int max = 5)
{
    public const int MaxDistance = 2;

    private readonly string _target = Normalize(named);
    private readonly List<(string Id, int Distance)> _close = [];

    public void Consider(string id)
    {
        var distance = Distance(_target, Normalize(id), MaxDistance);
        if (distance <= MaxDistance)
        {
            _close.Add((id, distance));
        }
    }

    /// <summary>The closest candidates considered, at most <c>max</c>, closest first.</summary>
    public List<string> Best() =>
        [.. _close.OrderBy(c => c.Distance).ThenBy(c => c.Id, StringComparer.Ordinal).Take(max).Select(c => c.Id)];

    public static List<string> Suggest(string named, IEnumerable<string> candidates)
    {
        var matcher = new SuspenseMatcher(named);
        foreach (var candidate in candidates)
        {
            matcher.Consider(candidate);
        }

        return matcher.Best();
    }

    /// <summary>Lower case, without white space: "AMINA 256" and "amina256" are the same reference.</summary>
    public static string Normalize(string id) =>
        string.Concat(id.Where(c => !char.IsWhiteSpace(c))).ToLowerInvariant();

    /// <summary>
    /// The Levenshtein distance of <paramref name="a"/> and <paramref name="b"/>, or <paramref name="limit"/> + 1 as
    /// soon as it is certain to exceed <paramref name="limit"/> (most candidates are rejected after a row or two).
    /// </summary>
    public static int Distance(string a, string b, int limit)
    {
        if (Math.Abs(a.Length - b.Length) > limit)
        {
            return limit + 1;
        }

        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            var rowMin = current[0];
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
                rowMin = Math.Min(rowMin, current[j]);
            }

            if (rowMin > limit)
            {
                return limit + 1;
            }

            (previous, current) = (current, previous);
        }

        return Math.Min(previous[b.Length], limit + 1);
    }
}
