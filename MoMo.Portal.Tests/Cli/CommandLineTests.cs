using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Banks;
using MoMo.Portal.Data;
using MoMo.Portal.Partners;
using MoMo.Portal.Payments;
using MoMo.Portal.Tests.TestSupport;
using MoMo.Portal.Users;

namespace MoMo.Portal.Tests.Cli;

public sealed partial class CommandLineTests : IDisposable
{
    private readonly TempDirectory _data = new();
    [Fact]
    public async Task Migrate_creates_the_database_in_the_data_directory()
    {
        var run = await CommandLineRunner.RunAsync(_data.Path, "migrate");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("up to date", run.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_data.Path, "momo.db")));
        await using var db = Open();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
    }

    [Fact]
    public async Task Seed_creates_the_sample_data_once_and_prints_its_secrets()
    {
        var first = await CommandLineRunner.RunInDevelopmentAsync(_data.Path, "seed");
        var second = await CommandLineRunner.RunInDevelopmentAsync(_data.Path, "seed");

        Assert.Equal(0, first.ExitCode);
        Assert.Matches(@"africa_bank\s+API key \(shown once\): mbk_", first.Output);
        Assert.Contains("partner1", first.Output, StringComparison.Ordinal);
        Assert.Contains("whsec_", first.Output, StringComparison.Ordinal);
        Assert.Contains(SampleData.AdminEmail, first.Output, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("nothing created", second.Output, StringComparison.Ordinal);

        await using var db = Open();
        Assert.Equal(["africa_bank"], await db.Banks.Select(b => b.Code).ToListAsync(Ct));
        Assert.Equal(["partner1", "partner2"], await db.Partners.OrderBy(p => p.AccountId).Select(p => p.AccountId).ToListAsync(Ct));
        Assert.Equal(NotifyMethod.Email, (await db.Partners.SingleAsync(p => p.AccountId == "partner2", Ct)).NotifyMethod);
        Assert.Equal(["payer1", "payer2"], await db.Payers.OrderBy(p => p.Id).Select(p => p.Id).ToListAsync(Ct));
        var admin = await db.Users.SingleAsync(Ct);
        Assert.Equal(SampleData.AdminEmail, admin.Email);

        // The printed key is the one whose hash was stored.
        var key = ApiKey().Match(first.Output).Value;
        Assert.True(BankApiKeys.Matches(key, (await db.Banks.SingleAsync(Ct)).ApiKeyHash));
    }

    [Fact]
    public async Task Seed_outside_development_creates_no_user()
    {
        var run = await CommandLineRunner.RunAsync(_data.Path, "seed");

        Assert.Equal(0, run.ExitCode);
        await using var db = Open();
        Assert.False(await db.Users.AnyAsync(Ct));
        Assert.True(await db.Banks.AnyAsync(Ct));
    }

    [Fact]
    public async Task Route_runs_one_pass_and_prints_what_it_did()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await CommandLineRunner.RunAsync(_data.Path, "seed");
        await CommandLineRunner.RunAsync(_data.Path, "partner", "add", "--account-id", "shop", "--name", "Shop",
            "--notify", "api", "--contact", receiver.Url("shop"));
        await using (var db = Open())
        {
            db.Payments.Add(Payment.Receive("africa_bank", "payer1", "shop", 500, "USD", null, null, "fp", "proof-route", DateTime.UtcNow));
            await db.SaveChangesAsync(Ct);
        }

        // Tests run outside Development, where webhooks to loopback are refused unless allowed.
        Environment.SetEnvironmentVariable("Routing__AllowPrivateNetworks", "true");
        CommandRun run;
        try
        {
            run = await CommandLineRunner.RunAsync(_data.Path, "route");
        }
        finally
        {
            Environment.SetEnvironmentVariable("Routing__AllowPrivateNetworks", null);
        }

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("delivered: 1", run.Output, StringComparison.Ordinal);
        Assert.Contains("retry-scheduled: 0", run.Output, StringComparison.Ordinal);
        Assert.Contains("errored: 0", run.Output, StringComparison.Ordinal);
        Assert.Single(receiver.Received);
    }

    [Fact]
    public async Task Bank_add_prints_a_generated_key_that_is_stored_only_as_a_hash()
    {
        var run = await CommandLineRunner.RunAsync(_data.Path, "bank", "add", "--code", "kcb", "--name", "KCB Bank");

        Assert.Equal(0, run.ExitCode);
        var key = ApiKey().Match(run.Output).Value;
        await using var db = Open();
        var bank = await db.Banks.SingleAsync(b => b.Code == "kcb", Ct);
        Assert.NotEqual(key, bank.ApiKeyHash);
        Assert.True(BankApiKeys.Matches(key, bank.ApiKeyHash));
        Assert.Equal("bank.create", (await db.AuditEntries.SingleAsync(Ct)).Action);
    }

    [Fact]
    public async Task Bank_add_with_a_given_key_and_then_a_duplicate_code()
    {
        var first = await CommandLineRunner.RunAsync(_data.Path, "bank", "add", "--code", "stanbic", "--name", "Stanbic",
            "--api-key", "a-key-chosen-by-the-operator-123");
        var again = await CommandLineRunner.RunAsync(_data.Path, "bank", "add", "--code", "stanbic", "--name", "Stanbic");
        var badCode = await CommandLineRunner.RunAsync(_data.Path, "bank", "add", "--code", "Bad Code", "--name", "X");

        Assert.Equal(0, first.ExitCode);
        Assert.Contains("a-key-chosen-by-the-operator-123", first.Output, StringComparison.Ordinal);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Error, StringComparison.Ordinal);
        Assert.Equal(1, badCode.ExitCode);
        Assert.Contains("lower-case", badCode.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bank_add_without_its_required_options_is_a_usage_error()
    {
        var run = await CommandLineRunner.RunAsync(_data.Path, "bank", "add", "--code", "x1");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--name", run.Error, StringComparison.Ordinal);
        Assert.Contains("Usage:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Partner_add_validates_the_contact_for_its_notify_method()
    {
        var api = await CommandLineRunner.RunAsync(_data.Path, "partner", "add", "--account-id", "shop-1", "--name", "Shop",
            "--notify", "api", "--contact", "https://shop.example/hooks");
        var email = await CommandLineRunner.RunAsync(_data.Path, "partner", "add", "--account-id", "shop-2", "--name", "Shop 2",
            "--notify", "email", "--contact", "payments@shop.example");
        var urlForEmail = await CommandLineRunner.RunAsync(_data.Path, "partner", "add", "--account-id", "shop-3", "--name", "S",
            "--notify", "email", "--contact", "https://shop.example/hooks");
        var ftp = await CommandLineRunner.RunAsync(_data.Path, "partner", "add", "--account-id", "shop-4", "--name", "S",
            "--notify", "api", "--contact", "ftp://shop.example/");
        var badSecret = await CommandLineRunner.RunAsync(_data.Path, "partner", "add", "--account-id", "shop-5", "--name", "S",
            "--notify", "api", "--contact", "https://shop.example/", "--secret", "whsec_c2hvcnQ=");

        Assert.Equal(0, api.ExitCode);
        Assert.Matches(@"Webhook secret: whsec_[A-Za-z0-9+/=]{40,}", api.Output);
        Assert.Equal(0, email.ExitCode);
        Assert.Equal(1, urlForEmail.ExitCode);
        Assert.Contains("e-mail", urlForEmail.Error, StringComparison.Ordinal);
        Assert.Equal(1, ftp.ExitCode);
        Assert.Contains("http", ftp.Error, StringComparison.Ordinal);
        Assert.Equal(1, badSecret.ExitCode);
        Assert.Contains("24 random bytes", badSecret.Error, StringComparison.Ordinal);

        await using var db = Open();
        Assert.Equal(["shop-1", "shop-2"], await db.Partners.OrderBy(p => p.AccountId).Select(p => p.AccountId).ToListAsync(Ct));
        // Printed once in clear, stored only encrypted.
        var printed = Regex.Match(api.Output, @"whsec_[A-Za-z0-9+/=]+").Value;
        var stored = (await db.Partners.SingleAsync(p => p.AccountId == "shop-1", Ct)).ProtectedWebhookSecret;
        Assert.True(WebhookSecrets.IsValid(printed));
        Assert.DoesNotContain(printed, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(WebhookSecrets.Prefix, stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Partner_add_with_an_unknown_notify_method_is_a_usage_error()
    {
        var run = await CommandLineRunner.RunAsync(_data.Path, "partner", "add", "--account-id", "s", "--name", "S",
            "--notify", "sms", "--contact", "+256700000000");

        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public async Task Payer_add_stores_the_payer_and_refuses_a_bad_phone()
    {
        var ok = await CommandLineRunner.RunAsync(_data.Path, "payer", "add", "--id", "256772123456", "--name", "Amina",
            "--phone", "+256772123456");
        var badPhone = await CommandLineRunner.RunAsync(_data.Path, "payer", "add", "--id", "p2", "--name", "B", "--phone", "0772");

        Assert.Equal(0, ok.ExitCode);
        Assert.Equal(1, badPhone.ExitCode);
        Assert.Contains("international", badPhone.Error, StringComparison.Ordinal);
        await using var db = Open();
        Assert.Equal("+256772123456", (await db.Payers.SingleAsync(Ct)).PhoneNumber);
    }

    [Fact]
    public async Task User_add_takes_the_password_from_the_option_or_the_environment()
    {
        var withOption = await CommandLineRunner.RunAsync(_data.Path, "user", "add", "--email", "ops@momo.test",
            "--role", "Operator", "--password", "correct horse battery");
        var weak = await CommandLineRunner.RunAsync(_data.Path, "user", "add", "--email", "weak@momo.test",
            "--role", "Viewer", "--password", "short");
        var badRole = await CommandLineRunner.RunAsync(_data.Path, "user", "add", "--email", "x@momo.test",
            "--role", "Root", "--password", "correct horse battery");
        Environment.SetEnvironmentVariable("MOMO_PASSWORD", "staple battery horse");
        CommandRun fromEnvironment;
        try
        {
            fromEnvironment = await CommandLineRunner.RunAsync(_data.Path, "user", "add", "--email", "view@momo.test", "--role", "Viewer");
        }
        finally
        {
            Environment.SetEnvironmentVariable("MOMO_PASSWORD", null);
        }

        Assert.Equal(0, withOption.ExitCode);
        Assert.Equal(1, weak.ExitCode);
        Assert.Contains("Password", weak.Error, StringComparison.Ordinal);
        Assert.Equal(2, badRole.ExitCode);
        Assert.Equal(0, fromEnvironment.ExitCode);

        await using var db = Open();
        var hasher = new PasswordHasher<ApplicationUser>();
        var viewer = await db.Users.SingleAsync(u => u.Email == "view@momo.test", Ct);
        Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(viewer, viewer.PasswordHash!, "staple battery horse"));
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id
                           join u in db.Users on ur.UserId equals u.Id select new { u.Email, r.Name }).ToListAsync(Ct);
        Assert.Contains(roles, r => r is { Email: "ops@momo.test", Name: Roles.Operator });
        Assert.Contains(roles, r => r is { Email: "view@momo.test", Name: Roles.Viewer });
        Assert.Equal(2, await db.Users.CountAsync(Ct));
    }

    [Fact]
    public async Task Payments_retry_moves_errored_payments_back_to_due_and_records_who_asked()
    {
        await CommandLineRunner.RunAsync(_data.Path, "seed");
        var ids = await InsertPaymentsAsync(errored: 3, delivered: 1);

        var one = await CommandLineRunner.RunAsync(_data.Path, "payments", "retry", "--id", ids[0].ToString(), "--id", ids[3].ToString());
        var all = await CommandLineRunner.RunAsync(_data.Path, "payments", "retry", "--all-errored");

        Assert.Equal(1, one.ExitCode);
        Assert.Contains("Retried 1 payment", one.Output, StringComparison.Ordinal);
        Assert.Contains("1 payment(s) were not errored", one.Error, StringComparison.Ordinal);
        Assert.Equal(0, all.ExitCode);
        Assert.Contains("Retried 2 payment", all.Output, StringComparison.Ordinal);

        await using var db = Open();
        var statuses = await db.Payments.OrderBy(p => p.Id).Select(p => new { p.Status, p.ProcessError, p.NextAttemptAtUtc }).ToListAsync(Ct);
        Assert.All(statuses.Take(3), s => Assert.Equal(PaymentStatus.RetryScheduled, s.Status));
        Assert.All(statuses.Take(3), s => Assert.False(s.ProcessError));
        Assert.All(statuses.Take(3), s => Assert.NotNull(s.NextAttemptAtUtc));
        var audit = await db.AuditEntries.Where(a => a.Action == "payment.retry").ToListAsync(Ct);
        Assert.Equal(3, audit.Count);
        Assert.All(audit, a => Assert.StartsWith("cli:", a.Actor, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("payments", "retry")]
    [InlineData("payments", "retry", "--all-errored", "--id", "1")]
    [InlineData("payments", "retry", "--id", "not-a-number")]
    [InlineData("bank")]
    [InlineData("launch-rockets")]
    public async Task Usage_errors_exit_2_with_usage_text(params string[] args)
    {
        var run = await CommandLineRunner.RunAsync(_data.Path, args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("Usage:", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_every_command_and_exits_0()
    {
        var run = await CommandLineRunner.RunAsync(_data.Path, "--help");

        Assert.Equal(0, run.ExitCode);
        foreach (var command in new[] { "migrate", "seed", "route", "bank", "partner", "payer", "user", "payments" })
        {
            Assert.Contains(command, run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_built_program_runs_a_command_and_reports_usage_errors_with_exit_code_2()
    {
        var program = Path.Combine(AppContext.BaseDirectory, "MoMo.Portal.dll");

        var (migrateCode, _) = await RunProcessAsync(program, "migrate");
        var (usageCode, usageText) = await RunProcessAsync(program, "bank");

        Assert.Equal(0, migrateCode);
        Assert.True(File.Exists(Path.Combine(_data.Path, "momo.db")));
        Assert.Equal(2, usageCode);
        Assert.Contains("Usage:", usageText, StringComparison.Ordinal);
    }

    private async Task<(int ExitCode, string Output)> RunProcessAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _data.Path };
        start.ArgumentList.Add(program);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["MoMo__DataDirectory"] = _data.Path;
        start.Environment["MoMo__AllowUnprotectedKeys"] = "true";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync(Ct);
        var error = process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, await output + await error);
    }

    private async Task<long[]> InsertPaymentsAsync(int errored, int delivered)
    {
        await using var db = Open();
        var now = DateTime.UtcNow;
        var payments = Enumerable.Range(0, errored + delivered).Select(i => Payment.Receive(
            "africa_bank", "payer1", "partner1", 100, "USD", null, null, "fp", $"proof-{i}", now)).ToList();
        for (var i = 0; i < errored; i++)
        {
            payments[i].MarkErrored("HTTP 500 from partner");
        }

        db.Payments.AddRange(payments);
        await db.SaveChangesAsync(Ct);
        var deliveredId = payments[^1].Id;
        await db.Payments.Where(p => p.Id == deliveredId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.Status, PaymentStatus.Delivered), Ct);
        return [.. payments.Select(p => p.Id)];
    }

    [Fact]
    public async Task Bank_set_restricts_a_bank_to_its_networks_refuses_a_bad_one_and_is_audited()
    {
        await CommandLineRunner.RunAsync(_data.Path, "bank", "add", "--code", "kcb", "--name", "KCB Bank");

        var set = await CommandLineRunner.RunAsync(_data.Path, "bank", "set", "--code", "kcb", "--allowed-networks", "196.0.2.0/24,2001:db8::/48");
        var bad = await CommandLineRunner.RunAsync(_data.Path, "bank", "set", "--code", "kcb", "--allowed-networks", "196.0.2.0/33");
        var unknown = await CommandLineRunner.RunAsync(_data.Path, "bank", "set", "--code", "nope", "--allowed-networks", "");

        Assert.Equal(0, set.ExitCode);
        Assert.Contains("196.0.2.0/24, 2001:db8::/48", set.Output, StringComparison.Ordinal);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("'196.0.2.0/33' is not a network", bad.Error, StringComparison.Ordinal);
        Assert.Equal(1, unknown.ExitCode);
        await using var db = Open();
        Assert.Equal("196.0.2.0/24, 2001:db8::/48", (await db.Banks.SingleAsync(Ct)).AllowedNetworks);
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == "bank.networks", Ct));
    }

    [Fact]
    public async Task User_lock_unlock_and_role_change_the_user_and_are_audited()
    {
        await CommandLineRunner.RunAsync(_data.Path, "user", "add", "--email", "ops@momo.test", "--role", "Admin", "--password", "correct horse battery");

        var locked = await CommandLineRunner.RunAsync(_data.Path, "user", "lock", "--email", "ops@momo.test");
        string stampWhileLocked;
        await using (var db = Open())
        {
            var user = await db.Users.SingleAsync(Ct);
            Assert.True(user.LockoutEnd > DateTimeOffset.UtcNow.AddYears(100));
            stampWhileLocked = user.SecurityStamp!;
        }

        var unlocked = await CommandLineRunner.RunAsync(_data.Path, "user", "unlock", "--email", "ops@momo.test");
        var role = await CommandLineRunner.RunAsync(_data.Path, "user", "role", "--email", "ops@momo.test", "--role", "Viewer");
        var nobody = await CommandLineRunner.RunAsync(_data.Path, "user", "lock", "--email", "nobody@momo.test");
        var badRole = await CommandLineRunner.RunAsync(_data.Path, "user", "role", "--email", "ops@momo.test", "--role", "Root");

        Assert.Equal([0, 0, 0, 1, 2], new[] { locked.ExitCode, unlocked.ExitCode, role.ExitCode, nobody.ExitCode, badRole.ExitCode });
        Assert.Contains("now has the role Viewer", role.Output, StringComparison.Ordinal);
        Assert.Contains("no user with the e-mail", nobody.Error, StringComparison.Ordinal);
        await using var check = Open();
        var stored = await check.Users.SingleAsync(Ct);
        Assert.Null(stored.LockoutEnd);
        Assert.NotEqual(stampWhileLocked, stored.SecurityStamp);
        var roleName = await (from ur in check.UserRoles join r in check.Roles on ur.RoleId equals r.Id select r.Name).SingleAsync(Ct);
        Assert.Equal("Viewer", roleName);
        Assert.Equal(["user.create", "user.lock", "user.role", "user.unlock"],
            (await check.AuditEntries.Select(a => a.Action).ToListAsync(Ct)).Order());
    }

    [Fact]
    public async Task Intake_purge_deletes_old_intake_records_and_their_proofs_but_never_a_payments_proof()
    {
        await CommandLineRunner.RunAsync(_data.Path, "seed");
        var old = DateTime.UtcNow.AddDays(-91);
        await using (var db = Open())
        {
            foreach (var key in new[] { "old-intake", "new-intake", "payment-proof" })
            {
                db.RequestProofs.Add(new MoMo.Portal.Ingestion.RequestProof
                {
                    Key = key, ReceivedAtUtc = key == "new-intake" ? DateTime.UtcNow : old, Method = "POST", Path = "/", HeadersJson = "{}",
                    Body = [1, 2, 3], BodySha256 = new string('0', 64),
                });
            }

            db.IntakeRecords.Add(MoMo.Portal.Ingestion.IntakeRecord.Create(old, "b", MoMo.Portal.Ingestion.IntakeOutcome.Rejected, 400, "bad", null, 3, null, "old-intake"));
            db.IntakeRecords.Add(MoMo.Portal.Ingestion.IntakeRecord.Create(old, "x", MoMo.Portal.Ingestion.IntakeOutcome.Rejected, 401, "no key", "203.0.113.9", 60_000, null, null));
            db.IntakeRecords.Add(MoMo.Portal.Ingestion.IntakeRecord.Create(DateTime.UtcNow, "b", MoMo.Portal.Ingestion.IntakeOutcome.Rejected, 400, "bad", null, 3, null, "new-intake"));
            // A repeat's record points at the payment it was answered with; the payment's own proof is not the record's.
            var payment = Payment.Receive("africa_bank", "payer1", "partner1", 100, "USD", null, null, "fp", "payment-proof", old);
            db.Payments.Add(payment);
            await db.SaveChangesAsync(Ct);
        }

        var run = await CommandLineRunner.RunAsync(_data.Path, "intake", "purge");
        var again = await CommandLineRunner.RunAsync(_data.Path, "intake", "purge");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("intake records deleted: 2", run.Output, StringComparison.Ordinal);
        Assert.Contains("proofs deleted: 1", run.Output, StringComparison.Ordinal);
        Assert.Contains("intake records deleted: 0", again.Output, StringComparison.Ordinal);
        await using var check = Open();
        Assert.Equal(["new-intake", "payment-proof"], await check.RequestProofs.OrderBy(p => p.Key).Select(p => p.Key).ToListAsync(Ct));
        Assert.Equal("new-intake", (await check.IntakeRecords.SingleAsync(Ct)).ProofKey);
        Assert.Equal(1, await check.Payments.CountAsync(Ct));
    }

    private PortalDbContext Open() => _data.OpenDatabase();

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    [GeneratedRegex(@"mbk_[A-Za-z0-9_\-]+")]
    private static partial Regex ApiKey();
}
