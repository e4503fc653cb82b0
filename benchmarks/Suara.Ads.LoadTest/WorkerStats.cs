namespace Suara.Ads.LoadTest;

/// <summary>What one worker measured; only its own worker writes it, so nothing is shared while running.</summary>
internal sealed class WorkerStats
{
    public List<long> DecisionTicks { get; } = new(1 << 16);
    public List<long> EventTicks { get; } = new(1 << 16);
    public Dictionary<int, long> DecisionStatus { get; } = [];
    public Dictionary<int, long> EventStatus { get; } = [];
    public long DecisionFailures { get; set; }
    public long EventFailures { get; set; }
    public long SlotsRequested { get; set; }
    public long SlotsFilled { get; set; }
    public long WarmupRequests { get; set; }

    public static void Count(Dictionary<int, long> counts, int status)
    {
        counts[status] = counts.GetValueOrDefault(status) + 1;
    }
}
