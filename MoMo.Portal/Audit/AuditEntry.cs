using System.Text.Json;
using System.Text.Json.Serialization;

namespace MoMo.Portal.Audit;

/// <summary>A change someone made (in the portal or on the command line), with who, when, what, before and after.</summary>
public sealed class AuditEntry
{
    public long Id { get; private set; }
    public required DateTime AtUtc { get; init; }

    /// <summary>The staff user's name, or <c>cli</c> plus the operating-system user for the command line.</summary>
    public required string Actor { get; init; }

    /// <summary>What was done, e.g. <c>payment.retry</c>, <c>partner.create</c>.</summary>
    public required string Action { get; init; }

    public required string EntityType { get; init; }
    public required string EntityId { get; init; }

    /// <summary>JSON of the changed values before the change, when there was something before.</summary>
    public string? Before { get; init; }

    /// <summary>JSON of the changed values after the change.</summary>
    public string? After { get; init; }

    public static AuditEntry Record(
        string actor, string action, string entityType, string entityId, object? before, object? after, DateTime atUtc) => new()
    {
        AtUtc = atUtc,
        Actor = actor,
        Action = action,
        EntityType = entityType,
        EntityId = entityId,
        Before = before is null ? null : JsonSerializer.Serialize(before, s_json),
        After = after is null ? null : JsonSerializer.Serialize(after, s_json),
    };

    // Enums as their names ("Errored", not 4), and text as typed ("bank's", not "bank\u0027s"): the log is read by
    // people. The relaxed escaping is safe because every page HTML-encodes what it shows.
    private static readonly JsonSerializerOptions s_json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
