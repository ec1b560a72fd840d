using Microsoft.AspNetCore.Mvc;

namespace Metrocircle.Web.Features.Collections;

/// <summary>
/// The query parameters of an items read as the OpenAPI document lists them. They are read and checked together by
/// <see cref="ItemsParameters"/> (which needs all of them and the collection at once), so these bound copies only
/// declare them.
/// </summary>
internal sealed record ItemsQueryText(
    [property: FromQuery(Name = "bbox")] string? Bbox,
    [property: FromQuery(Name = "bbox-crs")] string? BboxCrs,
    [property: FromQuery(Name = "limit")] string? Limit,
    [property: FromQuery(Name = "offset")] string? Offset,
    [property: FromQuery(Name = "cursor")] string? Cursor,
    [property: FromQuery(Name = "datetime")] string? Datetime,
    [property: FromQuery(Name = "crs")] string? Crs,
    [property: FromQuery(Name = "filter")] string? Filter,
    [property: FromQuery(Name = "filter-lang")] string? FilterLang,
    [property: FromQuery(Name = "filter-crs")] string? FilterCrs);

/// <summary>The query parameter of a single-feature read besides the plan selection, declared for the OpenAPI document.</summary>
internal sealed record ItemQueryText([property: FromQuery(Name = "crs")] string? Crs);
