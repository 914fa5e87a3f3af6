using System.CommandLine;
using MoMo.Portal.Data;
using MoMo.Portal.Ingestion;
using MoMo.Portal.Routing;

namespace MoMo.Portal.Cli;

/// <summary><c>migrate</c>, <c>seed</c> and <c>route</c> (create_db, create_sample_data and run_payment_processor), and <c>intake purge</c>.</summary>
internal static class DatabaseCommands
{
    public static Command Migrate(CommandContext context)
    {
        var command = new Command("migrate", "Create the database or upgrade it to the latest schema.");
        command.SetAction(async (_, cancellationToken) =>
        {
            await context.Services.MigrateDatabaseAsync(cancellationToken);
            context.Output.WriteLine("The database is up to date.");
            return PortalCommandLine.Success;
        });
        return command;
    }

    public static Command Seed(CommandContext context)
    {
        var command = new Command("seed",
            "Create the sample bank africa_bank, partners partner1 (api) and partner2 (email), payers payer1 and payer2, " +
            "and in Development an Admin user. Only what is missing is created; secrets are printed once.");
        command.SetAction(async (_, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var includeAdmin = context.Services.GetRequiredService<IHostEnvironment>().IsDevelopment();
            await SampleData.SeedAsync(context.Services, includeAdmin, context.Output, cancellationToken);
            return PortalCommandLine.Success;
        });
        return command;
    }

    public static Command Intake(CommandContext context)
    {
        var purge = new Command("purge",
            "Delete intake records, and the proofs kept with them, older than Intake:Retention (what the daily purge-intake job does). " +
            "Proofs of payments are never deleted.");
        purge.SetAction(async (_, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var purged = await context.Services.GetRequiredService<IntakeRetention>().PurgeAsync(cancellationToken);
            context.Output.WriteLine($"intake records deleted: {purged.IntakeRecords}");
            context.Output.WriteLine($"proofs deleted: {purged.Proofs}");
            return PortalCommandLine.Success;
        });
        var command = new Command("intake", "The intake log of bank requests that created no payment.");
        command.Subcommands.Add(purge);
        return command;
    }

    public static Command Route(CommandContext context)
    {
        var command = new Command("route", "Run one routing pass now: deliver every due payment to its partner.");
        command.SetAction(async (_, cancellationToken) =>
        {
            await context.PrepareDatabaseAsync(cancellationToken);
            var summary = await context.Services.GetRequiredService<PaymentRouter>().RunPassAsync(cancellationToken);
            context.Output.WriteLine($"delivered: {summary.Delivered}");
            context.Output.WriteLine($"retry-scheduled: {summary.RetryScheduled}");
            context.Output.WriteLine($"errored: {summary.Errored}");
            return PortalCommandLine.Success;
        });
        return command;
    }
}
