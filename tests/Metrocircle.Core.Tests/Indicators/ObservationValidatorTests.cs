using Metrocircle.Core.Indicators;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Tests.Indicators;

public sealed class ObservationValidatorTests
{
    private static readonly PlanIndicators Catalogue = new(
        new PlanVersion("p@1", "p", 1, "v1", new DateOnly(2026, 1, 1), DateTimeOffset.UnixEpoch),
        [
            (new Indicator("population", "人口", "Population", "persons", Direction.Cap, "province",
                [new IndicatorTarget("beijing-central", 2035, 10_850_000, "plan", Certainty.Indicative)], Minimum: 0), null),
            (new Indicator("eco-share", "生态", "Eco share", "%", Direction.Floor, "province", [], Minimum: 0, Maximum: 100), null),
            (new Indicator("redline-share", "红线", "Red line", "%", Direction.Floor, "county", []), new ComputedSpec("area-share", "control:ecological-redline", "counties")),
        ],
        new Dictionary<string, IReadOnlySet<string>> { ["province"] = new HashSet<string> { Jurisdictions.Beijing, Jurisdictions.Tianjin, Jurisdictions.Hebei }, ["county"] = new HashSet<string> { "110101" } });

    private static ObservationValidation Validate(string text) => ObservationValidator.Validate(ObservationFile.Parse(text), Catalogue, 2026);

    [Fact]
    public void accepts_a_good_csv_with_quoted_fields_and_named_target_scopes()
    {
        var result = Validate(""""
            indicator,scope,year,value,unit,source
            population,110000,2023,21858000,persons,"Beijing Statistical Yearbook 2024, table 3-1"
            population,beijing-central,2023,10980000,persons,yearbook
            eco-share,110000,2024,73.5,%,"bureau ""A"""
            """");
        Assert.True(result.Ok, string.Join("\n", result.Problems));
        Assert.Equal(3, result.Valid.Count);
        Assert.Equal("Beijing Statistical Yearbook 2024, table 3-1", result.Valid[0].Source);
        Assert.Equal("bureau \"A\"", result.Valid[2].Source);
        Assert.Equal(73.5, result.Valid[2].Value);
    }

    [Fact]
    public void reports_every_bad_row_with_its_line_and_keeps_none_of_them()
    {
        var result = Validate("""
            indicator,scope,year,value,unit,source
            population,110000,2023,21858000,persons,yearbook
            nonsense,110000,2023,1,persons,yearbook
            population,shanghai,2023,1,persons,yearbook
            population,110000,2023,2,persons,yearbook
            eco-share,110000,2024,73.5,km²,bureau
            eco-share,110000,1800,73.5,%,bureau
            eco-share,110000,2031,73.5,%,bureau
            eco-share,120000,2024,140,%,bureau
            population,130000,2024,"74,600,000",persons,yearbook
            population,120000,2024,-5,persons,yearbook
            redline-share,110101,2024,3,%,survey
            population,130000,2023,74600000,persons,
            """);
        Assert.False(result.Ok);
        var byLine = result.Problems.ToDictionary(p => p.Line, p => p.Message);
        Assert.Equal([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], byLine.Keys.Order());
        Assert.Contains("unknown indicator \"nonsense\"", byLine[3], StringComparison.Ordinal);
        Assert.Contains("unknown scope \"shanghai\"", byLine[4], StringComparison.Ordinal);
        Assert.Contains("already on line 2", byLine[5], StringComparison.Ordinal);
        Assert.Contains("unit \"km²\" does not match eco-share, which is measured in %", byLine[6], StringComparison.Ordinal);
        Assert.Contains("year 1800 is outside", byLine[7], StringComparison.Ordinal);
        Assert.Contains("year 2031 is outside", byLine[8], StringComparison.Ordinal);
        Assert.Contains("above the maximum of 100", byLine[9], StringComparison.Ordinal);
        Assert.Contains("is not a number", byLine[10], StringComparison.Ordinal);
        Assert.Contains("below the minimum of 0", byLine[11], StringComparison.Ordinal);
        Assert.Contains("computed from the plan's layers", byLine[12], StringComparison.Ordinal);
        Assert.Contains("source is missing", byLine[13], StringComparison.Ordinal);
    }

    [Fact]
    public void reads_a_json_array_and_locates_a_bad_element_by_its_line()
    {
        var result = Validate("""
            [
              { "indicator": "population", "scope": "110000", "year": 2023, "value": 21858000, "unit": "persons", "source": "yearbook" },
              {
                "indicator": "population", "scope": "110000", "year": 2024, "value": "lots", "unit": "persons", "source": "yearbook"
              }
            ]
            """);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(3, problem.Line);
        Assert.Contains("value \"lots\" is not a number", problem.Message, StringComparison.Ordinal);
        Assert.Equal(2023, Assert.Single(result.Valid).Year);
    }

    [Fact]
    public void a_header_without_the_required_columns_is_refused_as_a_whole()
    {
        var e = Assert.Throws<ObservationFileException>(() => ObservationFile.Parse("indicator,scope,year,value\npopulation,110000,2023,1\n"));
        Assert.Contains("the header lacks unit, source", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void broken_json_is_refused_with_its_line()
    {
        var e = Assert.Throws<ObservationFileException>(() => ObservationFile.Parse("[\n{\"indicator\": \"population\",\n\"scope\": }\n]"));
        Assert.StartsWith("line 3:", e.Message, StringComparison.Ordinal);
    }
}
