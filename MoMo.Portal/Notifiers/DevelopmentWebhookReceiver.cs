using Microsoft.EntityFrameworkCore;
using MoMo.Portal.Data;
using MoMo.Portal.Partners;

namespace MoMo.Portal.Notifiers;

/// <summary>
/// In Development only: a stand-in partner at <c>/dev/webhooks/{accountId}</c> that checks the signature the way a
/// partner would and answers 204, so the sample partner1 receives its payments on a fresh machine.
/// </summary>
internal static partial class DevelopmentWebhookReceiver
{
    public static void MapDevelopmentWebhookReceiver(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            return;
        }

        app.MapPost("/dev/webhooks/{accountId}", async (string accountId, HttpRequest request,
            IDbContextFactory<PortalDbContext> dbFactory, WebhookSecretVault secrets, ILoggerFactory loggers) =>
        {
            var logger = loggers.CreateLogger(typeof(DevelopmentWebhookReceiver));
            using var reader = new StreamReader(request.Body);
            var body = await reader.ReadToEndAsync();
            await using var db = await dbFactory.CreateDbContextAsync();
            var stored = await db.Partners.Where(p => p.AccountId == accountId).Select(p => p.ProtectedWebhookSecret).SingleOrDefaultAsync();
            var secret = stored is null ? null : secrets.Reveal(stored);
            var id = request.Headers["webhook-id"].ToString();
            var valid = secret is not null
                        && long.TryParse(request.Headers["webhook-timestamp"], out var timestamp)
                        && WebhookSigner.Verify(secret, id, timestamp, body, request.Headers["webhook-signature"].ToString());
            LogReceived(logger, accountId, id, valid, body);
            return valid ? Results.NoContent() : Results.Unauthorized();
        }).AllowAnonymous().ExcludeFromDescription();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sample partner {AccountId} received webhook {WebhookId} (signature valid: {Valid}): {Body}")]
    private static partial void LogReceived(ILogger logger, string accountId, string webhookId, bool valid, string body);
}
