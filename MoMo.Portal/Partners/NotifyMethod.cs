namespace MoMo.Portal.Partners;

/// <summary>How a partner wants to hear about its payments.</summary>
public enum NotifyMethod
{
    /// <summary>A signed HTTP webhook to <see cref="Partner.ContactPath"/>.</summary>
    Api,

    /// <summary>An e-mail to <see cref="Partner.ContactPath"/>.</summary>
    Email,
}
