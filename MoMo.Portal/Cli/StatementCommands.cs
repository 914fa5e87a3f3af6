using System.CommandLine;
using System.Globalization;
using MoMo.Portal.Statements;

namespace MoMo.Portal.Cli;

/// <summary><c>statements partner</c>: what was paid to a partner over closed business days, as a file.</summary>
internal static class StatementCommands
{
    public static Command Statements(CommandContext context)
    {
        var partner = new Option<string>("--partner") { Description = "The partner's account number.", Required = true };
        var from = new Option<DateOnly>("--from") { Description = "The first business day, yyyy-MM-dd.", Required = true };
        var to = new Option<DateOnly>("--to") { Description = "The last business day, yyyy-MM-dd (closed, as every day of the period).", Required = true };
        var asOf = new Option<DateTime?>("--as-of")
        {
            Description = "List adjustments (payments delivered after their day closed) up to this UTC time; default: the period's last close, " +
                          "so the same statement is the same file whenever it is made.",
        };
        var format = new Option<string>("--format") { Description = "csv (RFC 4180) or pdf.", DefaultValueFactory = _ => "csv" };
        format.AcceptOnlyFromAmong("csv", "pdf");
        var output = new Option<FileInfo>("--output", "-o") { Description = "The file to write.", Required = true };
        var command = new Command("partner", "Write a partner's statement for closed business days.") { partner, from, to, asOf, format, output };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var result = await context.Services.GetRequiredService<PartnerStatements>().BuildAsync(
                parsed.GetRequiredValue(partner), parsed.GetRequiredValue(from), parsed.GetRequiredValue(to), parsed.GetValue(asOf), cancellationToken);
            if (result.Value is not { } statement)
            {
                return context.Fail(result.Errors);
            }

            var rendered = context.Services.GetRequiredService<StatementFiles>().Render(statement,
                parsed.GetRequiredValue(format) == "pdf" ? StatementFormat.Pdf : StatementFormat.Csv);
            var file = parsed.GetRequiredValue(output);
            await File.WriteAllBytesAsync(file.FullName, rendered.Bytes, cancellationToken);
            context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Wrote {file.FullName}: {statement.Lines.Count(l => !l.Adjustment)} payment(s), {statement.Lines.Count(l => l.Adjustment)} adjustment(s) " +
                $"up to {statement.AsOfUtc:yyyy-MM-dd HH:mm:ss} UTC; SHA-256 {rendered.Sha256}"));
            return PortalCommandLine.Success;
        });

        var group = new Command("statements", "Partner statements.");
        group.Subcommands.Add(command);
        return group;
    }
}
