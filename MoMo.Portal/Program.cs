using MoMo.Portal;
using MoMo.Portal.Cli;

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
