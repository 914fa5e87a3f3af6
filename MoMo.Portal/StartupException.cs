namespace MoMo.Portal;

/// <summary>
/// A problem with the machine or the configuration that the operator must fix before the portal can run: reported
/// as one clear line and exit code 1, not as a stack trace from a process that restarts and fails again.
/// </summary>
public sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
