using System.Diagnostics;
using System.Text.Json;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Ingestion;

/// <summary>
/// The bank API's OpenAPI document as a bank's integration engineer uses it: it declares the key every operation needs
/// and names every operation, so generated clients work, and a standard linter (Redocly, recommended rules) finds
/// nothing. Redocly comes from .ci/tools (npm ci there; .ci/run does it); without it the lint is skipped, unless CI is set.
/// </summary>
public sealed class OpenApiLintTests(PortalFactory portal) : IClassFixture<PortalFactory>
{
    [Fact]
    public async Task Every_operation_needs_the_api_key_and_has_an_operation_id()
    {
        using var document = JsonDocument.Parse(await portal.CreateClient().GetStringAsync("/openapi/v1.json", Ct));
        var root = document.RootElement;

        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("BankApiKey");
        Assert.Equal("apiKey", scheme.GetProperty("type").GetString());
        Assert.Equal("header", scheme.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", scheme.GetProperty("name").GetString());
        var operations = root.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()).ToList();
        Assert.Equal(3, operations.Count);
        Assert.All(operations, operation =>
        {
            Assert.False(string.IsNullOrEmpty(operation.Value.GetProperty("operationId").GetString()));
            Assert.True(operation.Value.GetProperty("security")[0].TryGetProperty("BankApiKey", out _));
        });
        Assert.All(root.GetProperty("servers").EnumerateArray(), server => Assert.DoesNotMatch("/$", server.GetProperty("url").GetString()!));
    }

    [Fact]
    public async Task The_payment_status_lists_every_value_including_suspense_and_returned()
    {
        using var document = JsonDocument.Parse(await portal.CreateClient().GetStringAsync("/openapi/v1.json", Ct));

        var status = document.RootElement.GetProperty("components").GetProperty("schemas")
            .GetProperty(nameof(MoMo.Portal.Ingestion.BankPaymentResponse)).GetProperty("properties").GetProperty("status");

        Assert.Equal(["received", "delivering", "delivered", "retry_scheduled", "errored", "suspense", "returned"],
            status.GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.Contains("unknown payer or partner", status.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Redocly_recommended_rules_find_no_error_and_no_warning()
    {
        var redocly = Path.Combine(RepositoryRoot(), ".ci", "tools", "node_modules", ".bin", "redocly");
        if (!File.Exists(redocly))
        {
            Assert.False(!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")),
                $"CI is set but {redocly} is missing: .ci/run installs it with npm ci in .ci/tools.");
            Assert.Skip($"Redocly is not installed ({redocly}); run 'npm ci --prefix .ci/tools'.");
        }

        using var file = new TempDirectory();
        var path = Path.Combine(file.Path, "openapi.json");
        // Fetched under a real host name, as a bank fetches it (the servers entry names the host it was asked on).
        using var client = portal.CreateClient();
        client.DefaultRequestHeaders.Host = "portal.momo.test";
        await File.WriteAllTextAsync(path, await client.GetStringAsync("/openapi/v1.json", Ct), Ct);

        var start = new ProcessStartInfo(redocly) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "lint", path, "--format=json", "--extends=recommended" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var lint = Process.Start(start)!;
        var output = await lint.StandardOutput.ReadToEndAsync(Ct);
        await lint.WaitForExitAsync(Ct);

        using var report = JsonDocument.Parse(output);
        var problems = string.Join("; ", report.RootElement.GetProperty("problems").EnumerateArray()
            .Select(p => $"{p.GetProperty("ruleId").GetString()}: {p.GetProperty("message").GetString()}"));
        var totals = report.RootElement.GetProperty("totals");
        Assert.True(totals.GetProperty("errors").GetInt32() == 0 && totals.GetProperty("warnings").GetInt32() == 0, problems);
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "MoMo.Portal.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("The tests run outside the repository.");
    }
}
