using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Banks;
using MoMo.Portal.Partners;
using MoMo.Portal.Payers;
using MoMo.Portal.Users;

namespace MoMo.Portal.Data;

/// <summary>
/// The sample bank, partners, payers and (in Development) an Admin, as the original create_sample_data made them.
/// Only what is missing is created, so running it again changes nothing.
/// </summary>
public static class SampleData
{
    public const string BankCode = "africa_bank";
    public const string AdminEmail = "admin@momo.local";
    private const string Actor = "seed";

    public static async Task SeedAsync(IServiceProvider services, bool includeAdmin, TextWriter output, CancellationToken cancellationToken)
    {
        var created = 0;
        void Report(string line)
        {
            output.WriteLine(line);
            created++;
        }

        var banks = services.GetRequiredService<BankService>();
        if ((await banks.CreateAsync(BankCode, "Africa Bank", null, Actor, cancellationToken)).Value is { } bank)
        {
            Report($"bank    {bank.Bank.Code}  API key (shown once): {bank.ApiKey}");
        }

        var partners = services.GetRequiredService<PartnerService>();
        foreach (var (id, name, method, contact) in new[]
                 {
                     ("partner1", "Partner One", NotifyMethod.Api, "http://localhost:5215/dev/webhooks/partner1"),
                     ("partner2", "Partner Two", NotifyMethod.Email, "partner2@example.com"),
                 })
        {
            if ((await partners.CreateAsync(id, name, method, contact, null, Actor, cancellationToken)).Value is var (partner, secret))
            {
                Report($"partner {partner.AccountId}  {partner.NotifyMethod.ToString().ToLowerInvariant()} {partner.ContactPath}" +
                       (partner.NotifyMethod == NotifyMethod.Api ? $"  webhook secret: {secret}" : ""));
            }
        }

        var payers = services.GetRequiredService<PayerService>();
        foreach (var (id, name, phone) in new[] { ("payer1", "Payer One", "+256772000001"), ("payer2", "Payer Two", "+256772000002") })
        {
            if ((await payers.CreateAsync(id, name, phone, Actor, cancellationToken)).Value is { } payer)
            {
                Report($"payer   {payer.Id}  {payer.Name}");
            }
        }

        if (includeAdmin)
        {
            var password = GeneratePassword();
            var accounts = services.GetRequiredService<UserAccounts>();
            if ((await accounts.CreateAsync(AdminEmail, Roles.Admin, password, Actor)).Succeeded)
            {
                Report($"user    {AdminEmail}  role Admin  password (shown once): {password}");
            }
        }

        if (created == 0)
        {
            output.WriteLine("Sample data already present; nothing created.");
        }
    }

    /// <summary>True for a database nobody has used yet: no banks, partners, payers or users.</summary>
    public static async Task<bool> IsEmptyAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var factory = services.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return !await db.Banks.AnyAsync(cancellationToken) && !await db.Partners.AnyAsync(cancellationToken)
               && !await db.Payers.AnyAsync(cancellationToken) && !await db.Users.AnyAsync(cancellationToken);
    }

    /// <summary>Four groups of five letters and digits: long enough for the password policy, easy to type once.</summary>
    private static string GeneratePassword() =>
        string.Join('-', Enumerable.Range(0, 4).Select(_ => RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyz23456789", 5)));
}
