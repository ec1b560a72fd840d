using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Metrocircle.Web.Features.Indicators;
using Metrocircle.Web.Tests.Infrastructure;

namespace Metrocircle.Web.Tests.Features.Indicators;

public sealed class HealthCheckTests(SeededServer server) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mc-health-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Residents added to the plain new towns from 2022 to 2024: judged from 2024 on (three points), so 2024's report has
    /// a change of status. An indicator without shipped figures, so that the official series stay as shipped.
    /// </summary>
    private async Task ImportNewTownsAsync()
    {
        var csv = new StringBuilder("indicator,scope,year,value,unit,source\n");
        foreach (var (year, added) in new[] { (2022, 100_000), (2023, 130_000), (2024, 160_000) })
        {
            csv.Append(FormattableString.Invariant($"plain-new-towns-added-residents,beijing-plain-new-towns,{year},{added},persons,constructed test series\n"));
        }

        using var content = new StringContent(csv.ToString(), Encoding.UTF8, "text/csv");
        using var response = await (await server.ClientAsAsync(TestAccounts.Office)).PostAsync("/indicators/observations", content, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private async Task<string> HtmlAsync(int year)
    {
        using var response = await (await server.ClientAsAsync(TestAccounts.Office)).GetAsync($"/health-check/{year}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    [Fact]
    public async Task the_report_shows_targets_with_charts_a_county_map_warnings_and_the_changes_of_the_year()
    {
        await ImportNewTownsAsync();
        var html = await HtmlAsync(2024);
        Assert.Contains("Annual health check 2024", html, StringComparison.Ordinal);
        Assert.Contains("id=\"beijing-rail-length\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"chart\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"trend\"", html, StringComparison.Ordinal);
        Assert.Contains("class=\"choropleth\"", html, StringComparison.Ordinal);
        Assert.Equal(200, html.Split("<title>", StringSplitOptions.None).Count(s => s.Contains("%</title></path>", StringComparison.Ordinal)));
        Assert.Contains("Warnings as of 2024", html, StringComparison.Ordinal);

        // 2024's figure is the year's addition; with it the new-towns series has the three points a trend needs, which it had not before.
        Assert.Contains("What changed since 2023", html, StringComparison.Ordinal);
        Assert.Matches("<table id=\"added\">.*plain-new-towns-added-residents</td><td>beijing-plain-new-towns</td><td>160,000</td>", html);
        Assert.Matches("<table id=\"changed\">.*plain-new-towns-added-residents", html);

        // A report for 2022 judges with what was known then: one new-towns point, too few for a trend.
        var earlier = await HtmlAsync(2022);
        Assert.DoesNotContain(">160,000<", earlier, StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_report_summarises_each_strategic_role_and_groups_the_indicators_under_their_role()
    {
        var html = await HtmlAsync(2024);
        Assert.Contains("<table id=\"role-progress\">", html, StringComparison.Ordinal);
        foreach (var role in new[] { "capital-functions", "world-class-cluster", "civilisation", "collaborative-governance", "beautiful-china" })
        {
            Assert.Contains($"<tr data-role=\"{role}\">", html, StringComparison.Ordinal);
        }

        // Rail length serves the world-class city cluster: it sits under that heading, after the capital-functions group.
        var capital = html.IndexOf("id=\"role-capital-functions\"", StringComparison.Ordinal);
        var cluster = html.IndexOf("id=\"role-world-class-cluster\"", StringComparison.Ordinal);
        var beautiful = html.IndexOf("id=\"role-beautiful-china\"", StringComparison.Ordinal);
        var population = html.IndexOf("id=\"beijing-resident-population\"", StringComparison.Ordinal);
        var rail = html.IndexOf("id=\"beijing-rail-length\"", StringComparison.Ordinal);
        Assert.True(capital > 0 && capital < population && population < cluster, "population is not under capital functions");
        Assert.True(cluster < rail && rail < beautiful, "rail length is not under the world-class city cluster");
    }

    [Fact]
    public async Task a_year_out_of_range_is_a_problem()
    {
        using var response = await (await server.ClientAsAsync(TestAccounts.Office)).GetAsync("/health-check/1800", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("1800 is outside", JsonNode.Parse(await response.Content.ReadAsStringAsync(Ct))!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_pdf_printed_by_chromium_from_the_html_has_a_first_page_that_is_not_blank()
    {
        Requirements.Program("chromium", "chromium");
        var pdftoppm = Requirements.Program("pdftoppm", "poppler-utils");
        var htmlPath = Path.Combine(_folder, "report.html");
        await File.WriteAllTextAsync(htmlPath, await HtmlAsync(2025), Ct);
        var pdfPath = Path.Combine(_folder, "report.pdf");
        await ChromiumPdf.PrintAsync(htmlPath, pdfPath, Ct);
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString((await File.ReadAllBytesAsync(pdfPath, Ct))[..4]), StringComparison.Ordinal);

        // The first page as a PPM (P6: a text header, then RGB bytes), which needs no image library to read.
        using (var render = Process.Start(pdftoppm, ["-f", "1", "-l", "1", "-r", "40", "-singlefile", pdfPath, Path.Combine(_folder, "page")]))
        {
            await render.WaitForExitAsync(Ct);
            Assert.Equal(0, render.ExitCode);
        }

        var (width, height, pixels) = ReadPpm(await File.ReadAllBytesAsync(Path.Combine(_folder, "page.ppm"), Ct));
        var nonWhite = 0;
        var colours = new HashSet<int>();
        for (var i = 0; i + 2 < pixels.Length; i += 3)
        {
            var (r, g, b) = (pixels[i], pixels[i + 1], pixels[i + 2]);
            colours.Add((r << 16) | (g << 8) | b);
            nonWhite += r < 240 || g < 240 || b < 240 ? 1 : 0;
        }

        Assert.True(width > 100 && height > 100, $"page is {width}×{height}");
        Assert.True(nonWhite > width * height / 100, $"only {nonWhite} of {width * height} pixels are not white");
        Assert.True(colours.Count > 16, $"only {colours.Count} distinct colours");
    }

    private static (int Width, int Height, byte[] Pixels) ReadPpm(byte[] data)
    {
        var fields = new List<string>();
        var pos = 0;
        while (fields.Count < 4)
        {
            while (char.IsWhiteSpace((char)data[pos]))
            {
                pos++;
            }

            var start = pos;
            while (!char.IsWhiteSpace((char)data[pos]))
            {
                pos++;
            }

            fields.Add(Encoding.ASCII.GetString(data, start, pos - start));
        }

        Assert.Equal("P6", fields[0]);
        return (int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture), data[(pos + 1)..]);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
