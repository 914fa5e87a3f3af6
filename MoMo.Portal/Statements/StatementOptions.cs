namespace MoMo.Portal.Statements;

/// <summary>The <c>Statements</c> configuration section.</summary>
public sealed class StatementOptions
{
    public const string Section = "Statements";

    /// <summary>Who issues the statements: printed at the top of every PDF page, and the sender's name of statement e-mails.</summary>
    public string OperatorName { get; set; } = "MoMo Portal";
}
