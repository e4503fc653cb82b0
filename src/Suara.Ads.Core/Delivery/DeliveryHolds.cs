namespace Suara.Ads.Core.Delivery;

/// <summary>
/// The time buckets in which ads served and not yet confirmed are held back against their campaign's goal. A served ad
/// is held in the bucket of its decision time; a bucket is live for <see cref="LiveBuckets"/> buckets, so a hold whose
/// impression never comes is dropped 20 to 25 s after its decision (within 30 s once the instances have read it).
/// </summary>
public static class DeliveryHolds
{
    /// <summary>How long an ad served to a viewer and not yet confirmed by its impression counts against the viewer's caps (on the instance that served it).</summary>
    public static readonly TimeSpan ViewerHoldTime = TimeSpan.FromSeconds(25);

    /// <summary>Length of a bucket, in seconds.</summary>
    public const int BucketSeconds = 5;

    /// <summary>How many buckets are live: the current one and the four before it.</summary>
    public const int LiveBuckets = 5;

    /// <summary>The bucket of <paramref name="time"/>.</summary>
    public static long Bucket(DateTimeOffset time) => time.ToUnixTimeSeconds() / BucketSeconds;

    /// <summary>Whether a hold in <paramref name="bucket"/> still counts in <paramref name="currentBucket"/>.</summary>
    public static bool IsLive(long bucket, long currentBucket) => bucket > currentBucket - LiveBuckets && bucket <= currentBucket + 1;
}
