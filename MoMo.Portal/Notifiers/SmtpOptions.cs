namespace MoMo.Portal.Notifiers;

/// <summary>The <c>Smtp</c> configuration section: the server that carries e-mail notifications to partners.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    /// <summary>The SMTP server; required as soon as any partner is notified by e-mail.</summary>
    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;

    public string? User { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender, e.g. <c>MoMo Portal &lt;payments@operator.example&gt;</c>.</summary>
    public string From { get; set; } = "MoMo Portal <payments@momo.local>";

    /// <summary>Null when the options can send mail; otherwise what is missing or wrong.</summary>
    public string? Problem()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            return "Smtp:Host is not set.";
        }

        if (Port is < 1 or > 65535)
        {
            return "Smtp:Port must be between 1 and 65535.";
        }

        if (!MimeKit.MailboxAddress.TryParse(From, out _))
        {
            return $"Smtp:From '{From}' is not an e-mail address.";
        }

        return string.IsNullOrEmpty(User) == string.IsNullOrEmpty(Password)
            ? null
            : "Smtp:User and Smtp:Password go together: set both or neither.";
    }
}

public enum SmtpSecurity
{
    None,
    StartTls,
    SslOnConnect,
}
