using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace MoMo.Portal.Ingestion;

/// <summary>
/// Fills in what the bank API's OpenAPI description cannot infer: the raw-read body, the problem answers and the API key
/// every operation needs. Linted with Redocly's recommended rules in the tests.
/// </summary>
internal static class BankApiOpenApi
{
    public const string ApiKeyScheme = "BankApiKey";

    public static void Configure(OpenApiOptions options)
    {
        options.ShouldInclude = description =>
            description.ActionDescriptor.EndpointMetadata.OfType<BankApiEndpoint>().Any();
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "MoMo Portal bank API";
            document.Info.Description =
                "Banks send payments here. Every request carries the bank's key in the X-Api-Key header. " +
                "Errors are RFC 9457 problem details with a machine-readable 'code' and, for validation, an 'errors' map.";
            document.Info.License = new OpenApiLicense
            {
                Name = "Proprietary: for the banks MoMo Portal's operator registers", Identifier = "LicenseRef-Proprietary",
            };
            foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
            {
                tag.Description ??= "A bank's payments: send one (exactly once, by transaction_id) and read it back with its delivery status.";
            }

            // The server is this portal as the document was asked for, without the trailing slash that would double the
            // slash in every path a client joins to it.
            foreach (var server in document.Servers ?? [])
            {
                server.Url = server.Url?.TrimEnd('/');
            }

            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = BankAuthenticator.ApiKeyHeader,
                Description = "The bank's API key, issued by the MoMo Portal operations team (shown once, stored only hashed).",
            };
            return Task.CompletedTask;
        });
        options.AddSchemaTransformer((schema, context, _) =>
        {
            // The status is a string in the payment's JSON; the description lists every value a bank can meet.
            if (context.JsonTypeInfo.Type == typeof(BankPaymentResponse)
                && schema.Properties is { } properties && properties.TryGetValue("status", out var property) && property is OpenApiSchema status)
            {
                status.Enum = [.. Enum.GetValues<Payments.PaymentStatus>().Select(s => (System.Text.Json.Nodes.JsonNode)BankPaymentResponse.StatusName(s))];
                status.Description = "received, delivering, retry_scheduled: on the way to the partner; delivered: the partner acknowledged it; " +
                                     "errored: delivery gave up, staff will retry; suspense: held because it names an unknown payer or partner " +
                                     "(the bank's unknown-reference policy is 'hold'), staff will repair or return it; returned: sent back " +
                                     "to the bank from suspense, never delivered.";
            }

            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            // Every operation of the bank API needs the key: declared, generated clients send it.
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, context.Document)] = [] }];
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<JsonBody>().FirstOrDefault() is { } body)
            {
                var schema = await context.GetOrCreateSchemaAsync(body.RequestType, null, cancellationToken);
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
                };
            }

            if (metadata.OfType<ProblemResponses>().FirstOrDefault() is { } problems)
            {
                var schema = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), null, cancellationToken);
                operation.Responses ??= [];
                foreach (var status in problems.StatusCodes)
                {
                    operation.Responses[status.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
                    {
                        Description = ReasonPhrases.GetReasonPhrase(status),
                        Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new() { Schema = schema } },
                    };
                }
            }
        });
    }
}
