using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.WebUtilities;

namespace MoMo.Portal.Components.Shared;

/// <summary>Lists keep their filters in the URL, so a filtered list can be bookmarked and sent to a colleague.</summary>
internal static class UrlQuery
{
    public static string? Get(NavigationManager navigation, string name) =>
        QueryHelpers.ParseQuery(new Uri(navigation.Uri).Query).TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value)
            ? value.ToString()
            : null;

    /// <summary>Replaces the current history entry with the same page and these filters (blank ones left out).</summary>
    public static void Keep(NavigationManager navigation, IReadOnlyDictionary<string, object?> filters) =>
        navigation.NavigateTo(navigation.GetUriWithQueryParameters(filters.ToDictionary(
            f => f.Key, f => f.Value is string text && string.IsNullOrWhiteSpace(text) ? null : f.Value)), replace: true);
}
