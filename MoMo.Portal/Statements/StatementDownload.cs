using System.Globalization;

namespace MoMo.Portal.Statements;

/// <summary>
/// <c>GET /partners/{accountId}/statement.csv|pdf?from=&amp;to=[&amp;asOf=]</c>: a partner's statement for staff to download
/// (any signed-in staff role, as for the payments export); the same bytes as <c>statements partner</c>.
/// </summary>
internal static class StatementDownload
{
    public static void MapStatementDownload(this WebApplication app) =>
        app.MapGet("/partners/{accountId}/statement.{format:regex(^(csv|pdf)$)}", async (string accountId, string format, string? from,
            string? to, DateTime? asOf, HttpContext http, PartnerStatements statements, StatementFiles files, CancellationToken cancellationToken) =>
        {
            if (!DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
                || !DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var last))
            {
                return Results.Problem(statusCode: 400, title: "Bad period", detail: "Give from and to as yyyy-MM-dd.");
            }

            var result = await statements.BuildAsync(accountId, first, last, asOf, cancellationToken);
            if (result.Value is not { } statement)
            {
                return Results.Problem(statusCode: result.Errors.ContainsKey("Partner") ? 404 : 400, title: "No statement",
                    detail: string.Join(" ", result.Errors.Values));
            }

            // Partner data must not stay in a browser's or a proxy's cache on a shared back-office PC.
            http.Response.Headers.CacheControl = "no-store";
            var file = files.Render(statement, format == "pdf" ? StatementFormat.Pdf : StatementFormat.Csv);
            return Results.File(file.Bytes, file.ContentType, file.FileName);
        }).WithName("DownloadPartnerStatement").ExcludeFromDescription();
}
