using Hangfire;
using Hangfire.PostgreSql;
using Npgsql;
using Hangfire.Storage.SQLite;
using Microsoft.Extensions.Options;
using MoMo.Portal.Data;
using MoMo.Portal.Notifiers;
using MoMo.Portal.Users;

namespace MoMo.Portal.Routing;

public static class RoutingExtensions
{
    /// <summary>
    /// The router, its notifiers and Hangfire, whose storage follows the database provider: a SQLite file under the data
    /// directory (its job fetching is guarded by an in-process lock only: one Hangfire server per hangfire.db file), or
    /// the <c>hangfire</c> schema of the PostgreSQL database, shared by every instance.
    /// </summary>
    private static readonly PostgreSqlStorageOptions PostgresStorageOptions = new()
    {
        SchemaName = "hangfire",
        QueuePollInterval = TimeSpan.FromSeconds(1),
        // A fetched job stays invisible to other servers only while its server's heartbeat keeps it so; without this a
        // job running longer than the invisibility timeout would start again elsewhere.
        UseSlidingInvisibilityTimeout = true,
    };

    public static WebApplicationBuilder AddPaymentRouting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<RoutingOptions>().BindConfiguration(RoutingOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        if (!builder.Environment.IsProduction() && builder.Configuration[$"{RoutingOptions.Section}:{nameof(RoutingOptions.AllowPlainHttp)}"] is null)
        {
            builder.Services.PostConfigure<RoutingOptions>(options => options.AllowPlainHttp = true);
        }

        builder.Services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section);

        builder.Services.AddHttpClient(WebhookNotifier.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(services =>
            {
                var routing = services.GetRequiredService<IOptions<RoutingOptions>>().Value;
                var proxy = routing.Proxy is null ? null : new Uri(routing.Proxy);
                return new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(2),
                    // Only the configured proxy, never one from HTTP_PROXY: the address policy must see every connection.
                    UseProxy = proxy is not null,
                    Proxy = proxy is null ? null : new System.Net.WebProxy(proxy),
                    // The proxy itself is the operator's own (often internal) host; the partner's address behind it is
                    // checked by WebhookNotifier before each request.
                    ConnectCallback = (context, token) => OutboundAddressPolicy.ConnectAsync(context.DnsEndPoint,
                        routing.AllowPrivateNetworks || IsProxy(context.DnsEndPoint, proxy), token),
                };
            })
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan)
            // The router logs every failed attempt with its payment; the factory's two log handlers per request (a scope
            // and start/end lines, filtered out by default anyway) cost the drain CPU for nothing.
            .RemoveAllLoggers()
            // The handler (and its connection pool) lives as long as the app; PooledConnectionLifetime picks up DNS changes.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        builder.Services.AddSingleton<IPartnerNotifier, WebhookNotifier>();
        builder.Services.AddSingleton<IPartnerNotifier, EmailNotifier>();

        builder.Services.AddSingleton<DeliveryLanes>();
        builder.Services.AddSingleton<RouterSignal>();
        builder.Services.AddSingleton<EndpointHealth>();
        builder.Services.AddSingleton<PaymentRouter>();
        builder.Services.AddTransient<RoutePaymentsJob>();
        builder.Services.AddHostedService<RecurringJobsRegistrar>();
        builder.Services.AddSingleton(RecurringJobRegistration.For<RoutePaymentsJob>(RoutePaymentsJob.Id,
            job => job.RunAsync(CancellationToken.None), services => services.GetRequiredService<IOptions<RoutingOptions>>().Value.Cron));

        // The storage is this app's own singleton: the UseXxxStorage() helpers would also set the process-wide
        // JobStorage.Current, which two apps in one process (the tests run many) would then share by accident.
        builder.Services.AddSingleton<JobStorage>(services => services.GetRequiredService<PortalDatabase>() is { Provider: DatabaseProvider.Postgres } postgres
            ? new PostgreSqlStorage(new HangfireConnections(postgres.ConnectionString), PostgresStorageOptions)
            : new SQLiteStorage(services.GetRequiredService<DataDirectory>().File("hangfire.db"), new SQLiteStorageOptions
            {
                // The default 15 s poll would start the 15-second recurring job up to 20 s late.
                QueuePollInterval = TimeSpan.FromSeconds(1),
            }));
        builder.Services.AddHangfire((services, configuration) => configuration
            .UseLogProvider(new HangfireLogProvider(services.GetRequiredService<ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());

        var routing = builder.Configuration.GetSection(RoutingOptions.Section).Get<RoutingOptions>() ?? new RoutingOptions();
        if (routing.RunBackgroundJobs)
        {
            builder.Services.AddHangfireServer(server =>
            {
                server.SchedulePollingInterval = TimeSpan.FromSeconds(1);
                server.WorkerCount = 2;
            });
            builder.Services.AddHostedService<RouterBackgroundService>();
        }

        return builder;
    }

    /// <summary>Maps the dashboard at /hangfire: Admins, and Operators read-only.</summary>
    public static WebApplication UsePaymentRouting(this WebApplication app)
    {
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new StaffDashboardAuthorization()],
            IsReadOnlyFunc = StaffDashboardAuthorization.IsReadOnly,
            AppPath = "/",
            DashboardTitle = "MoMo Portal jobs",
        }).RequireAuthorization(Policies.CanOperate);
        return app;
    }

    private static bool IsProxy(System.Net.DnsEndPoint endPoint, Uri? proxy) =>
        proxy is not null && endPoint.Port == proxy.Port && string.Equals(endPoint.Host, proxy.Host, StringComparison.OrdinalIgnoreCase);

    /// <summary>Hangfire's connections to PostgreSQL, from Npgsql's pool.</summary>
    private sealed class HangfireConnections(string connectionString) : IConnectionFactory
    {
        public NpgsqlConnection GetOrCreateConnection() => new(connectionString);
    }
}
