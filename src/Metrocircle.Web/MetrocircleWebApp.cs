using Metrocircle.Core.Storage;
using Metrocircle.Web.Features.Accounts;
using Metrocircle.Web.Features.Amendments;
using Metrocircle.Web.Features.Ledger;
using Metrocircle.Web.Features.Cases;
using Metrocircle.Web.Features.Checks;
using Metrocircle.Web.Features.Collaboration;
using Metrocircle.Web.Features.Collections;
using Metrocircle.Web.Features.Conflicts;
using Metrocircle.Web.Features.Indicators;
using Metrocircle.Web.Features.Landing;
using Metrocircle.Web.Features.Mismatch;
using Metrocircle.Web.Features.Operations;
using Metrocircle.Web.Features.Tiles;
using Metrocircle.Web.Features.Versions;
using Metrocircle.Web.Infrastructure;
using Metrocircle.Web.Infrastructure.Access;
using Metrocircle.Web.Plan;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Metrocircle.Web;

/// <summary>Settings of the web host that the executable or a test chooses.</summary>
/// <param name="Time">The clock (tests move it to reach deadlines); the system clock when null.</param>
/// <param name="Security">Abuse limits and trusted proxies; <see cref="SecuritySettings.Default"/> when null.</param>
/// <param name="Logs">A log sink beside the console (a host's own collector; tests read the lines it receives).</param>
public sealed record WebHostSettings(IReadOnlyList<string> Urls, string? WebRoot = null, LogLevel MinimumLogLevel = LogLevel.Information, TimeProvider? Time = null,
    SecuritySettings? Security = null, ItemsPaging? Paging = null, ILoggerProvider? Logs = null);

