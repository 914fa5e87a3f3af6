using System.Text.Json;
using System.Text.Json.Serialization;

namespace MoMo.Portal.Cli;

/// <summary>How <c>--json</c> output is written by every command: snake_case names and enum values, indented for people.</summary>
internal static class CommandJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
