using System.CommandLine;
using MoMo.Portal.Data;

namespace MoMo.Portal.Cli;

/// <summary>
/// The command line (the original manage.py): <c>MoMo.Portal &lt;command&gt;</c>. Without a command the web app runs.
/// Exit codes: 0 success, 1 failure with a message, 2 usage error with usage text.
/// </summary>
public static class PortalCommandLine
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int UsageError = 2;

    /// <summary>A first argument that is not an option (<c>--urls</c>, <c>--environment</c>) names a command.</summary>
    public static bool IsCommand(string[] args) => args.Length > 0 && !args[0].StartsWith('-');

    /// <summary>
    /// The arguments for the host's configuration: a command's own options (<c>--name</c>, <c>--password</c>) must not
    /// become configuration keys, so a command runs on appsettings and environment variables only.
    /// </summary>
    public static string[] HostArguments(string[] args) => IsCommand(args) ? [] : args;

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error,
        CancellationToken cancellationToken = default)
    {
        var context = new CommandContext(services, output, error, $"cli:{Environment.UserName}");
        var root = new RootCommand("MoMo Portal: receives bank payments and delivers them to partners. " +
                                   "Run without a command to serve the web portal.")
        {
            DatabaseCommands.Migrate(context),
            DatabaseCommands.Seed(context),
            DatabaseCommands.Route(context),
            DatabaseCommands.Intake(context),
            ReferenceDataCommands.Bank(context),
            ReferenceDataCommands.Partner(context),
            ReferenceDataCommands.Payer(context),
            ReferenceDataCommands.User(context),
            PaymentCommands.Payments(context),
            DayCommands.Days(context),
            StatementCommands.Statements(context),
        };

        var parsed = root.Parse(args);
        var configuration = new InvocationConfiguration { Output = output, Error = error };
        if (parsed.Errors.Count > 0)
        {
            // Prints each error and the usage of the command that was meant; usage errors exit 2, not 1.
            await parsed.InvokeAsync(new InvocationConfiguration { Output = error, Error = error }, cancellationToken);
            return UsageError;
        }

        return await parsed.InvokeAsync(configuration, cancellationToken);
    }
}

/// <summary>What every command needs: the app's services, where to write, and who to record as the actor.</summary>
public sealed record CommandContext(IServiceProvider Services, TextWriter Output, TextWriter Error, string Actor)
{
    /// <summary>Prints every field error of a refused change and returns the failure exit code.</summary>
    public int Fail(IReadOnlyDictionary<string, string> errors)
    {
        foreach (var (field, message) in errors)
        {
            Error.WriteLine($"error: {field}: {message}");
        }

        return PortalCommandLine.Failure;
    }

    /// <summary>Upgrades the database first, unless automatic migration is turned off (then run <c>migrate</c>).</summary>
    public Task PrepareDatabaseAsync(CancellationToken cancellationToken) => Services.MigrateIfEnabledAsync(cancellationToken);

    public int Fail(string message)
    {
        Error.WriteLine($"error: {message}");
        return PortalCommandLine.Failure;
    }
}