/// <summary>Builds the Metrocircle web host over a store: OGC API – Features, the OpenAPI document, and the web map.</summary>
public static class MetrocircleWebApp
{
    public static WebApplication Build(IPlanStore store, WebHostSettings settings)
    {
        var webRoot = settings.WebRoot ?? Path.Combine(AppContext.BaseDirectory, "wwwroot");
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Directory.Exists(webRoot) ? webRoot : null,
            EnvironmentName = Environments.Production,
        });
        builder.WebHost.UseUrls([.. settings.Urls]);
        builder.Logging.SetMinimumLevel(settings.MinimumLogLevel);
        OperationsLogging.Configure(builder.Logging);
        RequestLog.QuietFrameworkRequestLines(builder.Logging);
        if (settings.Logs is { } logs)
        {
            builder.Logging.AddProvider(logs);
        }

        AddStore(builder.Services, store);
        builder.Services.AddSingleton(settings.Time ?? TimeProvider.System);
        var security = settings.Security ?? SecuritySettings.Default;
        builder.Services.AddSingleton(security);
        builder.Services.AddSingleton(settings.Paging ?? new ItemsPaging());
        builder.Services.AddSingleton<EncodedFeatures>();
        RateLimits.Add(builder.Services, security);
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(180));
        builder.Services.AddAuthentication(SessionAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization(Policies.Add);
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddSingleton<PasswordHashing>();
        builder.Services.AddSingleton<CaseRulesCache>();
        builder.Services.AddSingleton<Features.Amendments.AmendmentApproval>();
        builder.Services.AddSingleton<Features.Ledger.LedgerBook>();
        builder.Services.AddSingleton<Features.Ledger.LedgerTransfers>();
        builder.Services.AddSingleton<Features.Ledger.CaseHolds>();
        builder.Services.AddSingleton<CaseEscalation>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CaseEscalation>());
        builder.Services.AddSingleton<PlanCatalog>();
        var snapshotWait = SnapshotCache.InForceWaitFromEnvironment(Environment.GetEnvironmentVariable);   // malformed: the host does not start
        builder.Services.AddSingleton(sp => new SnapshotCache(sp.GetRequiredService<PlanCatalog>(), snapshotWait));
        builder.Services.AddSingleton<Features.Conflicts.ConflictCache>();
        builder.Services.AddSingleton<JurisdictionCache>();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi(o =>
        {
            o.OpenApiVersion = Microsoft.OpenApi.OpenApiSpecVersion.OpenApi3_0;
            o.AddSchemaTransformer(Infrastructure.OpenApiShapes.Apply);
            o.AddDocumentTransformer((doc, _, _) =>
            {
                doc.Info.Title = "Metrocircle";
                doc.Info.Description = "OGC API – Features over the versioned map of a metropolitan-area plan.";
                doc.Info.Version = "1.0";

                // Without servers, clients resolve paths against the document's own address; with them, the document
                // would name the host and port that happened to serve it, and could not be committed.
                doc.Servers?.Clear();
                return Task.CompletedTask;
            });
        });

        var app = builder.Build();
        if (store is IStoreNotices notices)
        {
            var storeLog = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Metrocircle.Store");
            notices.Notice += notice =>
            {
                storeLog.LogInformation("{Notice}", notice.Text);
                LargeBuilds.ReturnMemory(notice.Rows);
            };
        }

        // First, so that everything after sees the client's address and scheme as the trusted proxy forwarded them.
        TrustedProxies.Use(app, security);
        app.UseRequestLog();

        // Only on HTTPS requests (directly or through a trusted proxy), and never for localhost: plain-http development is untouched.
        app.UseHsts();
        app.UseExceptionHandler(error => error.Run(async context =>
        {
            var feature = context.Features.Get<IExceptionHandlerFeature>();
            if (feature?.Error is StoreException)
            {
                ServiceMetrics.StoreErrors.Inc();
            }

            var (status, title) = feature?.Error switch
            {
                StoreException => (StatusCodes.Status503ServiceUnavailable, "Store unavailable"),
                OperationCanceledException => (499, "Request cancelled"),
                _ => (StatusCodes.Status500InternalServerError, "Internal error"),
            };
            context.Response.StatusCode = status;
            // The exception handler logs the error with its details; the engine's own words stay there, the same on every engine.
            await Results.Problem(feature?.Error is StoreException
                    ? "The store could not complete the request; try again, and if it persists tell the operator (the details are in the server log)."
                    : "An unexpected error occurred; it has been logged.",
                statusCode: status, title: title).ExecuteAsync(context);
        }));
        app.UseStatusCodePages(async ctx =>
        {
            var response = ctx.HttpContext.Response;
            if (response.ContentLength is null && response.ContentType is null)
            {
                await Results.Problem($"No resource at {ctx.HttpContext.Request.Path}; start from / for the links.",
                    statusCode: response.StatusCode, title: response.StatusCode == 404 ? "Not found" : "Request failed").ExecuteAsync(ctx.HttpContext);
            }
        });
        app.UseRequestIds();
        if (app.Environment.WebRootPath is not null)
        {
            app.UseStaticFiles();
        }

        app.UseRouting();
        app.UseHttpMetrics();
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapOpenApi("/api").AllowAnonymous();
        app.MapLanding();
        app.MapAccounts();
        app.MapCases();
        app.MapAmendments();
        app.MapLedger();
        app.MapCollections();
        app.MapCollectionStats();
        app.MapChecks();
        app.MapConflicts();
        app.MapTiles();
        app.MapVersions();
        app.MapIndicators();
        app.MapObservationHistory();
        app.MapMismatch();
        app.MapCollaboration();
        app.MapOperations();
        EndpointRules.RequireEveryEndpointToStateItsAccess(app);

        // The plan in force is read (its layers counted and measured) as soon as the host listens, not by the first
        // request: on a layer of millions of rows that read takes a while. A store that is down is retried by requests.
        var catalog = app.Services.GetRequiredService<PlanCatalog>();
        app.Lifetime.ApplicationStarted.Register(() => _ = Task.Run(async () =>
        {
            try
            {
                await catalog.GetAsync(app.Lifetime.ApplicationStopping);
            }
            catch (Exception e) when (e is Core.Storage.StoreException or OperationCanceledException)
            {
                // Requests read it again; readiness reports the store.
            }
        }));
        return app;
    }

    /// <summary>What the endpoints require of the store besides <see cref="IPlanStore"/>, each obtained from dependency injection.</summary>
    public static readonly IReadOnlyList<Type> RequiredCapabilities =
        [typeof(IDocumentStore), typeof(IAuditLog), typeof(IAccountStore), typeof(ICaseStore), typeof(IObservationStore), typeof(ICollaborationStore), typeof(IAmendmentStore), typeof(ILedgerStore), typeof(IConflictStore), typeof(ICommuteStore)];

    /// <summary>Registers the store under each capability; a store that lacks one is refused here, before the host starts, not per request.</summary>
    private static void AddStore(IServiceCollection services, IPlanStore store)
    {
        var missing = RequiredCapabilities.Where(capability => !capability.IsInstanceOfType(store)).Select(capability => capability.Name).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"{store.Description} cannot serve Metrocircle: it lacks {string.Join(", ", missing)}");
        }

        services.AddSingleton(store);
        foreach (var capability in RequiredCapabilities)
        {
            services.AddSingleton(capability, store);
        }

        // Optional: a store that reads a page's row keys lets items pages come from cached feature encodings.
        if (store is IFeatureKeyReader keys)
        {
            services.AddSingleton(keys);
        }
    }
}
