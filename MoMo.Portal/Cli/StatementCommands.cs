using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
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
        group.Subcommands.Add(Import(context));
        group.Subcommands.Add(Breaks(context));
        group.Subcommands.Add(CloseBreak(context));
        group.Subcommands.Add(Decide(context));
        group.Subcommands.Add(CreatePayment(context));
        group.Subcommands.Add(Report(context));
        group.Subcommands.Add(Sends(context));
        group.Subcommands.Add(Send(context));
        return group;
    }

    /// <summary>
    /// <c>statements import FILE --bank CODE [--json]</c>: a bank's camt.053/054 statement file, stored and matched to its
    /// payments. Exit 0 when imported (or imported before), 1 when refused (nothing stored), 2 for a usage error.
    /// </summary>
    private static Command Import(CommandContext context)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The statement file (camt.053 or camt.054, versions 001.02 to 001.08)." };
        var bank = new Option<string>("--bank") { Description = "The bank whose statement it is.", Required = true };
        var format = new Option<string>("--format") { Description = "camt (ISO 20022 XML) or csv (by the bank's CSV mapping).", DefaultValueFactory = _ => "camt" };
        format.AcceptOnlyFromAmong("camt", "csv");
        var json = new Option<bool>("--json") { Description = "Print one JSON object with what was imported and matched." };
        var replace = new Option<bool>("--replace") { Description = "Replace statements imported before under the same ids (an Admin's decision, audited)." };
        var by = new Option<string>("--by") { Description = "With --replace: the Admin replacing (their sign-in e-mail)." };
        var command = new Command("import", "Import a bank statement file and match its credits to payments.") { file, bank, format, json, replace, by };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(replace) is null) != (result.GetResult(by) is null))
            {
                result.AddError("--replace and --by go together: an Admin replaces statements on purpose.");
            }
        });
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var path = parsed.GetRequiredValue(file);
            if (!path.Exists)
            {
                return context.Fail($"{path.FullName} does not exist.");
            }

            var actor = context.Actor;
            if (parsed.GetValue(replace))
            {
                var admin = await context.Services.GetRequiredService<Users.UserAccounts>().AdminAsync(parsed.GetRequiredValue(by));
                if (admin.Value is not { } name)
                {
                    return context.Fail(admin.Errors);
                }

                actor = name;
            }

            await using var stream = path.OpenRead();
            var outcome = await context.Services.GetRequiredService<Reconciliation.StatementImporter>().ImportAsync(
                parsed.GetRequiredValue(bank), path.Name, stream, actor, cancellationToken,
                parsed.GetRequiredValue(format) == "csv" ? Reconciliation.StatementFormat.Csv : Reconciliation.StatementFormat.Camt,
                parsed.GetValue(replace));
            if (outcome is Reconciliation.ImportOutcome.Refused refused)
            {
                return context.Fail(refused.Reason);
            }

            var (summary, again) = outcome switch
            {
                Reconciliation.ImportOutcome.Imported imported => (imported.Summary, false),
                Reconciliation.ImportOutcome.AlreadyImported earlier => (earlier.Summary, true),
                _ => throw new InvalidOperationException("Unknown import outcome."),
            };
            context.Output.WriteLine(parsed.GetValue(json)
                ? JsonSerializer.Serialize(summary, CommandJson.Options)
                : again
                    ? $"{path.Name} was imported before ({summary.Message}, {summary.Entries} entries): nothing added."
                    : $"Imported {path.Name} ({summary.Message}): {summary.Entries} entries in {string.Join(", ", summary.StatementIds)}; " +
                      $"{summary.Matched} matched, {summary.Breaks} break(s).");
            return PortalCommandLine.Success;
        });
        return command;
    }

    /// <summary><c>statements breaks [--bank C] [--json]</c>: the open breaks, oldest first.</summary>
    private static Command Breaks(CommandContext context)
    {
        var bank = new Option<string>("--bank") { Description = "Only this bank's breaks." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("breaks", "The open differences between bank statements and payments.") { bank, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var breaks = await context.Services.GetRequiredService<Reconciliation.BreakQueue>().OpenAsync(parsed.GetValue(bank), 1000, cancellationToken);
            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(breaks.Select(b => new
                {
                    Entry = b.GapId is null ? b.EntryId : (long?)null, Gap = b.GapId, Payment = b.PaymentId, Bank = b.BankCode,
                    Statement = b.StatementId, Kind = b.Kind, SuggestedPayment = b.SuggestedPaymentId, Amount = Payments.Money.Format(b.AmountMinor, b.Currency),
                    b.Currency, b.BookingDate, b.Reference, b.DebtorName, b.Remittance,
                }), CommandJson.Options));
                return PortalCommandLine.Success;
            }

            if (breaks.Count == 0)
            {
                context.Output.WriteLine("No open break.");
            }

            foreach (var b in breaks)
            {
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{b.EntryId,8} {b.BankCode,-12} {b.StatementId,-20} {JsonNamingPolicy.SnakeCaseLower.ConvertName(b.Kind.ToString()),-16} " +
                    $"{Payments.Money.Format(b.AmountMinor, b.Currency),12} {b.Currency} {b.Reference}"));
            }

            return PortalCommandLine.Success;
        });
        return command;
    }

    /// <summary><c>statements report --bank C --from D --to D [--json]</c>: the daily reconciliation figures.</summary>
    private static Command Report(CommandContext context)
    {
        var bank = new Option<string>("--bank") { Description = "The bank.", Required = true };
        var from = new Option<DateOnly>("--from") { Description = "The first booking day, yyyy-MM-dd.", Required = true };
        var to = new Option<DateOnly>("--to") { Description = "The last booking day, yyyy-MM-dd.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("report", "Per day: credits on the statements, payments notified, matched, and open breaks.") { bank, from, to, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            var (first, last) = (parsed.GetRequiredValue(from), parsed.GetRequiredValue(to));
            if (last < first || last.DayNumber - first.DayNumber > 366)
            {
                return context.Fail("Give a period of one day to a year, --from before --to.");
            }

            await context.PrepareDatabaseAsync(cancellationToken);
            var days = await context.Services.GetRequiredService<Reconciliation.ReconciliationReport>().BuildAsync(
                parsed.GetRequiredValue(bank), first, last, cancellationToken);
            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(days, CommandJson.Options));
                return PortalCommandLine.Success;
            }

            static string Text(Dictionary<string, Reconciliation.Figure> figures) =>
                figures.Count == 0 ? "—" : string.Join(", ", figures.Select(f => $"{f.Value.Count} · {f.Value.Amount} {f.Key}"));
            foreach (var day in days)
            {
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{day.Day:yyyy-MM-dd}  credits {Text(day.Credits)}; notified {Text(day.Notified)}; matched {Text(day.Matched)}; " +
                    $"open breaks {string.Join(", ", day.OpenBreaks.Where(b => b.Value.Count > 0).Select(b => $"{b.Key} {Text(b.Value)}").DefaultIfEmpty("none"))}"));
            }

            return PortalCommandLine.Success;
        });
        return command;
    }

    /// <summary><c>statements decide --entry ID --confirm|--reject --by EMAIL</c>: a suggested match confirmed or rejected (audited).</summary>
    private static Command Decide(CommandContext context)
    {
        var entry = new Option<long>("--entry") { Description = "The statement entry with a suggested match.", Required = true };
        var confirm = new Option<bool>("--confirm") { Description = "The entry is the suggested payment." };
        var reject = new Option<bool>("--reject") { Description = "It is not; the break stays for another action." };
        var by = new Option<string>("--by") { Description = "The Operator or Admin deciding (their sign-in e-mail).", Required = true };
        var command = new Command("decide", "Confirm or reject a statement entry's suggested match.") { entry, confirm, reject, by };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(confirm) is null) == (result.GetResult(reject) is null))
            {
                result.AddError("Give either --confirm or --reject.");
            }
        });
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var staff = await context.Services.GetRequiredService<Users.UserAccounts>().OperatorAsync(parsed.GetRequiredValue(by));
            if (staff.Value is not { } actor)
            {
                return context.Fail(staff.Errors);
            }

            var result = await context.Services.GetRequiredService<Reconciliation.BreakQueue>().DecideSuggestionAsync(
                parsed.GetRequiredValue(entry), parsed.GetValue(confirm), actor, cancellationToken);
            if (result.Value is not { } decided)
            {
                return context.Fail(result.Errors);
            }

            context.Output.WriteLine(decided.PaymentId is { } payment
                ? $"Statement entry {decided.Id} is payment {payment}."
                : $"The suggestion for statement entry {decided.Id} is rejected; its break stays open.");
            return PortalCommandLine.Success;
        });
        return command;
    }

    /// <summary>
    /// <c>statements create-payment --entry ID --partner ACCOUNT --payer REF --by EMAIL</c>: the payment a bank booked
    /// but never notified, made from its statement entry through ingestion's rules (audited).
    /// </summary>
    private static Command CreatePayment(CommandContext context)
    {
        var entry = new Option<long>("--entry") { Description = "The statement entry with a missing_payment break.", Required = true };
        var partner = new Option<string>("--partner") { Description = "The partner's account number the payment is for.", Required = true };
        var payer = new Option<string>("--payer") { Description = "The payer's reference number.", Required = true };
        var by = new Option<string>("--by") { Description = "The Operator or Admin creating it (their sign-in e-mail).", Required = true };
        var command = new Command("create-payment", "Create the payment a statement entry shows and the bank never notified.") { entry, partner, payer, by };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var staff = await context.Services.GetRequiredService<Users.UserAccounts>().OperatorAsync(parsed.GetRequiredValue(by));
            if (staff.Value is not { } actor)
            {
                return context.Fail(staff.Errors);
            }

            var result = await context.Services.GetRequiredService<Reconciliation.EntryPayments>().CreateAsync(
                parsed.GetRequiredValue(entry), parsed.GetRequiredValue(partner), parsed.GetRequiredValue(payer), actor, cancellationToken);
            if (result.Value is not { } payment)
            {
                return context.Fail(result.Errors);
            }

            context.Output.WriteLine(payment.Status == Payments.PaymentStatus.Suspense
                ? $"Created payment {payment.Id} from statement entry {parsed.GetRequiredValue(entry)}; it is held in suspense."
                : $"Created payment {payment.Id} from statement entry {parsed.GetRequiredValue(entry)}; it is due for delivery.");
            return PortalCommandLine.Success;
        });
        return command;
    }

    /// <summary><c>statements close-break --entry ID --note TEXT --by EMAIL</c>: a staff member closes a break (audited).</summary>
    private static Command CloseBreak(CommandContext context)
    {
        var entry = new Option<long?>("--entry") { Description = "The statement entry whose break is closed." };
        var gap = new Option<long?>("--gap") { Description = "Or: the not-on-statement break of a payment (its id in statements breaks)." };
        var note = new Option<string>("--note") { Description = "Why: what was found or done.", Required = true };
        var by = new Option<string>("--by") { Description = "The Operator or Admin closing it (their sign-in e-mail).", Required = true };
        var command = new Command("close-break", "Close a statement break with a note.") { entry, gap, note, by };
        command.Validators.Add(result =>
        {
            if ((result.GetResult(entry) is null) == (result.GetResult(gap) is null))
            {
                result.AddError("Give either --entry or --gap.");
            }
        });
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var staff = await context.Services.GetRequiredService<Users.UserAccounts>().OperatorAsync(parsed.GetRequiredValue(by));
            if (staff.Value is not { } actor)
            {
                return context.Fail(staff.Errors);
            }

            var breaks = context.Services.GetRequiredService<Reconciliation.BreakQueue>();
            if (parsed.GetValue(gap) is { } gapId)
            {
                var closedGap = await breaks.CloseGapAsync(gapId, parsed.GetRequiredValue(note), actor, cancellationToken);
                if (!closedGap.Succeeded)
                {
                    return context.Fail(closedGap.Errors);
                }

                context.Output.WriteLine($"Closed the not-on-statement break {gapId} (payment {closedGap.Value!.PaymentId}).");
                return PortalCommandLine.Success;
            }

            var result = await breaks.CloseAsync(parsed.GetValue(entry)!.Value, parsed.GetRequiredValue(note), actor, cancellationToken);
            if (result.Value is not { } closed)
            {
                return context.Fail(result.Errors);
            }

            context.Output.WriteLine($"Closed the break of statement entry {closed.Id}.");
            return PortalCommandLine.Success;
        });
        return command;
    }

    /// <summary><c>statements sends --date D</c>: the statement e-mails a closed day owes, and how each went.</summary>
    private static Command Sends(CommandContext context)
    {
        var date = new Option<DateOnly>("--date") { Description = "The business day, yyyy-MM-dd.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("sends", "The statement e-mails of a closed business day: to whom, status, attempts, hashes.") { date, json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var day = parsed.GetRequiredValue(date);
            await using var db = await context.Services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(cancellationToken);
            var sends = await db.StatementSends.AsNoTracking().Where(s => s.Day == day).OrderBy(s => s.PartnerAccountId).ToListAsync(cancellationToken);
            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(sends.Select(s => new
                {
                    s.Day, Partner = s.PartnerAccountId, s.Email, s.Status, s.Attempts, s.SentAtUtc, s.LastError, s.SmtpReply, s.PdfSha256, s.CsvSha256,
                }), CommandJson.Options));
                return PortalCommandLine.Success;
            }

            if (sends.Count == 0)
            {
                context.Output.WriteLine($"No statement e-mails for {day:yyyy-MM-dd} (the day is open, or no partner had a statement address when it closed).");
            }

            foreach (var s in sends)
            {
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{s.PartnerAccountId,-20} {s.Email,-32} {s.Status.ToString().ToLowerInvariant(),-8} attempts {s.Attempts} " +
                    $"{(s.SentAtUtc is { } at ? $"sent {at:yyyy-MM-dd HH:mm:ss} UTC, PDF SHA-256 {s.PdfSha256}" : s.LastError ?? "")}"));
            }

            return PortalCommandLine.Success;
        });
        return command;
    }

    /// <summary><c>statements send</c>: sends the statement e-mails that are due now, as the close-days job does.</summary>
    private static Command Send(CommandContext context)
    {
        var command = new Command("send", "Send the statement e-mails that are due now (the close-days job does this every run).");
        command.SetAction(async (_, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var sent = await context.Services.GetRequiredService<StatementMailer>().SendDueAsync(cancellationToken);
            context.Output.WriteLine($"Sent {sent} statement e-mail(s); see 'statements sends --date D' for each one's record.");
            return PortalCommandLine.Success;
        });
        return command;
    }
}
