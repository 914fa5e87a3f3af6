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
        var retry = new Command("retry", "Make errored payments due for delivery now.") { ids, allErrored };
        retry.Validators.Add(result =>
        {
            // Read what was typed, not the converted values: a malformed --id is reported by the parser itself.
            var hasIds = result.GetResult(ids) is { Tokens.Count: > 0 };
            var hasAll = result.GetResult(allErrored) is not null;
            if (hasIds == hasAll)
            {
                result.AddError("Give either --id (one or more times) or --all-errored.");
            }
        });
        retry.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var service = context.Services.GetRequiredService<PaymentRetryService>();
            var outcome = parsed.GetValue(allErrored)
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

        var group = new Command("payments", "Act on payments.");
        group.Subcommands.Add(retry);
        foreach (var command in SuspenseCommands.All(context))
        {
            group.Subcommands.Add(command);
        }

        return group;
    }
}
