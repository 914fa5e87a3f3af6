using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Reconciliation;
using MoMo.Portal.Tests.TestSupport;
using MoMo.Portal.Users;

namespace MoMo.Portal.Tests.Reconciliation;

/// <summary>
/// The Reconciliation page's upload endpoint over HTTP, with a real sign-in cookie and the page's antiforgery token:
/// who may send, what a refusal looks like, and that a refused or oversized file stores nothing.
/// </summary>
public sealed partial class StatementUploadTests : IAsyncLifetime
{
    // Small enough for a test file to pass it: the limit is the one the upload applies, whatever its value.
    private readonly PortalFactory _portal = new PortalFactory().With("Statements:MaxBytes", "4096");

    public async ValueTask InitializeAsync()
    {
        await _portal.InitializeAsync();
        var accounts = _portal.Services.GetRequiredService<Portal.Users.UserAccounts>();
        await accounts.CreateAsync("ops@momo.test", Roles.Operator, "a-long-test-password", "test");
        await accounts.CreateAsync("viewer@momo.test", Roles.Viewer, "a-long-test-password", "test");
    }

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task An_operator_uploads_a_statement_and_gets_its_summary_and_the_same_file_again_adds_nothing()
    {
        var payment = await _portal.PostPaymentAsync(PortalFactory.PartnerId, "5.00", "T-N1");
        using var client = await SignIn.AsAsync(_portal, "ops@momo.test", "a-long-test-password");
        var token = await TokenAsync(client);

        var first = await UploadAsync(client, "camt.054.001.04.xml", token);
        var again = await UploadAsync(client, "camt.054.001.04.xml", token);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        using var summary = JsonDocument.Parse(await first.Content.ReadAsStringAsync(Ct));
        Assert.Equal((2, 1, 1), (summary.RootElement.GetProperty("entries").GetInt32(), summary.RootElement.GetProperty("matched").GetInt32(),
            summary.RootElement.GetProperty("breaks").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        await using var db = _portal.CreateDbContext();
        var file = await db.StatementFiles.SingleAsync(Ct);
        Assert.Equal(("ops@momo.test", "camt.054.001.04.xml"), (file.ImportedBy, file.FileName));
        Assert.Equal(payment, (await db.StatementEntries.SingleAsync(e => e.TransactionId == "T-N1", Ct)).PaymentId);
    }

    [Fact]
    public async Task A_bad_or_oversized_file_is_refused_with_a_problem_naming_it_and_nothing_is_stored()
    {
        using var client = await SignIn.AsAsync(_portal, "ops@momo.test", "a-long-test-password");
        var token = await TokenAsync(client);

        var truncated = await UploadAsync(client, "broken.xml", token, "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\"><BkToCstmrStmt>"u8.ToArray());
        var oversized = await UploadAsync(client, "big.xml", token, new byte[5000]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, truncated.StatusCode);
        Assert.Equal("application/problem+json", truncated.Content.Headers.ContentType?.MediaType);
        Assert.Contains("broken.xml", await truncated.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        Assert.Contains("Statements:MaxBytes", await oversized.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        await using var db = _portal.CreateDbContext();
        Assert.False(await db.StatementFiles.AnyAsync(Ct));
    }

    [Fact]
    public async Task A_viewer_is_forbidden_a_request_without_the_pages_token_is_refused_and_no_one_signed_out_gets_in()
    {
        using var viewer = await SignIn.AsAsync(_portal, "viewer@momo.test", "a-long-test-password");
        using var operatorClient = await SignIn.AsAsync(_portal, "ops@momo.test", "a-long-test-password");
        using var anonymous = SignIn.Anonymous(_portal);

        var byViewer = await UploadAsync(viewer, "camt.054.001.04.xml", await TokenAsync(viewer));
        var withoutToken = await UploadAsync(operatorClient, "camt.054.001.04.xml", token: null);
        var signedOut = await UploadAsync(anonymous, "camt.054.001.04.xml", token: null);

        Assert.Equal(HttpStatusCode.Forbidden, byViewer.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        Assert.True(signedOut.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Unauthorized, $"{signedOut.StatusCode}");
        await using var db = _portal.CreateDbContext();
        Assert.False(await db.StatementFiles.AnyAsync(Ct));
    }

    /// <summary>The antiforgery token a signed-in user's page carries (the change-password form has one too).</summary>
    private static async Task<string> TokenAsync(HttpClient client) =>
        Token().Match(await client.GetStringAsync("/Account/Manage/ChangePassword", Ct)).Groups[1].Value;

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string name, string? token, byte[]? content = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"{StatementUpload.Path}?bank={PortalFactory.BankCode}&name={name}")
        {
            Content = new ByteArrayContent(content ?? await File.ReadAllBytesAsync(CamtReaderTests.Sample(name), Ct)),
        };
        request.Content.Headers.ContentType = new("application/octet-stream");
        if (token is not null)
        {
            request.Headers.Add("RequestVerificationToken", token);
        }

        return await client.SendAsync(request, Ct);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
