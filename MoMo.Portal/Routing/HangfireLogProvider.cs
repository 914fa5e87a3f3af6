using Hangfire.AspNetCore;
using Hangfire.Logging;

namespace MoMo.Portal.Routing;

/// <summary>
/// Hangfire's logs into the app's logging. Hangfire keeps one log provider for the whole process (a static), so when
/// one app in a process has stopped and another is starting — the test suite runs many — the provider may still hold
/// the stopped app's disposed logger factory; its loggers are then silent instead of failing the starting app.
/// </summary>
internal sealed class HangfireLogProvider(ILoggerFactory loggerFactory) : ILogProvider
{
    private readonly AspNetCoreLogProvider _logs = new(loggerFactory);

    public ILog GetLogger(string name)
    {
        try
        {
            return _logs.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return new SilentLog();
        }
    }

    private sealed class SilentLog : ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string>? messageFunc, Exception? exception = null) => false;
    }
}
