using Metrocircle.Core.Indicators;
using Metrocircle.Core.Mismatch;

namespace Metrocircle.Core.Tests.Mismatch;

public sealed class CommuteValidatorTests
{
    private static readonly HashSet<string> Counties = [Jurisdictions.Zhuozhou, Jurisdictions.Dongcheng, Jurisdictions.Sanhe];

    private static string Resolve(string id) => id == "baoding-21" ? Jurisdictions.Zhuozhou : id;

    private static CommuteValidation Validate(string text) => CommuteValidator.Validate(CommuteFile.Parse(text), Counties, Resolve, 2026);

    [Fact]
    public void accepts_good_rows_in_any_column_order_and_resolves_former_ids()
    {
        var result = Validate($"""
            year,origin,destination,mode,trips,source
            2024,baoding-21,{Jurisdictions.Dongcheng},all,1200.5,"survey, 2024"
            2024,{Jurisdictions.Sanhe},{Jurisdictions.Sanhe},rail,0,survey
            """);
        Assert.True(result.Ok, string.Join("\n", result.Problems));
        Assert.Equal(new CommuteFlow(Jurisdictions.Zhuozhou, Jurisdictions.Dongcheng, 2024, "all", 1200.5, "survey, 2024"), result.Valid[0]);
    }

    [Fact]
    public void reports_each_bad_row_with_its_line_unknown_county_negative_trips_and_duplicate()
    {
        var result = Validate($"""
            origin,destination,year,trips,mode,source
            {Jurisdictions.Zhuozhou},{Jurisdictions.Dongcheng},2024,10,all,s
            999999,{Jurisdictions.Dongcheng},2024,10,all,s
            {Jurisdictions.Sanhe},{Jurisdictions.Dongcheng},2024,-5,all,s
            {Jurisdictions.Zhuozhou},{Jurisdictions.Dongcheng},2024,11,all,s
            {Jurisdictions.Sanhe},{Jurisdictions.Zhuozhou},2031,1e3x,,
            """);
        Assert.False(result.Ok);
        Assert.Equal([3, 4, 5, 6], result.Problems.Select(p => p.Line));
        Assert.Contains("unknown county \"999999\" in origin", result.Problems[0].Message, StringComparison.Ordinal);
        Assert.Contains("trips -5 is negative", result.Problems[1].Message, StringComparison.Ordinal);
        Assert.Contains("duplicate", result.Problems[2].Message, StringComparison.Ordinal);
        Assert.Contains("already on line 2", result.Problems[2].Message, StringComparison.Ordinal);
        Assert.Contains("year 2031 is outside", result.Problems[3].Message, StringComparison.Ordinal);
        Assert.Contains("trips \"1e3x\" is not a number", result.Problems[3].Message, StringComparison.Ordinal);
        Assert.Contains("mode is missing", result.Problems[3].Message, StringComparison.Ordinal);
        Assert.Contains("source is missing", result.Problems[3].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("origin,destination,year,trips,source")]
    [InlineData("origin,destination,year,trips,mode,source,note")]
    [InlineData("indicator,scope,year,value,unit,source")]
    public void a_wrong_header_is_refused_on_line_1(string header)
    {
        var e = Assert.Throws<ObservationFileException>(() => CommuteFile.Parse(header + "\n" + $"{Jurisdictions.Zhuozhou},{Jurisdictions.Dongcheng},2024,1,all,s\n"));
        Assert.StartsWith("line 1: the header", e.Message, StringComparison.Ordinal);
        Assert.Contains("origin,destination,year,trips,mode,source", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void what_the_writer_writes_the_reader_reads_back()
    {
        var flows = new[] { new CommuteFlow(Jurisdictions.Zhuozhou, Jurisdictions.Dongcheng, 2024, "all", 0.1 + 0.2, "SYNTHETIC \"demo\", gravity") };
        var result = Validate(CommuteFile.Write(flows));
        Assert.Equal(flows, result.Valid);
    }
}
