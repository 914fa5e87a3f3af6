using Microsoft.Extensions.Options;
using MoMo.Portal;
using MoMo.Portal.Cli;

try
{
    var builder = WebApplication.CreateBuilder(PortalCommandLine.HostArguments(args));
    builder.AddPortal();
    if (PortalCommandLine.IsCommand(args))
    {
        // A command prints its own results; the host's informational logs would only bury them.
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
    }

    var app = builder.Build();
    if (PortalCommandLine.IsCommand(args))
    {
        return await PortalCommandLine.RunAsync(app.Services, args, Console.Out, Console.Error);
    }

    await app.PrepareDatabaseAsync();
    app.UsePortal();
    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (exception is StartupException or OptionsValidationException)
{
    Console.Error.WriteLine($"MoMo Portal cannot start: {exception.Message}");
    return 1;
}
