using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MoMo.Portal.Data;
using MoMo.Portal.Payments;
using MoMo.Portal.Suspense;
using MoMo.Portal.Users;

namespace MoMo.Portal.Cli;

/// <summary>
/// <c>payments suspense|repair|return|approve|decline</c>: the suspense queue from the command line. <c>--by</c> names
/// the staff member who acts; the two-person rule is the service's, as in the portal.
/// </summary>
internal static class SuspenseCommands
{
    public static IEnumerable<Command> All(CommandContext context) =>
        [List(context), Repair(context), Return(context), Decide(context, approve: true), Decide(context, approve: false)];

    private static Command List(CommandContext context)
    {
        var json = new Option<bool>("--json") { Description = "Print JSON (one object per held payment) instead of a table." };
        var command = new Command("suspense", "List the payments held in suspense, with their pending proposals.") { json };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var cases = await context.Services.GetRequiredService<SuspenseService>().OpenCasesAsync(cancellationToken);
            if (parsed.GetValue(json))
            {
                context.Output.WriteLine(JsonSerializer.Serialize(cases.Select(Describe), CommandJson.Options));
                return PortalCommandLine.Success;
            }

            if (cases.Count == 0)
            {
                context.Output.WriteLine("No payment is in suspense.");
                return PortalCommandLine.Success;
            }

            foreach (var c in cases)
            {
                var p = c.Payment;
                context.Output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{p.Id}\t{c.HeldAtUtc:yyyy-MM-dd HH:mm}\t{p.BankCode}\t{Money.Format(p.AmountMinor, p.Currency)} {p.Currency}\t" +
                    $"{Snake(c.Reason)}\tpayer {p.PayerId}\tpartner {p.PartnerAccountId}\t{Pending(c)}"));
            }

            return PortalCommandLine.Success;
        });
        return command;
    }

    private static Command Repair(CommandContext context)
    {
        var (id, by) = (Id(), By());
        var partner = new Option<string>("--partner") { Description = "The partner's account number; default: the one the bank sent." };
        var payer = new Option<string>("--payer") { Description = "The payer's reference number; default: the one the bank sent." };
        var newPayerName = new Option<string>("--new-payer-name")
        {
            Description = "Create the payer (--payer, or the reference the bank sent) with this name when the repair is approved.",
        };
        var note = new Option<string>("--note") { Description = "Why; shown to the approver and kept in the audit log." };
        var command = new Command("repair", "Propose repairing a held payment; another staff member approves it.")
            { id, partner, payer, newPayerName, by, note };
        command.SetAction((parsed, cancellationToken) => RunAsync(context, parsed, by, cancellationToken, (service, actor) =>
            service.ProposeRepairAsync(new RepairProposal(parsed.GetValue(id), parsed.GetValue(partner), parsed.GetValue(payer),
                parsed.GetValue(newPayerName), parsed.GetValue(note)), actor, cancellationToken),
            c => $"Proposed: {Pending(c)}. Another staff member approves it with: payments approve --id {c.PaymentId} --by EMAIL"));
        return command;
    }

    private static Command Return(CommandContext context)
    {
        var (id, by) = (Id(), By());
        var reason = new Option<string>("--reason") { Description = "Why the money goes back; the bank and the auditors read it.", Required = true };
        var command = new Command("return", "Propose returning a held payment to its bank; another staff member approves it.") { id, reason, by };
        command.SetAction((parsed, cancellationToken) => RunAsync(context, parsed, by, cancellationToken, (service, actor) =>
            service.ProposeReturnAsync(parsed.GetValue(id), parsed.GetValue(reason), actor, cancellationToken),
            c => $"Proposed: {Pending(c)}. Another staff member approves it with: payments approve --id {c.PaymentId} --by EMAIL"));
        return command;
    }

    private static Command Decide(CommandContext context, bool approve)
    {
        var (id, by) = (Id(), By());
        var note = new Option<string>("--note") { Description = "Why it is declined; kept in the audit log." };
        var command = approve
            ? new Command("approve", "Approve the pending proposal for a held payment (not your own).") { id, by }
            : new Command("decline", "Decline the pending proposal for a held payment (not your own).") { id, by, note };
        command.SetAction((parsed, cancellationToken) => RunAsync(context, parsed, by, cancellationToken, async (service, actor) =>
            {
                // The command line decides on the proposal as it reads it now; the version still guards against a
                // change between this read and the write.
                var paymentId = parsed.GetValue(id);
                var version = (await service.FindAsync(paymentId, cancellationToken))?.Version ?? 0;
                return approve
                    ? await service.ApproveAsync(paymentId, version, actor, cancellationToken)
                    : await service.DeclineAsync(paymentId, version, parsed.GetValue(note), actor, cancellationToken);
            },
            c => approve
                ? c.Resolution == SuspenseResolution.Repaired
                    ? $"Approved: payment {c.PaymentId} left suspense for partner {c.Payment.PartnerAccountId} and payer {c.Payment.PayerId}; it is delivered shortly."
                    : $"Approved: payment {c.PaymentId} is returned to bank {c.Payment.BankCode}."
                : $"Declined the proposal for payment {c.PaymentId}; it stays in suspense."));
        return command;
    }

    /// <summary>Resolves <c>--by</c>, runs the change, prints the outcome: 0 done, 1 refused with the reason.</summary>
    private static async Task<int> RunAsync(CommandContext context, ParseResult parsed, Option<string> by, CancellationToken cancellationToken,
        Func<SuspenseService, string, Task<ChangeResult<SuspenseCase>>> change, Func<SuspenseCase, string> done)
    {
        await context.PrepareDatabaseAsync(cancellationToken);
        var staff = await context.Services.GetRequiredService<UserAccounts>().OperatorAsync(parsed.GetRequiredValue(by));
        if (staff.Value is not { } actor)
        {
            return context.Fail(staff.Errors);
        }

        var result = await change(context.Services.GetRequiredService<SuspenseService>(), actor);
        if (result.Value is not { } suspense)
        {
            return context.Fail(result.Errors);
        }

        context.Output.WriteLine(done(suspense));
        return PortalCommandLine.Success;
    }

    private static Option<long> Id() => new("--id") { Description = "The held payment's id.", Required = true };

    private static Option<string> By() => new("--by")
    {
        Description = "The e-mail of the staff member (Admin or Operator) who acts; the audit log records them.",
        Required = true,
    };

    private static string Pending(SuspenseCase c) => c.Proposal switch
    {
        ProposalKind.Repair => $"repair to partner {c.ProposedPartnerAccountId}, payer {c.ProposedPayerId}" +
                               (c.NewPayerName is null ? "" : $" (new: {c.NewPayerName})") + $", by {c.ProposedBy}",
        ProposalKind.Return => $"return to bank ({c.ProposalNote}), by {c.ProposedBy}",
        _ => "no proposal",
    };

    private static string Snake<T>(T value) where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    private static object Describe(SuspenseCase c) => new
    {
        PaymentId = c.PaymentId,
        c.Payment.BankCode,
        TransactionId = c.Payment.BankReference,
        ReferenceNumber = c.Payment.PayerId,
        AccountNumber = c.Payment.PartnerAccountId,
        Amount = Money.Format(c.Payment.AmountMinor, c.Payment.Currency),
        c.Payment.Currency,
        Reason = Snake(c.Reason),
        HeldAt = c.HeldAtUtc,
        c.Version,
        Proposal = c.Proposal is { } kind
            ? new
            {
                Kind = Snake(kind),
                PartnerAccountId = c.ProposedPartnerAccountId,
                PayerId = c.ProposedPayerId,
                c.NewPayerName,
                Note = c.ProposalNote,
                c.ProposedBy,
                ProposedAt = c.ProposedAtUtc,
            }
            : null,
    };
}
