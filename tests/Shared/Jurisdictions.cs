namespace Metrocircle.Testing;

/// <summary>
/// Jurisdiction ids of the default dataset (GB/T 2260 codes) that tests name, in one place; <see cref="Former"/> maps
/// the ids they replaced (accepted as aliases for one version) to them. Tests of a dataset of their own may use these
/// too, so that the ids look like the real ones.
/// </summary>
internal static class Jurisdictions
{
    public const string Beijing = "110000";
    public const string Tianjin = "120000";
    public const string Hebei = "130000";

    public const string Shijiazhuang = "130100";
    public const string Tangshan = "130200";
    public const string Baoding = "130600";
    public const string Zhangjiakou = "130700";
    public const string Chengde = "130800";
    public const string Langfang = "131000";

    /// <summary>Zhuozhou, a county-level city of Baoding (formerly <c>baoding-21</c>).</summary>
    public const string Zhuozhou = "130681";

    /// <summary>Laishui County of Baoding (formerly <c>baoding-08</c>).</summary>
    public const string Laishui = "130623";

    /// <summary>Sanhe, a county-level city of Langfang (formerly <c>langfang-10</c>).</summary>
    public const string Sanhe = "131082";

    public const string Dongcheng = "110101";
    public const string Tongzhou = "110112";

    /// <summary>Former ids (slugs and positions in the boundary file) and the codes that replaced them.</summary>
    public static IReadOnlyDictionary<string, string> Former { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["beijing"] = Beijing,
        ["tianjin"] = Tianjin,
        ["hebei"] = Hebei,
        ["baoding"] = Baoding,
        ["langfang"] = Langfang,
        ["zhangjiakou"] = Zhangjiakou,
        ["baoding-21"] = Zhuozhou,
        ["baoding-08"] = Laishui,
        ["langfang-10"] = Sanhe,
    };
}
