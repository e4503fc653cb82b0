namespace Suara.Ads.Server.Traffic;

/// <summary>
/// What a reader's browser says about tracking. <c>Sec-GPC: 1</c> (Global Privacy Control) is an opt-out of sale and
/// sharing: a request carrying it is served and counted as any other, but tied to no viewer, so nothing is kept per
/// viewer (no frequency state, no reach, no per-viewer flood window), exactly as if the page had sent no
/// <c>user.id</c>.
/// </summary>
internal static class PrivacySignals
{
    /// <summary>The Global Privacy Control request header.</summary>
    public const string GlobalPrivacyControlHeader = "Sec-GPC";

    /// <summary>Whether <paramref name="request"/> carries <c>Sec-GPC: 1</c>, the only value the specification defines.</summary>
    public static bool OptsOut(HttpRequest request)
    {
        foreach (var value in request.Headers[GlobalPrivacyControlHeader])
        {
            if (value.AsSpan().Trim().SequenceEqual("1"))
            {
                return true;
            }
        }

        return false;
    }
}
