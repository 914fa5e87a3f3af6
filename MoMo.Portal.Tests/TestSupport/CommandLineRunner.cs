using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MoMo.Portal.Cli;

namespace MoMo.Portal.Tests.TestSupport;

/// <summary>Runs a command-line command in process, on the app's own wiring, against a given data directory.</summary>
public static class CommandLineRunner
{
    /// <summary>The app as Program.cs builds it, without starting the server.</summary>
    public static WebApplication BuildApp(string environment, string dataDirectory)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = environment,
            ApplicationName = typeof(Program).Assembly.GetName().Name,
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MoMo:DataDirectory"] = dataDirectory,
            // A throw-away database needs no certificate for its keys, in Production too (StartupTests checks the refusal).
            ["MoMo:AllowUnprotectedKeys"] = "true",
        });
        builder.AddPortal();
        builder.Logging.ClearProviders();
        return builder.Build();
    }

    private static async Task<CommandRun> RunAsync(string environment, string dataDirectory, string[] args)
    {
        await using var app = BuildApp(environment, dataDirectory);

        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await PortalCommandLine.RunAsync(app.Services, args, output, error);
        return new CommandRun(exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command on a running portal's own services (its database, its caches).</summary>
    public static async Task<CommandRun> RunOnAsync(IServiceProvider services, params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var exitCode = await PortalCommandLine.RunAsync(services, args, output, error);
        return new CommandRun(exitCode, output.ToString(), error.ToString());
    }

    public static Task<CommandRun> RunAsync(string dataDirectory, params string[] args) =>
        RunAsync("Testing", dataDirectory, args);

    public static Task<CommandRun> RunInDevelopmentAsync(string dataDirectory, params string[] args) =>
        RunAsync("Development", dataDirectory, args);
}

public sealed record CommandRun(int ExitCode, string Output, string Error);
