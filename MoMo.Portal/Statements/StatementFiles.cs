using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace MoMo.Portal.Statements;

/// <summary>The formats a statement is given in.</summary>
public enum StatementFormat
{
    Csv,
    Pdf,
}

/// <summary>A statement as a file: its bytes, media type and the name a partner gets.</summary>
public sealed record StatementFile(byte[] Bytes, string ContentType, string FileName)
{
    /// <summary>Lower-case hex SHA-256 of the bytes: what a partner compares to verify the file they were sent.</summary>
    public string Sha256 { get; } = Convert.ToHexStringLower(SHA256.HashData(Bytes));
}

/// <summary>Renders statements for the command line, the download, the portal and the e-mails alike.</summary>
public sealed class StatementFiles(IOptions<StatementOptions> options)
{
    public StatementFile Render(PartnerStatement statement, StatementFormat format) => format switch
    {
        StatementFormat.Pdf => new(StatementPdf.Write(statement, options.Value.OperatorName), "application/pdf", StatementPdf.FileName(statement)),
        _ => new(StatementCsv.Write(statement), "text/csv; charset=utf-8", StatementCsv.FileName(statement)),
    };
}
