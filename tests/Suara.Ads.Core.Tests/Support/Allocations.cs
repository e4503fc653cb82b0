namespace Suara.Ads.Core.Tests.Support;

/// <summary>What code allocates on the current thread, for the zero-allocation tests.</summary>
internal static class Allocations
{
    /// <summary>
    /// Runs <paramref name="run"/> <paramref name="warmUps"/> times (statics, JIT, tier-up, caches), then three rounds
    /// of <paramref name="times"/> calls, and returns the bytes allocated by the least of the rounds: code that
    /// allocates does so every round, while a one-off runtime allocation (tier-up, on-stack replacement) lands in one
    /// round at most.
    /// </summary>
    public static long LeastOfThreeRounds(Action run, int warmUps, int times)
    {
        for (var i = 0; i < warmUps; i++)
        {
            run();
        }

        var least = long.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < times; i++)
            {
                run();
            }

            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return least;
    }
}
