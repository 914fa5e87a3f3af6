using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using MoMo.Portal.Data;
using MoMo.Portal.Users;

namespace MoMo.Portal.Reconciliation;

/// <summary>
/// <c>POST /reconciliation/statements?bank=CODE[&amp;format=camt|csv]&amp;name=FILE</c>: the Reconciliation page's upload.
/// The file is the raw body, sent by the browser with progress events, up to <c>Statements:MaxBytes</c>: a
/// 200 MB statement streamed over HTTP, where a Blazor circuit would carry it in 32 KB messages. Operators and Admins
/// only (checked against the database, as in a circuit), with the page's antiforgery token in the <c>RequestVerificationToken</c> header. The answer is
/// the import's summary, in <c>statements import --json</c>'s terms, or a problem saying why nothing was stored.
/// </summary>
internal static class StatementUpload
{
    public const string Path = "/reconciliation/statements";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static void MapStatementUpload(this WebApplication app) =>
        app.MapPost(Path, async (string? bank, string? format, string? name, HttpContext http, StatementImporter importer,
                IAntiforgery antiforgery, IAuthorizationService authorization, IServiceScopeFactory scopes, IOptions<ReconciliationOptions> options, CancellationToken cancellationToken) =>
            {
                // The antiforgery middleware only records a raw body's verdict (forms are refused by their binding): refuse here.
                if (!await antiforgery.IsRequestValidAsync(http))
                {
                    return Results.Problem(statusCode: 400, title: "Antiforgery token missing or invalid",
                        detail: "Upload statements from the Reconciliation page; reload it if it has been open since before you signed in again.");
                }

                if (await StaffActor.AllowedNameAsync(http.User, Policies.CanOperate, authorization, scopes) is not { } actor)
                {
                    return Results.Problem(statusCode: 403, title: "Not allowed", detail: "Only Operators and Admins import statements.");
                }

                if (string.IsNullOrWhiteSpace(bank) || string.IsNullOrWhiteSpace(name))
                {
                    return Results.Problem(statusCode: 400, title: "Bank and file name required", detail: "Give bank=CODE and name=FILE in the query.");
                }

                var statementFormat = (format ?? (name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? "csv" : "camt")) switch
                {
                    "camt" => StatementFormat.Camt,
                    "csv" => StatementFormat.Csv,
                    _ => (StatementFormat?)null,
                };
                if (statementFormat is null)
                {
                    return Results.Problem(statusCode: 400, title: "Unknown format", detail: "format is camt or csv.");
                }

                var limit = options.Value.MaxBytes;
                if (http.Request.ContentLength > limit)
                {
                    return TooLarge(name, limit);
                }

                // Kestrel's own default (30 MB) would cut a large statement short; this endpoint's limit is the import's.
                if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                {
                    size.MaxRequestBodySize = limit;
                }

                ImportOutcome outcome;
                try
                {
                    outcome = await importer.ImportAsync(bank, name, http.Request.Body, actor, cancellationToken, statementFormat.Value);
                }
                catch (BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
                {
                    return TooLarge(name, limit);
                }

                return outcome switch
                {
                    ImportOutcome.Imported imported => Results.Json(imported.Summary, s_json, statusCode: 201),
                    ImportOutcome.AlreadyImported again => Results.Json(again.Summary, s_json, statusCode: 200),
                    ImportOutcome.Refused refused => Results.Problem(statusCode: 422, title: "Statement not imported", detail: refused.Reason),
                    _ => throw new InvalidOperationException("Unknown import outcome."),
                };
            })
            // Signed-in staff reach the handler, which answers a Viewer 403 itself: the policy's own refusal would be a
            // redirect to the access-denied page, which a script uploading a file cannot show.
            .RequireAuthorization()
            .ExcludeFromDescription();

    private static IResult TooLarge(string name, long limit) => Results.Problem(statusCode: 413, title: "Statement too large",
        detail: $"{name} is over the limit of {limit:N0} bytes (Statements:MaxBytes). Nothing was stored.");
}
