using System.Text;

namespace MoMo.Portal.Data;

/// <summary>
/// Makes text that outsiders control (a partner's answer, a request path, a bank code from the URL) storable on every
/// provider before it is queued for a write: PostgreSQL refuses a NUL character in text and enforces column lengths,
/// and one such value must never fail the batch it is written with.
/// </summary>
public static class StorableText
{
    /// <summary>Ends a value that was cut to fit its column, so staff can see it is not the whole.</summary>
    public const string TruncationMarker = "…[truncated]";

    /// <summary>
    /// <paramref name="text"/> without control characters (tab, line feed and carriage return are kept), with unpaired
    /// surrogates replaced by U+FFFD, and cut to <paramref name="maxLength"/> characters with
    /// <see cref="TruncationMarker"/> at the end when longer.
    /// </summary>
    public static string Clean(string text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, TruncationMarker.Length);
        if (text.Length <= maxLength && IsClean(text))
        {
            return text;
        }

        var clean = new StringBuilder(Math.Min(text.Length, maxLength));
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                clean.Append(c).Append(text[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                clean.Append('\uFFFD');
            }
            else if (!IsDropped(c))
            {
                clean.Append(c);
            }
        }

        if (clean.Length <= maxLength)
        {
            return clean.ToString();
        }

        var keep = maxLength - TruncationMarker.Length;
        // Never cut between the two halves of a surrogate pair.
        if (char.IsHighSurrogate(clean[keep - 1]))
        {
            keep--;
        }

        return clean.ToString(0, keep) + TruncationMarker;
    }

    /// <inheritdoc cref="Clean(string, int)"/>
    public static string? CleanOrNull(string? text, int maxLength) => text is null ? null : Clean(text, maxLength);

    private static bool IsClean(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (IsDropped(c))
            {
                return false;
            }

            if (char.IsSurrogate(c))
            {
                if (!char.IsHighSurrogate(c) || i + 1 >= text.Length || !char.IsLowSurrogate(text[i + 1]))
                {
                    return false;
                }

                i++;
            }
        }

        return true;
    }

    private static bool IsDropped(char c) => char.IsControl(c) && c is not ('\t' or '\n' or '\r');
}
