using Microsoft.Extensions.Options;
using MoMo.Portal;
using MoMo.Portal.Cli;

try
{
    // Settings are read and validated once, at start, so appsettings.json is not watched: watching it puts a recursive
    // file watcher on the content root, which by default holds App_Data, and every database commit would wake it
    // (measured: a quarter of ingestion throughput).
    var builder = WebApplication.CreateBuilder([.. PortalCommandLine.HostArguments(args), "--hostBuilder:reloadConfigOnChange=false"]);
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
