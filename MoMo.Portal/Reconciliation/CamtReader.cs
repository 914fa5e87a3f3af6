using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Reconciliation;

/// <summary>
/// Reads ISO 20022 camt.053 (bank-to-customer statement) and camt.054 (debit/credit notification), message versions
/// 001.02 to 001.08, with a streaming <see cref="XmlReader"/>: one entry at a time is held as a tree, so a large file is
/// read in bounded memory. DTDs are refused outright (no external entities, no entity expansion).
/// </summary>
public static partial class CamtReader
{
    /// <summary>A file read whole, or why not (naming the entry where one is at fault).</summary>
    public sealed record Result(string? Message, List<BankStatement> Statements, string? Error);

    public static Result Read(Stream content)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreComments = true, IgnoreProcessingInstructions = true,
            MaxCharactersFromEntities = 0, CloseInput = false,
        };
        try
        {
            return ReadAll(XmlReader.Create(content, settings));
        }
        catch (XmlException exception)
        {
            return Fail(exception.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase)
                ? "The file declares a DTD; statements with DTDs are refused (they can pull in external content or expand without bound)."
                : $"The file is not well-formed XML (line {exception.LineNumber}, position {exception.LinePosition}): {exception.Message}");
        }
    }

    private static Result ReadAll(XmlReader reader)
    {
        using var _ = reader;
        XNamespace ns = XNamespace.None;
        string? message = null;
        string? messageId = null;
        DateTime? created = null;
        var statements = new List<BankStatement>();
        (string Id, string? Account, DateTime? From, DateTime? To, DateTime? Created, List<StatementEntry> Entries)? current = null;

        void Close()
        {
            if (current is { } s)
            {
                statements.Add(new BankStatement
                {
                    BankCode = "", StatementId = s.Id, MessageId = messageId ?? "", CreatedAtUtc = s.Created ?? created, Account = s.Account,
                    FromUtc = s.From, ToUtc = s.To, Entries = s.Entries,
                });
                current = null;
            }
        }

        var advanced = false;
        while (advanced || reader.Read())
        {
            advanced = false;
            if (reader.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            switch (reader.Depth)
            {
                case 0:
                    if (reader.LocalName != "Document" || MessageName().Match(reader.NamespaceURI) is not { Success: true } match)
                    {
                        return Fail($"'{reader.NamespaceURI}' is not a supported message: expected camt.053 or camt.054, versions 001.02 to 001.08 " +
                                    "(urn:iso:std:iso:20022:tech:xsd:camt.053.001.02 …).");
                    }

                    ns = reader.NamespaceURI;
                    message = match.Groups["name"].Value;
                    continue;
                case 1:
                    if (reader.LocalName is not ("BkToCstmrStmt" or "BkToCstmrDbtCdtNtfctn"))
                    {
                        return Fail($"'{reader.LocalName}' is not a statement or a notification.");
                    }

                    continue;
                case 2 when reader.LocalName == "GrpHdr":
                    var header = (XElement)XNode.ReadFrom(reader);
                    advanced = true;
                    messageId = Text(header, ns, "MsgId");
                    created = Time(Text(header, ns, "CreDtTm"));
                    continue;
                case 2 when reader.LocalName is "Stmt" or "Ntfctn":
                    Close();
                    current = ("", null, null, null, null, []);
                    continue;
                case 3 when current is { } statement:
                    switch (reader.LocalName)
                    {
                        case "Id":
                            current = statement with { Id = reader.ReadElementContentAsString().Trim() };
                            advanced = true;
                            continue;
                        case "CreDtTm":
                            current = statement with { Created = Time(reader.ReadElementContentAsString()) };
                            advanced = true;
                            continue;
                        case "Acct":
                            var account = (XElement)XNode.ReadFrom(reader);
                            advanced = true;
                            current = statement with { Account = Text(account, ns, "Id", "IBAN") ?? Text(account, ns, "Id", "Othr", "Id") };
                            continue;
                        case "FrToDt":
                            var period = (XElement)XNode.ReadFrom(reader);
                            advanced = true;
                            current = statement with { From = Time(Text(period, ns, "FrDtTm")), To = Time(Text(period, ns, "ToDtTm")) };
                            continue;
                        case "Ntry":
                            var entry = (XElement)XNode.ReadFrom(reader);
                            advanced = true;
                            var index = statement.Entries.Select(e => e.EntryIndex).DefaultIfEmpty(0).Max() + 1;
                            if (Entries(entry, ns, index, out var error) is not { } read)
                            {
                                return Fail($"Statement '{statement.Id}', entry {index}{Named(entry, ns)}: {error}");
                            }

                            statement.Entries.AddRange(read);
                            continue;
                    }

                    continue;
            }
        }

        Close();
        if (message is null)
        {
            return Fail("The file holds no ISO 20022 document.");
        }

        if (statements.Count == 0 || statements.Any(s => s.StatementId.Length == 0))
        {
            return Fail("The file holds no statement or notification with an Id.");
        }

        return new Result(message, statements, null);
    }

    /// <summary>The entry, or one line per transaction detail of a batch entry (each with its own amount).</summary>
    private static List<StatementEntry>? Entries(XElement entry, XNamespace ns, int index, out string? error)
    {
        error = null;
        if (Amount(entry.Element(ns + "Amt"), out var amount, out var currency) is { } amountError)
        {
            error = amountError;
            return null;
        }

        var credit = Text(entry, ns, "CdtDbtInd") switch
        {
            "CRDT" => true,
            "DBIT" => false,
            var other => (bool?)null,
        };
        if (credit is null)
        {
            error = "CdtDbtInd must be CRDT or DBIT.";
            return null;
        }

        var status = Text(entry, ns, "Sts", "Cd") ?? Text(entry, ns, "Sts") ?? "";
        var details = entry.Element(ns + "NtryDtls")?.Elements(ns + "TxDtls").ToList() ?? [];
        var lines = new List<StatementEntry>();
        for (var i = 0; i < Math.Max(1, details.Count); i++)
        {
            var detail = i < details.Count ? details[i] : null;
            var (lineAmount, lineCurrency) = (amount, currency);
            if (details.Count > 1)
            {
                var amountElement = detail!.Element(ns + "Amt") ?? detail.Element(ns + "AmtDtls")?.Element(ns + "TxAmt")?.Element(ns + "Amt");
                if (amountElement is null)
                {
                    error = $"transaction detail {i + 1} of a batch entry has no amount.";
                    return null;
                }

                if (Amount(amountElement, out lineAmount, out lineCurrency) is { } detailError)
                {
                    error = $"transaction detail {i + 1}: {detailError}";
                    return null;
                }
            }

            lines.Add(new StatementEntry
            {
                EntryIndex = index, DetailIndex = details.Count > 1 ? i + 1 : 0,
                EntryReference = Text(entry, ns, "NtryRef"), AccountServicerReference = Text(entry, ns, "AcctSvcrRef"),
                BookingDate = Day(entry, ns, "BookgDt"), ValueDate = Day(entry, ns, "ValDt"),
                AmountMinor = lineAmount, Currency = lineCurrency, IsCredit = credit.Value,
                IsReversal = string.Equals(Text(entry, ns, "RvslInd"), "true", StringComparison.OrdinalIgnoreCase),
                Status = status.Length > 4 ? status[..4] : status,
                BankTransactionCode = TransactionCode(entry, ns),
                EndToEndId = Text(detail, ns, "Refs", "EndToEndId"), TransactionId = Text(detail, ns, "Refs", "TxId"),
                InstructionId = Text(detail, ns, "Refs", "InstrId"), Uetr = Text(detail, ns, "Refs", "UETR"),
                DetailAccountServicerReference = Text(detail, ns, "Refs", "AcctSvcrRef"),
                DebtorName = Text(detail, ns, "RltdPties", "Dbtr", "Nm") ?? Text(detail, ns, "RltdPties", "Dbtr", "Pty", "Nm"),
                Remittance = Clip(string.Join(" ", detail?.Element(ns + "RmtInf")?.Elements(ns + "Ustrd").Select(u => u.Value.Trim()) ?? [])),
            });
        }

        return lines;
    }

    /// <summary>Null when the amount reads exactly in its currency's minor units; otherwise why not.</summary>
    private static string? Amount(XElement? element, out long amountMinor, out string currency)
    {
        amountMinor = 0;
        currency = element?.Attribute("Ccy")?.Value ?? "";
        if (element is null)
        {
            return "it has no amount.";
        }

        if (!Currencies.TryGetMinorUnits(currency, out var minorUnits))
        {
            return $"'{currency}' is not a currency the portal knows.";
        }

        return Money.TryParse(element.Value.Trim(), currency, minorUnits, out amountMinor, out var error)
            ? null
            : $"the amount '{element.Value.Trim()}' {currency} is not exact in {currency}'s minor units ({error}).";
    }

    private static string? TransactionCode(XElement entry, XNamespace ns)
    {
        var code = entry.Element(ns + "BkTxCd");
        if (code?.Element(ns + "Domn") is { } domain)
        {
            return $"{Text(domain, ns, "Cd")}/{Text(domain, ns, "Fmly", "Cd")}/{Text(domain, ns, "Fmly", "SubFmlyCd")}";
        }

        return Text(code, ns, "Prtry", "Cd");
    }

    private static DateOnly? Day(XElement entry, XNamespace ns, string name)
    {
        var text = Text(entry, ns, name, "Dt") ?? Text(entry, ns, name, "DtTm")?[..10];
        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
    }

    private static DateTime? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time.UtcDateTime : null;

    private static string? Text(XElement? element, XNamespace ns, params string[] path)
    {
        foreach (var name in path)
        {
            element = element?.Element(ns + name);
        }

        return element is null || element.HasElements ? null : Clip(element.Value.Trim());
    }

    private static string? Clip(string? text) => string.IsNullOrEmpty(text) ? null : text.Length > StatementEntry.MaxText ? text[..StatementEntry.MaxText] : text;

    private static string Named(XElement entry, XNamespace ns) =>
        (Text(entry, ns, "NtryRef") ?? Text(entry, ns, "AcctSvcrRef")) is { } reference ? $" ({reference})" : "";

    private static Result Fail(string error) => new(null, [], error);

    [GeneratedRegex(@"^urn:iso:std:iso:20022:tech:xsd:(?<name>camt\.05[34]\.001\.0[2-8])$")]
    private static partial Regex MessageName();
}
