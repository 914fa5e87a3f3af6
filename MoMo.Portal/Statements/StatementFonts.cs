using PdfSharp.Fonts;

namespace MoMo.Portal.Statements;

/// <summary>
/// Hands PDFsharp the two faces a statement uses, from this assembly: a server (or a container) has no fonts to lend, and
/// fonts read from the machine would make the same statement differ between machines.
/// </summary>
internal sealed class StatementFonts : IFontResolver
{
    public const string Family = "DejaVu Sans Condensed";
    private const string Regular = "DejaVuSansCondensed";
    private const string Bold = "DejaVuSansCondensed-Bold";

    private static readonly Lock s_gate = new();

    /// <summary>Installs the resolver once per process; PDFsharp keeps one for all documents.</summary>
    public static void EnsureInstalled()
    {
        lock (s_gate)
        {
            if (GlobalFontSettings.FontResolver is not StatementFonts)
            {
                GlobalFontSettings.FontResolver = new StatementFonts();
            }
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) =>
        string.Equals(familyName, Family, StringComparison.OrdinalIgnoreCase) ? new FontResolverInfo(bold ? Bold : Regular) : null;

    public byte[]? GetFont(string faceName)
    {
        using var stream = typeof(StatementFonts).Assembly.GetManifestResourceStream($"MoMo.Portal.Statements.Fonts.{faceName}.ttf");
        if (stream is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
