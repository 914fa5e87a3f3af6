using System.Globalization;
using System.Security.Cryptography;
using MoMo.Portal.Payments;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace MoMo.Portal.Statements;

/// <summary>
/// A statement as a PDF for people: A4 landscape, at most <see cref="LinesPerPage"/> payments a page, every page headed with
/// the operator, the partner and the period, the totals per currency after each section, adjustments apart. Nothing on it
/// comes from the clock or the machine — the creation date is the statement's as-of time, the file identifier is derived
/// from its content and the fonts travel in this assembly — so the same statement gives the same bytes.
/// </summary>
public static partial class StatementPdf
{
    public const int LinesPerPage = 40;

    // Section headings and totals share a page with its lines; a page has room for a few of them beside 40 lines.
    private const int RowsPerPage = LinesPerPage + 4;
    private const double Margin = 30;
    private const double RowHeight = 10;
    private const double Padding = 3;

    private static readonly Column[] s_columns =
    [
        new("Business day", 56), new("Payment", 52, Right: true), new("Bank transaction", 128), new("Payer", 92),
        new("Amount", 78, Right: true), new("Cur.", 30), new("Received (UTC)", 84), new("Delivered (UTC)", 84), new("Delivery id", 178),
    ];

    public static byte[] Write(PartnerStatement statement, string operatorName)
    {
        StatementFonts.EnsureInstalled();
        var pages = Paginate(Rows(statement));
        var fonts = new Fonts();

        using var document = new PdfDocument();
        document.Info.Title = $"Statement for {statement.PartnerName}, {Day(statement.From)} to {Day(statement.To)}";
        document.Info.Author = operatorName;
        document.Info.CreationDate = statement.AsOfUtc;
        // Identical statements share their identifier; a new GUID per file (PDFsharp's default) would change the hash.
        var digest = SHA256.HashData(StatementCsv.Write(statement));
        var id = System.Text.Encoding.Latin1.GetString(digest, 0, 16);
        document.Internals.FirstDocumentID = id;
        document.Internals.SecondDocumentID = id;

        for (var index = 0; index < pages.Count; index++)
        {
            var page = document.AddPage();
            page.Size = PageSize.A4;
            page.Orientation = PageOrientation.Landscape;
            using var graphics = XGraphics.FromPdfPage(page);
            DrawPage(graphics, page.Width.Point, page.Height.Point, statement, operatorName, pages[index], index + 1, pages.Count, fonts);
        }

        using var buffer = new MemoryStream();
        document.Save(buffer, closeStream: false);
        return Stable(buffer.ToArray(), new Guid(digest.AsSpan(0, 16)));
    }

    /// <summary>
    /// Replaces what PDFsharp 6.2 draws from chance or the clock while saving, each with a value of the same length, so every
    /// offset in the cross-reference table still holds:
    /// <list type="bullet">
    /// <item>each embedded font subset's six random capitals (<c>/QWERTY+DejaVu#20Sans#20Condensed</c>, PDF 32000 §9.6.4),
    /// which only have to differ between the subsets of one file, by tags counted from <c>MOMOAA</c>;</item>
    /// <item>the XMP packet's document and instance UUIDs, by one derived from the content;</item>
    /// <item>its modification time (the time of saving) by its creation time (the statement's as-of time).</item>
    /// </list>
    /// </summary>
    private static byte[] Stable(byte[] pdf, Guid documentId)
    {
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        var stable = SubsetTag().Replace(text, match =>
        {
            var tag = match.Groups["tag"].Value;
            if (!tags.TryGetValue(tag, out var replacement))
            {
                replacement = $"MOMO{(char)('A' + tags.Count / 26)}{(char)('A' + tags.Count % 26)}";
                tags.Add(tag, replacement);
            }

            return $"/{replacement}+";
        });
        stable = XmpUuid().Replace(stable, $"uuid:{documentId:D}");
        if (XmpCreateDate().Match(stable) is { Success: true } created)
        {
            stable = XmpModifyDate().Replace(stable, created.Value);
        }

        return stable.Length == text.Length
            ? System.Text.Encoding.Latin1.GetBytes(stable)
            : throw new InvalidOperationException("Making the statement PDF stable changed its length; its cross-reference table would be wrong.");
    }

    /// <summary>The file name a partner gets, as for the CSV.</summary>
    public static string FileName(PartnerStatement statement) => Path.ChangeExtension(StatementCsv.FileName(statement), ".pdf");

    private static List<Row> Rows(PartnerStatement statement)
    {
        var rows = new List<Row>();
        foreach (var adjustments in new[] { false, true })
        {
            rows.Add(Row.Heading(adjustments
                ? $"Adjustments: payments of these days delivered after their day closed, up to {Time(statement.AsOfUtc)} UTC"
                : "Payments delivered by the close of their business day"));
            var lines = statement.Lines.Where(l => l.Adjustment == adjustments).ToList();
            rows.AddRange(lines.Select(l => Row.Line(Day(l.Day), l.PaymentId.ToString(CultureInfo.InvariantCulture), l.TransactionId ?? "",
                l.PayerId, Money.Format(l.AmountMinor, l.Currency), l.Currency, Time(l.ReceivedAtUtc), Time(l.DeliveredAtUtc), l.DeliveryId)));
            if (lines.Count == 0)
            {
                rows.Add(Row.Total("None."));
            }

            rows.AddRange(statement.Totals(adjustments).Select(t => Row.Total("Total", "", "",
                $"{t.Count.ToString(CultureInfo.InvariantCulture)} payment{(t.Count == 1 ? "" : "s")}", Money.Format(t.AmountMinor, t.Currency), t.Currency)));
        }

        return rows;
    }

