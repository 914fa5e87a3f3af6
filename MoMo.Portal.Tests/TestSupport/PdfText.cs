using System.Text;
using PdfSharp.Pdf.Content;
using PdfSharp.Pdf.Content.Objects;
using PdfSharp.Pdf.IO;

namespace MoMo.Portal.Tests.TestSupport;

/// <summary>The text a PDF shows, read back from its content streams with PDFsharp's own parser, one line per string.</summary>
public static class PdfText
{
    public static string Of(byte[] pdf)
    {
        using var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        var text = new StringBuilder();
        foreach (var page in document.Pages)
        {
            Collect(ContentReader.ReadContent(page), text);
        }

        return text.ToString();
    }

    public static int Count(string text, string value) => text.Split('\n').Count(line => line.Contains(value, StringComparison.Ordinal));

    private static void Collect(CObject content, StringBuilder text)
    {
        switch (content)
        {
            case COperator { OpCode.Name: "Tj" or "TJ" } op:
                foreach (var operand in op.Operands)
                {
                    Collect(operand, text);
                }

                text.Append('\n');
                break;
            case CString value:
                text.Append(value.Value);
                break;
            case CSequence sequence:
                foreach (var item in sequence)
                {
                    Collect(item, text);
                }

                break;
        }
    }
}
