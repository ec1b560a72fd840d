using Metrocircle.Core.Indicators;
using Metrocircle.Core.Model;

namespace Metrocircle.Core.Tests.Indicators;

public sealed class TrajectoryEvaluatorTests
{
    private static Indicator Make(Direction direction) => new("x", "指标", "Indicator", "km", direction, "province", []);

    private static IndicatorTarget Target(int year, double value) => new(Jurisdictions.Beijing, year, value, "test", Certainty.Confirmed);

    private static List<Observation> Series(params (int Year, double Value)[] points) =>
        [.. points.Select(p => new Observation("x", Jurisdictions.Beijing, p.Year, p.Value, "test"))];

    [Fact]
    public void linear_growth_that_reaches_the_target_early_is_on_track_and_says_when()
    {
        // +100 km a year from 1,800 in 2020: 2,500 is reached in 2027, eight years before 2035.
        var e = TrajectoryEvaluator.Evaluate(Make(Direction.Target), Target(2035, 2500), Series((2020, 1800), (2021, 1900), (2022, 2000), (2023, 2100)));
        Assert.Equal(TrajectoryStatus.OnTrack, e.Status);
        Assert.Equal(2027, e.CrossingYear);
        Assert.Equal(3300, e.Projected!.Value, 6);
        Assert.Contains("in 2027, 8 years before 2035", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void a_cap_that_will_be_breached_in_2031_is_off_track_and_names_the_year()
    {
        // +0.1 million a year from 22.3 million in 2024 crosses 23 million in 2031.
        var e = TrajectoryEvaluator.Evaluate(Make(Direction.Cap), Target(2035, 23.0), Series((2024, 22.3), (2025, 22.4), (2026, 22.5)));
        Assert.Equal(TrajectoryStatus.OffTrack, e.Status);
        Assert.Equal(2031, e.CrossingYear);
        Assert.Contains("exceed the cap of 23 km in 2031", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void too_few_points_cannot_be_judged()
    {
        var e = TrajectoryEvaluator.Evaluate(Make(Direction.Cap), Target(2035, 23), Series((2024, 21.8), (2025, 21.9)));
        Assert.Equal(TrajectoryStatus.Insufficient, e.Status);
        Assert.Null(e.Projected);
        Assert.Equal("2 observations; at least 3 are needed to judge a trend.", e.Reason);
        Assert.Equal(TrajectoryStatus.Insufficient, TrajectoryEvaluator.Evaluate(Make(Direction.Cap), Target(2035, 23), Series()).Status);
    }

    [Fact]
    public void a_cap_already_exceeded_is_off_track_whatever_the_trend()
    {
        var e = TrajectoryEvaluator.Evaluate(Make(Direction.Cap), Target(2035, 23), Series((2022, 23.5), (2023, 23.2), (2024, 23.1)));
        Assert.Equal(TrajectoryStatus.OffTrack, e.Status);
        Assert.StartsWith("already above the cap", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void a_cap_approached_within_five_percent_is_at_risk()
    {
        // +0.35 a year from 90.7 in 2022 projects 95.25 in 2035: under the cap of 100 but within 5% of it.
        var e = TrajectoryEvaluator.Evaluate(Make(Direction.Cap), Target(2035, 100), Series((2020, 90), (2021, 90.35), (2022, 90.7)));
        Assert.Equal(TrajectoryStatus.AtRisk, e.Status);
    }

    [Fact]
    public void a_flat_series_under_its_cap_is_on_track()
    {
        var e = TrajectoryEvaluator.Evaluate(Make(Direction.Cap), Target(2035, 2760), Series((2020, 2600), (2021, 2600), (2022, 2600)));
        Assert.Equal(TrajectoryStatus.OnTrack, e.Status);
        Assert.Null(e.CrossingYear);
    }

    [Fact]
    public void a_floor_that_the_trend_falls_below_is_off_track()
    {
        var e = TrajectoryEvaluator.Evaluate(Make(Direction.Floor), Target(2035, 75), Series((2020, 80), (2021, 79.5), (2022, 79)));
        Assert.Equal(TrajectoryStatus.OffTrack, e.Status);
        Assert.Equal(2030, e.CrossingYear);
    }

    [Fact]
    public void a_target_approached_too_slowly_is_off_track_and_one_nearly_reached_is_at_risk()
    {
        var slow = TrajectoryEvaluator.Evaluate(Make(Direction.Target), Target(2035, 2500), Series((2020, 1000), (2021, 1010), (2022, 1020)));
        Assert.Equal(TrajectoryStatus.OffTrack, slow.Status);
        var close = TrajectoryEvaluator.Evaluate(Make(Direction.Target), Target(2030, 200), Series((2020, 100), (2021, 109.5), (2022, 119)));
        Assert.Equal(TrajectoryStatus.AtRisk, close.Status);
    }

    [Fact]
    public void only_observations_of_the_same_indicator_and_scope_count()
    {
        var points = Series((2020, 1), (2021, 2), (2022, 3));
        points.Add(new Observation("x", Jurisdictions.Tianjin, 2023, 1000, "test"));
        points.Add(new Observation("y", Jurisdictions.Beijing, 2023, 1000, "test"));
        var e = TrajectoryEvaluator.Evaluate(Make(Direction.Target), Target(2030, 10), points);
        Assert.Equal(2022, e.LatestYear);
        Assert.Equal(1.0, e.SlopePerYear!.Value, 9);
    }
}
