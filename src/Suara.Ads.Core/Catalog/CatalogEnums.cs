namespace Suara.Ads.Core.Catalog;

/// <summary>Priority tiers, highest first: a candidate in a higher tier always beats one in a lower tier.</summary>
public enum PriorityTier
{
    Sponsorship = 0,
    Standard = 1,
    House = 2,
}

/// <summary>Creative formats.</summary>
public enum CreativeFormat
{
    Image,
    Html,
    Text,
}

/// <summary>Campaign status.</summary>
public enum CampaignStatus
{
    Active,
    Paused,
    Archived,
}

/// <summary>Pacing of a goal.</summary>
public enum PacingMode
{
    /// <summary>Serve as fast as demand allows until the goal is met.</summary>
    Asap,

    /// <summary>Spread the goal evenly over its period (the flight or the day).</summary>
    Even,
}

/// <summary>Period of a goal.</summary>
public enum GoalPeriod
{
    Flight,
    Day,
}

/// <summary>What a goal counts: impressions or clicks (a spend goal counts the unit its rate prices).</summary>
public enum GoalMetric
{
    Impressions,
    Clicks,
}

/// <summary>How a campaign is priced.</summary>
public enum RateModel
{
    /// <summary>Per thousand counted impressions.</summary>
    Cpm,

    /// <summary>Per counted click.</summary>
    Cpc,

    /// <summary>A fixed amount for the flight, spread evenly over its days.</summary>
    Flat,
}

/// <summary>Period of a frequency cap.</summary>
public enum CapPeriod
{
    Hour,
    Day,
    Week,
    Flight,
}

/// <summary>The lower-case names used in JSON for the catalog's enumerations.</summary>
public static class CatalogNames
{
    /// <summary>Campaign statuses.</summary>
    public static readonly IReadOnlyList<string> Statuses = ["active", "paused", "archived"];

    /// <summary>Priorities, highest first.</summary>
    public static readonly IReadOnlyList<string> Priorities = ["sponsorship", "standard", "house"];

    /// <summary>Pacing modes.</summary>
    public static readonly IReadOnlyList<string> Pacings = ["even", "asap"];

    /// <summary>Goal periods.</summary>
    public static readonly IReadOnlyList<string> GoalPeriods = ["flight", "day"];

    /// <summary>Rate models.</summary>
    public static readonly IReadOnlyList<string> RateModels = ["cpm", "cpc", "flat"];

    /// <summary>Cap periods.</summary>
    public static readonly IReadOnlyList<string> CapPeriods = ["hour", "day", "week", "flight"];

    /// <summary>Creative formats.</summary>
    public static readonly IReadOnlyList<string> Formats = ["image", "html", "text"];

    /// <summary>Parses a format name.</summary>
    public static bool TryParseFormat(string? name, out CreativeFormat format)
    {
        switch (name)
        {
            case "image": format = CreativeFormat.Image; return true;
            case "html": format = CreativeFormat.Html; return true;
            case "text": format = CreativeFormat.Text; return true;
            default: format = default; return false;
        }
    }

    /// <summary>The JSON name of a format.</summary>
    public static string Name(this CreativeFormat format) => format switch
    {
        CreativeFormat.Image => "image",
        CreativeFormat.Html => "html",
        _ => "text",
    };

    /// <summary>The JSON name of a tier.</summary>
    public static string Name(this PriorityTier tier) => tier switch
    {
        PriorityTier.Sponsorship => "sponsorship",
        PriorityTier.Standard => "standard",
        _ => "house",
    };

    internal static PriorityTier ParseTier(string value) => value switch
    {
        "sponsorship" => PriorityTier.Sponsorship,
        "house" => PriorityTier.House,
        _ => PriorityTier.Standard,
    };

    internal static CampaignStatus ParseStatus(string value) => value switch
    {
        "paused" => CampaignStatus.Paused,
        "archived" => CampaignStatus.Archived,
        _ => CampaignStatus.Active,
    };

    /// <summary>Parses a rate model name (a validated one: anything unknown is <see cref="RateModel.Flat"/>).</summary>
    public static RateModel ParseRateModel(string value) => value switch
    {
        "cpm" => RateModel.Cpm,
        "cpc" => RateModel.Cpc,
        _ => RateModel.Flat,
    };

    internal static CapPeriod ParseCapPeriod(string value) => value switch
    {
        "hour" => CapPeriod.Hour,
        "week" => CapPeriod.Week,
        "flight" => CapPeriod.Flight,
        _ => CapPeriod.Day,
    };
}
