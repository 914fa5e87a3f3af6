using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace MoMo.Portal.Ingestion;

/// <summary>Fills in what the bank API's OpenAPI description cannot infer: the raw-read body and the problem answers.</summary>
internal static class BankApiOpenApi
{
    public static void Configure(OpenApiOptions options)
    {
        options.ShouldInclude = description =>
            description.ActionDescriptor.EndpointMetadata.OfType<ApiControllerAttribute>().Any();
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "MoMo Portal bank API";
            document.Info.Description =
                "Banks send payments here. Every request carries the bank's key in the X-Api-Key header. " +
                "Errors are RFC 9457 problem details with a machine-readable 'code' and, for validation, an 'errors' map.";
            return Task.CompletedTask;
        });
        options.AddOperationTransformer(async (operation, context, cancellationToken) =>
        {
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<JsonBodyAttribute>().FirstOrDefault() is { } body)
            {
                var schema = await context.GetOrCreateSchemaAsync(body.RequestType, null, cancellationToken);
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
                };
            }

            if (metadata.OfType<ProblemResponsesAttribute>().FirstOrDefault() is { } problems)
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
