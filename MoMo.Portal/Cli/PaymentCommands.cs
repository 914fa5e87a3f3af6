using System.CommandLine;
using MoMo.Portal.Payments;

namespace MoMo.Portal.Cli;

/// <summary><c>payments retry</c>: errored payments back to due-now; and the suspense queue (<see cref="SuspenseCommands"/>).</summary>
internal static class PaymentCommands
{
    public static Command Payments(CommandContext context)
    {
        var ids = new Option<long[]>("--id")
        {
            Description = "An errored payment to retry; repeat for several.",
            AllowMultipleArgumentsPerToken = false,
        };
        var allErrored = new Option<bool>("--all-errored") { Description = "Retry every errored payment." };
        var partner = new Option<string>("--partner") { Description = "Recover since: retry this partner's errored payments received since --since." };
        var since = new Option<DateTime?>("--since") { Description = "With --partner: the UTC time from which to retry, e.g. 2026-12-01T06:00:00Z." };
        var retry = new Command("retry", "Make errored payments due for delivery now.") { ids, allErrored, partner, since };
        retry.Validators.Add(result =>
        {
            // Read what was typed, not the converted values: a malformed --id is reported by the parser itself.
            var hasIds = result.GetResult(ids) is { Tokens.Count: > 0 };
            var hasAll = result.GetResult(allErrored) is not null;
            var hasPartner = result.GetResult(partner) is not null;
            if ((hasIds ? 1 : 0) + (hasAll ? 1 : 0) + (hasPartner ? 1 : 0) != 1)
            {
                result.AddError("Give one of --id (one or more times), --all-errored, or --partner with --since.");
            }
            else if (hasPartner != (result.GetResult(since) is not null))
            {
                result.AddError("--partner and --since go together: retry the partner's errored payments received since that time.");
            }
        });
        retry.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var service = context.Services.GetRequiredService<PaymentRetryService>();
            var outcome = parsed.GetValue(partner) is { } partnerAccountId
                ? await service.RecoverSinceAsync(partnerAccountId, Utc(parsed.GetValue(since)!.Value), context.Actor, cancellationToken)
                : parsed.GetValue(allErrored)
                    ? await service.RetryAllErroredAsync(context.Actor, cancellationToken)
                    : await service.RetryAsync(parsed.GetRequiredValue(ids), context.Actor, cancellationToken);

            context.Output.WriteLine($"Retried {outcome.Retried} payment(s).");
            if (outcome.NotErrored > 0)
            {
                context.Error.WriteLine($"warning: {outcome.NotErrored} payment(s) were not errored and were left as they are.");
            }

            if (outcome.NotFound > 0)
            {
                context.Error.WriteLine($"warning: {outcome.NotFound} payment id(s) do not exist.");
            }

            return outcome.NotErrored + outcome.NotFound == 0 ? PortalCommandLine.Success : PortalCommandLine.Failure;
        });

        // A time without an offset is taken as UTC, as everywhere on the command line.
        static DateTime Utc(DateTime time) => time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime();

        var group = new Command("payments", "Act on payments.");
        group.Subcommands.Add(retry);
        foreach (var command in SuspenseCommands.All(context))
        {
            group.Subcommands.Add(command);
        }

        return group;
    }
}
