using Metrocircle.Core.Access;
using Metrocircle.Core.Cases;
using Metrocircle.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Metrocircle.Web.Features.Cases;

/// <summary>Escalates tasks past their deadline to the coordination office: every minute in the background, or on request.</summary>
public sealed class CaseEscalation(ICaseStore store, TimeProvider time, ILogger<CaseEscalation> logger) : BackgroundService
{
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    /// <summary>Escalates what is overdue now; returns the ids of the cases it changed.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(CancellationToken ct)
    {
        var changed = new List<string>();
        foreach (var id in await store.OverdueCaseIdsAsync(time.GetUtcNow(), ct))
        {
            var (stored, _) = await CasesApi.ApplyAsync(store, id, new Actor("system", Role.Administrator), file => CaseWorkflow.Escalate(file, time.GetUtcNow()), ct);
            if (stored is not null)
            {
                changed.Add(id);
            }
        }

        return changed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var changed = await RunAsync(stoppingToken);
                if (changed.Count > 0)
                {
                    logger.LogInformation("Escalated overdue tasks of {Count} case(s): {Cases}", changed.Count, string.Join(", ", changed));
                }
            }
            catch (StoreException e)
            {
                logger.LogWarning(e, "Escalation skipped this minute: {Message}", e.Message);
            }
        }
    }
}
