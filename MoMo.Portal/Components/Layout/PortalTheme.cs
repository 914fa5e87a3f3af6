using MudBlazor;

namespace MoMo.Portal.Components.Layout;

/// <summary>The portal's colours and type. System fonts only: there is no web font to download here or at many customers.</summary>
internal static class PortalTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#00695c",
            Secondary = "#f9a825",
            AppbarBackground = "#00695c",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#4db6ac",
            Secondary = "#ffd54f",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography
            {
                FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"],
            },
        },
    };
}
