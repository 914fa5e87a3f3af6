using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Data;

/// <summary>The keys behind cookies and antiforgery tokens live in the database, encrypted when a certificate is given.</summary>
public sealed class DataProtectionKeyTests : IDisposable
{
    private readonly TempDirectory _files = new();

    [Fact]
    public async Task Keys_are_kept_in_the_database_and_in_clear_without_a_certificate()
    {
        await using var portal = new PortalFactory();
        await portal.InitializeAsync();

        var xml = await KeyXmlAsync(portal);

        Assert.Contains("<masterKey", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("encryptedSecret", xml, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(portal.DataDirectory, "keys")), "no key files beside the database");
    }

    [Fact]
    public async Task With_a_certificate_the_stored_keys_are_encrypted_and_still_work()
    {
        var pfx = Path.Combine(_files.Path, "keys.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=MoMo Portal keys", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(pfx, certificate.Export(X509ContentType.Pkcs12, "pfx-password"), Ct);
        }

        await using var portal = new PortalFactory()
            .With("MoMo:KeyProtectionCertificate", pfx)
            .With("MoMo:KeyProtectionCertificatePassword", "pfx-password");
        await portal.InitializeAsync();

        var xml = await KeyXmlAsync(portal);

        Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        // A sign-in still works: the key is decrypted with the certificate's private key.
        var created = await portal.Services.GetRequiredService<MoMo.Portal.Users.UserAccounts>()
            .CreateAsync("keys@momo.test", "Admin", "a long enough password", "test");
        Assert.True(created.Succeeded, string.Join("; ", created.Errors.Values));
        using var client = await SignIn.AsAsync(portal, "keys@momo.test", "a long enough password");
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_certificate_that_cannot_be_loaded_is_reported_at_start()
    {
        await using var portal = new PortalProcess(_files.Path, new Dictionary<string, string>
        {
            ["MoMo:KeyProtectionCertificate"] = Path.Combine(_files.Path, "missing.pfx"),
        });

        var (exitCode, error) = await portal.RunToExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, exitCode);
        Assert.Contains("MoMo Portal cannot start: MoMo:KeyProtectionCertificate", error, StringComparison.Ordinal);
        Assert.Contains("missing.pfx", error, StringComparison.Ordinal);
    }

    /// <summary>Makes sure a key exists (protecting anything creates one) and returns what the database holds.</summary>
    private static async Task<string> KeyXmlAsync(PortalFactory portal)
    {
        portal.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("x"u8.ToArray());
        await using var db = portal.CreateDbContext();
        var keys = await db.DataProtectionKeys.Select(k => k.Xml).ToListAsync(Ct);
        return Assert.Single(keys) ?? "";
    }

    public void Dispose() => _files.Dispose();
}
