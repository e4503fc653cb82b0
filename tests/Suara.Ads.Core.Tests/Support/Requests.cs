using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Targeting;

namespace Suara.Ads.Core.Tests.Support;

internal static class Requests
{
    public static DecisionRequest Page(string? user = null, Action<TargetingContext>? context = null, params string[] placements)
    {
        var ctx = new TargetingContext { Country = "MY", Device = "mobile", Section = "news" };
        context?.Invoke(ctx);
        var slots = (placements.Length == 0 ? ["sidebar"] : placements).Select((p, i) => new SlotRequest($"s{i}", p)).ToArray();
        return new DecisionRequest { Site = "suara", Slots = slots, UserId = user, Context = ctx };
    }
}
