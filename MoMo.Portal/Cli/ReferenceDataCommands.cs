using System.CommandLine;
using MoMo.Portal.Banks;
using MoMo.Portal.Data;
using MoMo.Portal.Partners;
using MoMo.Portal.Payers;
using MoMo.Portal.Users;

namespace MoMo.Portal.Cli;

/// <summary><c>bank add|set</c>, <c>partner add</c>, <c>payer add</c> and <c>user add|lock|unlock|role</c>.</summary>
internal static class ReferenceDataCommands
{
    public const string PasswordVariable = "MOMO_PASSWORD";

    public static Command Bank(CommandContext context)
    {
        var code = Required("--code", "The bank's code in URLs, e.g. africa_bank.");
        var name = Required("--name", "The bank's name.");
        var apiKey = new Option<string>("--api-key") { Description = "The API key to use; generated when omitted." };
        var networks = new Option<string>("--allowed-networks")
        {
            Description = "The networks the bank may call from, comma-separated (e.g. 196.0.2.0/24,2001:db8::/48); " +
                          "empty or omitted: anywhere.",
        };
        var unknownReference = UnknownReferenceOption();
        var add = new Command("add", "Add a bank and print its API key.") { code, name, apiKey, networks, unknownReference };
        add.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var banks = context.Services.GetRequiredService<BankService>();
            if (BankNetworks.Check(parsed.GetValue(networks)) is { } networkError)
            {
                return context.Fail($"--allowed-networks: {networkError}");
            }

            var result = await banks.CreateAsync(
                parsed.GetRequiredValue(code), parsed.GetRequiredValue(name), parsed.GetValue(apiKey), context.Actor, cancellationToken);
            if (result.Value is not { } created)
            {
                return context.Fail(result.Errors);
            }

            if (parsed.GetValue(networks) is { } allowed)
            {
                await banks.SetAllowedNetworksAsync(created.Bank.Code, allowed, context.Actor, cancellationToken);
            }

            if (parsed.GetValue(unknownReference) is { } policy)
            {
                await banks.SetUnknownReferenceAsync(created.Bank.Code, Policy(policy), context.Actor, cancellationToken);
            }

            context.Output.WriteLine($"Added bank {created.Bank.Code} ({created.Bank.Name}).");
            context.Output.WriteLine($"API key (shown once, stored only as a hash): {created.ApiKey}");
            return PortalCommandLine.Success;
        });

        var setCode = Required("--code", "The bank's code.");
        var setNetworks = new Option<string>("--allowed-networks")
        {
            Description = "The networks the bank may call from, comma-separated; an empty string allows anywhere.",
        };
        var setUnknownReference = UnknownReferenceOption();
        var silence = new Option<string>("--silence-alert")
        {
            Description = "Alert when the bank sends nothing for this long during its active hours, e.g. 30m; off removes the alert.",
        };
        var activeHours = new Option<string>("--active-hours")
        {
            Description = "With --silence-alert: when the bank is expected to send, e.g. 07:00-20:00 (Close:TimeZone); all day when omitted.",
        };
        var csvMapping = new Option<FileInfo>("--statement-csv-mapping")
        {
            Description = "A JSON file saying how the bank's CSV statements read (columns, separators, date format; docs/OPERATIONS.md).",
        };
        var set = new Command("set", "Change a bank's settings.") { setCode, setNetworks, setUnknownReference, silence, activeHours, csvMapping };
        set.Validators.Add(result =>
        {
            if (result.GetResult(setNetworks) is null && result.GetResult(setUnknownReference) is null && result.GetResult(silence) is null
                && result.GetResult(csvMapping) is null)
            {
                result.AddError("Give --allowed-networks, --unknown-reference, --silence-alert, --statement-csv-mapping or several.");
            }

            if (result.GetResult(activeHours) is not null && result.GetResult(silence) is null)
            {
                result.AddError("--active-hours goes with --silence-alert.");
            }
        });
        set.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var banks = context.Services.GetRequiredService<BankService>();
            var bankCode = parsed.GetRequiredValue(setCode);
            var missing = $"There is no bank with the code '{bankCode}'.";
            if (parsed.GetResult(setNetworks) is not null)
            {
                var result = await banks.SetAllowedNetworksAsync(bankCode, parsed.GetValue(setNetworks), context.Actor, cancellationToken);
                if (result is null)
                {
                    return context.Fail(missing);
                }

                if (result.Value is not { } bank)
                {
                    return context.Fail(result.Errors);
                }

                context.Output.WriteLine($"Bank {bank.Code} accepts requests from {bank.AllowedNetworks ?? "anywhere"}.");
            }

            if (parsed.GetValue(setUnknownReference) is { } policy)
            {
                if (await banks.SetUnknownReferenceAsync(bankCode, Policy(policy), context.Actor, cancellationToken) is not { } bank)
                {
                    return context.Fail(missing);
                }

                context.Output.WriteLine(bank.UnknownReference == UnknownReferencePolicy.Hold
                    ? $"Bank {bank.Code}: payments naming an unknown payer or partner are held in suspense."
                    : $"Bank {bank.Code}: payments naming an unknown payer or partner are rejected (422).");
            }

            if (parsed.GetValue(csvMapping) is { } mappingFile)
            {
                if (!mappingFile.Exists)
                {
                    return context.Fail($"{mappingFile.FullName} does not exist.");
                }

                var result = await banks.SetStatementCsvMappingAsync(bankCode, await File.ReadAllTextAsync(mappingFile.FullName, cancellationToken),
                    context.Actor, cancellationToken);
                if (result is null)
                {
                    return context.Fail(missing);
                }

                if (!result.Succeeded)
                {
                    return context.Fail(result.Errors);
                }

                context.Output.WriteLine($"Bank {bankCode}: CSV statements read by the mapping in {mappingFile.Name}.");
            }

            if (parsed.GetValue(silence) is { } window)
            {
                SilenceWatch? watch = null;
                if (!string.Equals(window, "off", StringComparison.OrdinalIgnoreCase))
                {
                    (watch, var error) = SilenceWatch.Parse(window, parsed.GetValue(activeHours));
                    if (watch is null)
                    {
                        return context.Fail(error!);
                    }
                }

                if (await banks.SetSilenceWatchAsync(bankCode, watch, context.Actor, cancellationToken) is not { } bank)
                {
                    return context.Fail(missing);
                }

                context.Output.WriteLine(bank.Silence is { } set
                    ? $"Bank {bank.Code}: an alert goes out after {set} without a payment."
                    : $"Bank {bank.Code}: no silence alert.");
            }

            return PortalCommandLine.Success;
        });
        return Group("bank", "Manage banks.", add, set);
    }

    public static Command Partner(CommandContext context)
    {
        var accountId = Required("--account-id", "The partner's account number, as banks send it.");
        var name = Required("--name", "The partner's name.");
        var notify = new Option<NotifyMethod>("--notify")
        {
            Description = "How the partner hears of payments: api (signed webhook) or email.",
            Required = true,
        };
        var contact = Required("--contact", "The webhook URL (api) or e-mail address (email).");
        var secret = new Option<string>("--secret") { Description = "The webhook secret (whsec_...); generated when omitted." };
        var add = new Command("add", "Add a partner and print its webhook secret.") { accountId, name, notify, contact, secret };
        add.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var result = await context.Services.GetRequiredService<PartnerService>().CreateAsync(
                parsed.GetRequiredValue(accountId), parsed.GetRequiredValue(name), parsed.GetRequiredValue(notify),
                parsed.GetRequiredValue(contact), parsed.GetValue(secret), context.Actor, cancellationToken);
            if (result.Value is not var (partner, webhookSecret))
            {
                return context.Fail(result.Errors);
            }

            context.Output.WriteLine($"Added partner {partner.AccountId} ({partner.Name}), notified by " +
                                     $"{partner.NotifyMethod.ToString().ToLowerInvariant()} at {partner.ContactPath}.");
            context.Output.WriteLine($"Webhook secret: {webhookSecret}");
            return PortalCommandLine.Success;
        });
        var setAccountId = Required("--account-id", "The partner's account number.");
        var statementEmail = new Option<string>("--statement-email")
        {
            Description = "Where each closed business day's statement (PDF and CSV) is e-mailed; \"\" for none.",
            Required = true,
        };
        var set = new Command("set", "Change a partner's settings.") { setAccountId, statementEmail };
        set.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var result = await context.Services.GetRequiredService<PartnerService>().SetStatementEmailAsync(
                parsed.GetRequiredValue(setAccountId), parsed.GetValue(statementEmail), context.Actor, cancellationToken);
            if (result.Value is not { } partner)
            {
                return context.Fail(result.Errors);
            }

            context.Output.WriteLine(partner.StatementEmail is { } email
                ? $"Partner {partner.AccountId}: each closed day's statement is e-mailed to {email}."
                : $"Partner {partner.AccountId}: no statement e-mails.");
            return PortalCommandLine.Success;
        });
        return Group("partner", "Manage partners (merchants).", add, set, Pause(context, pause: true), Pause(context, pause: false));
    }

    /// <summary><c>partner pause|resume --account-id A</c>: stop or restart deliveries to a partner by hand.</summary>
    private static Command Pause(CommandContext context, bool pause)
    {
        var accountId = Required("--account-id", "The partner's account number.");
        var command = new Command(pause ? "pause" : "resume", pause
            ? "Stop deliveries to a partner until resumed; its payments wait as held."
            : "Restart deliveries to a partner paused by hand or by the router.") { accountId };
        command.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var partner = await context.Services.GetRequiredService<PartnerService>().SetPausedAsync(
                parsed.GetRequiredValue(accountId), pause, context.Actor, cancellationToken);
            if (partner is null)
            {
                return context.Fail($"There is no partner '{parsed.GetRequiredValue(accountId)}'.");
            }

            context.Output.WriteLine(pause ? $"Partner {partner.AccountId} is paused." : $"Partner {partner.AccountId} is resumed.");
            return PortalCommandLine.Success;
        });
        return command;
    }

    public static Command Payer(CommandContext context)
    {
        var id = Required("--id", "The payer's reference number, as banks send it.");
        var name = Required("--name", "The payer's name.");
        var phone = new Option<string>("--phone") { Description = "Mobile number in international form, e.g. +256772123456." };
        var add = new Command("add", "Add a payer.") { id, name, phone };
        add.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var result = await context.Services.GetRequiredService<PayerService>().CreateAsync(
                parsed.GetRequiredValue(id), parsed.GetRequiredValue(name), parsed.GetValue(phone), context.Actor, cancellationToken);
            if (result.Value is not { } payer)
            {
                return context.Fail(result.Errors);
            }

            context.Output.WriteLine($"Added payer {payer.Id} ({payer.Name}).");
            return PortalCommandLine.Success;
        });
        return Group("payer", "Manage payers.", add);
    }

    public static Command User(CommandContext context)
    {
        var email = Required("--email", "The user's e-mail address, used to sign in.");
        var role = new Option<string>("--role") { Description = "Admin, Operator or Viewer.", Required = true };
        role.AcceptOnlyFromAmong([.. Roles.All]);
        var password = new Option<string>("--password")
        {
            Description = $"The password; read from the {PasswordVariable} environment variable when omitted, " +
                          "which keeps it out of shell history.",
        };
        var add = new Command("add", "Add a staff user who can sign in to the portal.") { email, role, password };
        add.SetAction(async (parsed, cancellationToken) =>
        {
            var secret = parsed.GetValue(password) ?? Environment.GetEnvironmentVariable(PasswordVariable);
            if (string.IsNullOrEmpty(secret))
            {
                return context.Fail($"Give the password with --password or the {PasswordVariable} environment variable.");
            }

            await context.PrepareDatabaseAsync(cancellationToken);
            var result = await context.Services.GetRequiredService<UserAccounts>().CreateAsync(
                parsed.GetRequiredValue(email), parsed.GetRequiredValue(role), secret, context.Actor);
            if (!result.Succeeded)
            {
                return context.Fail(result.Errors);
            }

            context.Output.WriteLine($"Added user {parsed.GetRequiredValue(email)} with role {parsed.GetRequiredValue(role)}.");
            return PortalCommandLine.Success;
        });
        var newRole = new Option<string>("--role") { Description = "Admin, Operator or Viewer.", Required = true };
        newRole.AcceptOnlyFromAmong([.. Roles.All]);
        return Group("user", "Manage staff users.", add,
            UserChange(context, "lock", "Lock a user out until unlocked; their open pages lose their power within a minute.", [],
                (accounts, id, _) => accounts.SetLockedAsync(id, true, context.Actor), (user, _) => $"Locked {user}."),
            UserChange(context, "unlock", "Unlock a user (also one locked by failed sign-ins).", [],
                (accounts, id, _) => accounts.SetLockedAsync(id, false, context.Actor), (user, _) => $"Unlocked {user}."),
            UserChange(context, "role", "Give a user another role; their open pages follow within a minute.", [newRole],
                (accounts, id, parsed) => accounts.SetRoleAsync(id, parsed.GetRequiredValue(newRole), context.Actor),
                (user, parsed) => $"{user} now has the role {parsed.GetRequiredValue(newRole)}."));
    }

    /// <summary>A user command that finds the user by <c>--email</c> and makes one audited change.</summary>
    private static Command UserChange(CommandContext context, string name, string description, Option[] options,
        Func<UserAccounts, string, ParseResult, Task<ChangeResult<ApplicationUser>>> change, Func<string, ParseResult, string> done)
    {
        var email = Required("--email", "The user's e-mail address.");
        var command = new Command(name, description) { email };
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parsed, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var accounts = context.Services.GetRequiredService<UserAccounts>();
            var address = parsed.GetRequiredValue(email);
            if (await accounts.FindIdByEmailAsync(address) is not { } id)
            {
                return context.Fail($"There is no user with the e-mail '{address}'.");
            }

            var result = await change(accounts, id, parsed);
            if (!result.Succeeded)
            {
                return context.Fail(result.Errors);
            }

            context.Output.WriteLine(done(address, parsed));
            return PortalCommandLine.Success;
        });
        return command;
    }

    private static Option<string> UnknownReferenceOption()
    {
        var option = new Option<string>("--unknown-reference")
        {
            Description = "A payment naming an unknown payer or partner: 'reject' it (422, the default) or 'hold' it in suspense.",
        };
        option.AcceptOnlyFromAmong("reject", "hold");
        return option;
    }

    private static UnknownReferencePolicy Policy(string value) =>
        value == "hold" ? UnknownReferencePolicy.Hold : UnknownReferencePolicy.Reject;

    private static Option<string> Required(string name, string description) =>
        new(name) { Description = description, Required = true };

    private static Command Group(string name, string description, params Command[] subcommands)
    {
        var group = new Command(name, description);
        foreach (var subcommand in subcommands)
        {
            group.Subcommands.Add(subcommand);
        }

        return group;
    }
}
