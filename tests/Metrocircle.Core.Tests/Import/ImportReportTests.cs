using Metrocircle.Core.Import;

namespace Metrocircle.Core.Tests.Import;

public sealed class ImportReportTests
{
    [Fact]
    public void a_summary_line_counts_every_feature_it_stands_for()
    {
        var report = new ImportReport("big.geojsons");
        report.Add(new ImportIssue(ImportAction.Reoriented, "farmland", "#1", "re-oriented"));
        report.Add(new ImportIssue(ImportAction.Reoriented, "farmland", "#2", "re-oriented"));
        report.AddSummary(new ImportIssue(ImportAction.Reoriented, "farmland", "(more)", "900,361 more features re-oriented"), 900_361);
        report.Add(new ImportIssue(ImportAction.Dropped, "farmland", "#3", "empty geometry"));
        Assert.Equal(900_363, report.Count(ImportAction.Reoriented));
        Assert.Equal(1, report.Count(ImportAction.Dropped));
        Assert.Equal(4, report.Issues.Count);
        Assert.Contains("re-oriented 900363", report.ToText(), StringComparison.Ordinal);
    }
}
