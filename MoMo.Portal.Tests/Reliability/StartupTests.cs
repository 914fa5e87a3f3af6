using MoMo.Portal.Tests.TestSupport;

namespace MoMo.Portal.Tests.Reliability;

/// <summary>A machine or configuration the portal cannot run on gets one clear line and exit code 1.</summary>
public sealed class StartupTests : IDisposable
{
    private readonly TempDirectory _data = new();

    [Fact]
    public async Task A_data_directory_that_cannot_be_created_is_reported_clearly()
    {
        var file = Path.Combine(_data.Path, "not-a-folder");
        await File.WriteAllTextAsync(file, "", Xunit.TestContext.Current.CancellationToken);
        await using var portal = new PortalProcess(Path.Combine(file, "data"));

        var (exitCode, error) = await portal.RunToExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, exitCode);
        Assert.Contains("MoMo Portal cannot start: The data directory", error, StringComparison.Ordinal);
        Assert.Contains("MoMo__DataDirectory", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Routing:RetrySchedule", "5s,banana", "Routing:RetrySchedule")]
    [InlineData("Routing:MaxPerPartner", "0", "MaxPerPartner")]
    [InlineData("Routing:ClaimLease", "00:00:01", "Routing:ClaimLease")]
    public async Task Malformed_routing_settings_are_named_at_start(string key, string value, string named)
    {
        await using var portal = new PortalProcess(_data.Path, new Dictionary<string, string> { [key] = value });

        var (exitCode, error) = await portal.RunToExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, exitCode);
        Assert.Contains("MoMo Portal cannot start", error, StringComparison.Ordinal);
        Assert.Contains(named, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Production_refuses_to_start_with_data_protection_keys_in_clear_unless_told_to()
    {
        await using var portal = new PortalProcess(_data.Path, new Dictionary<string, string> { ["MoMo:AllowUnprotectedKeys"] = "false" });

        var (exitCode, error) = await portal.RunToExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, exitCode);
        Assert.Contains("MoMo:KeyProtectionCertificate is not set", error, StringComparison.Ordinal);
        Assert.Contains("MoMo:AllowUnprotectedKeys=true", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_email_partner_without_an_smtp_server_is_reported_at_start()
    {
        await using var portal = new PortalProcess(_data.Path);
        Assert.Equal(0, await portal.RunCommandAsync("partner", "add", "--account-id", "mail", "--name", "Mail", "--notify", "email",
            "--contact", "payments@mail.example"));

        var (exitCode, error) = await portal.RunToExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, exitCode);
        Assert.Contains("need an SMTP server", error, StringComparison.Ordinal);
        Assert.Contains("mail", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_postgresql_server_that_cannot_be_reached_is_reported_without_the_password()
    {
        await using var portal = new PortalProcess(_data.Path, new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres",
            // Nothing listens on port 9 of loopback (discard): the connection is refused at once.
            ["ConnectionStrings:MoMo"] = "Host=127.0.0.1;Port=9;Database=momo;Username=momo;Password=s3cret-pw;Timeout=3",
        });

        var (exitCode, error) = await portal.RunToExitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, exitCode);
        Assert.Contains("MoMo Portal cannot start: PostgreSQL at 127.0.0.1:9 (database momo) cannot be reached", error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }
}
