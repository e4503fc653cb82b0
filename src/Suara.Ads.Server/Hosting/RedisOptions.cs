using System.ComponentModel.DataAnnotations;

namespace Suara.Ads.Server.Hosting;

/// <summary>The <c>Redis</c> configuration section.</summary>
public sealed class RedisOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Redis";

    /// <summary>StackExchange.Redis connection string (standalone, sentinel or cluster).</summary>
    [Required]
    public string Configuration { get; set; } = "localhost:6379";

    /// <summary>Prefix of every key this server writes, so that several deployments (or tests) can share one Redis.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.:-]{1,64}$")]
    public string KeyPrefix { get; set; } = "suara:";
}