    private static List<List<Row>> Paginate(List<Row> rows)
    {
        var pages = new List<List<Row>> { new() };
        foreach (var row in rows)
        {
            var page = pages[^1];
            var lines = page.Count(r => r.Kind == RowKind.Line);
            var full = page.Count >= RowsPerPage
                       || (row.Kind == RowKind.Line && lines >= LinesPerPage)
                       || (row.Kind == RowKind.Heading && page.Count >= RowsPerPage - 2); // a heading does not end a page alone
            if (full)
            {
                pages.Add([]);
            }

            pages[^1].Add(row);
        }

        return pages;
    }

    private static void DrawPage(XGraphics graphics, double width, double height, PartnerStatement statement, string operatorName,
        List<Row> rows, int number, int count, Fonts fonts)
    {
        var inner = width - 2 * Margin;
        var y = Margin;
        graphics.DrawString(operatorName, fonts.Title, XBrushes.Black, new XRect(Margin, y, inner, 16), XStringFormats.TopLeft);
        graphics.DrawString("Partner statement", fonts.Title, XBrushes.Black, new XRect(Margin, y, inner, 16), XStringFormats.TopRight);
        y += 20;
        graphics.DrawString($"Partner: {statement.PartnerName} (account {statement.PartnerAccountId})", fonts.Text, XBrushes.Black,
            new XRect(Margin, y, inner, 12), XStringFormats.TopLeft);
        y += 12;
        graphics.DrawString($"Business days {Day(statement.From)} to {Day(statement.To)}; adjustments up to {Time(statement.AsOfUtc)} UTC",
            fonts.Text, XBrushes.Black, new XRect(Margin, y, inner, 12), XStringFormats.TopLeft);
        y += 16;
        graphics.DrawLine(XPens.Black, Margin, y, width - Margin, y);
        y += 3;
        DrawCells(graphics, fonts.Bold, y, s_columns.Select(c => c.Title).ToArray());
        y += RowHeight + 2;
        graphics.DrawLine(XPens.Gray, Margin, y, width - Margin, y);
        y += 3;

        foreach (var row in rows)
        {
            if (row.Kind == RowKind.Heading)
            {
                y += 2;
                graphics.DrawString(row.Cells[0], fonts.Bold, XBrushes.Black, new XRect(Margin + Padding, y, inner, RowHeight), XStringFormats.TopLeft);
            }
            else
            {
                DrawCells(graphics, row.Kind == RowKind.Total ? fonts.Bold : fonts.Cell, y, row.Cells);
            }

            y += RowHeight;
        }

        var footer = height - Margin - 10;
        graphics.DrawLine(XPens.Gray, Margin, footer - 3, width - Margin, footer - 3);
        graphics.DrawString($"{operatorName} · statement for account {statement.PartnerAccountId}, {Day(statement.From)} to {Day(statement.To)}",
            fonts.Cell, XBrushes.Black, new XRect(Margin, footer, inner, 10), XStringFormats.TopLeft);
        graphics.DrawString($"Page {number} of {count}", fonts.Cell, XBrushes.Black, new XRect(Margin, footer, inner, 10), XStringFormats.TopRight);
    }

    private static void DrawCells(XGraphics graphics, XFont font, double y, string[] cells)
    {
        var x = Margin;
        for (var i = 0; i < s_columns.Length; i++)
        {
            var column = s_columns[i];
            var text = Fit(graphics, font, i < cells.Length ? cells[i] : "", column.Width - 2 * Padding);
            graphics.DrawString(text, font, XBrushes.Black, new XRect(x + Padding, y, column.Width - 2 * Padding, RowHeight),
                column.Right ? XStringFormats.TopRight : XStringFormats.TopLeft);
            x += column.Width;
        }
    }

    /// <summary>Shortens a value too wide for its column with an ellipsis; the CSV always has it whole.</summary>
    private static string Fit(XGraphics graphics, XFont font, string text, double width)
    {
        if (graphics.MeasureString(text, font).Width <= width)
        {
            return text;
        }

        var length = text.Length;
        while (length > 0 && graphics.MeasureString(text[..length] + "…", font).Width > width)
        {
            length--;
        }

        return text[..length] + "…";
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Time(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    [System.Text.RegularExpressions.GeneratedRegex("/(?<tag>[A-Z]{6})\\+(?=DejaVu#20Sans#20Condensed)")]
    private static partial System.Text.RegularExpressions.Regex SubsetTag();

    [System.Text.RegularExpressions.GeneratedRegex("uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial System.Text.RegularExpressions.Regex XmpUuid();

    [System.Text.RegularExpressions.GeneratedRegex("(?<=<xmp:CreateDate>)[^<]+")]
    private static partial System.Text.RegularExpressions.Regex XmpCreateDate();

    [System.Text.RegularExpressions.GeneratedRegex("(?<=<xmp:ModifyDate>)[^<]+")]
    private static partial System.Text.RegularExpressions.Regex XmpModifyDate();

    private sealed record Column(string Title, double Width, bool Right = false);

    private enum RowKind
    {
        Line,
        Heading,
        Total,
    }

    private sealed record Row(RowKind Kind, string[] Cells)
    {
        public static Row Line(params string[] cells) => new(RowKind.Line, cells);

        public static Row Heading(string text) => new(RowKind.Heading, [text]);

        public static Row Total(params string[] cells) => new(RowKind.Total, cells);
    }

    private sealed class Fonts
    {
        public XFont Title { get; } = new(StatementFonts.Family, 13, XFontStyleEx.Bold);

        public XFont Text { get; } = new(StatementFonts.Family, 9, XFontStyleEx.Regular);

        public XFont Bold { get; } = new(StatementFonts.Family, 7.5, XFontStyleEx.Bold);

        public XFont Cell { get; } = new(StatementFonts.Family, 7.5, XFontStyleEx.Regular);
    }
}
