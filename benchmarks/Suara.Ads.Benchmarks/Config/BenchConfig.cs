using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Validators;

namespace Suara.Ads.Benchmarks.Config;

/// <summary>
/// The configuration every benchmark class uses (<c>[Config(typeof(BenchConfig))]</c>): allocation figures, a refusal
/// to run unoptimized code, and one short job. <c>BenchmarkSwitcher</c> and <c>BenchmarkRunner</c> merge it into
/// <see cref="DefaultConfig"/>, which brings the usual columns, loggers and exporters (so it must not add them again).
/// </summary>
/// <remarks>
/// The job is deliberately short (1 launch, 3 warmup and 5 measured iterations): the reference machine is a
/// 2-core shared box, and the figures are for spotting order-of-magnitude regressions and checking goals, not for
/// resolving 2% differences. Pass <c>--job</c> on the command line only to add another job on top of this one.
/// </remarks>
public sealed class BenchConfig : ManualConfig
{
    /// <summary>Name of the job in the summary table.</summary>
    public const string JobName = "Short-WksGC";

    /// <summary>Creates the configuration.</summary>
    public BenchConfig()
    {
        AddDiagnoser(MemoryDiagnoser.Default);

        // A Debug build or an attached debugger makes every figure meaningless: fail instead of warning.
        AddValidator(JitOptimizationsValidator.FailOnError);

        AddJob(Job.Default
            .WithId(JobName)
            .WithLaunchCount(1)
            .WithWarmupCount(3)
            .WithIterationCount(5)
            // Workstation, non-concurrent GC, pinned rather than inherited from the environment or the
            // runtimeconfig: background GC threads and server-GC heaps per core change when and how much the
            // collector runs, which makes the Allocated and Gen0 columns drift between runs and machines. With
            // one heap and no background collection the allocation figures are stable and comparable with the
            // budgets in allocation-budgets.json (and a 2-core machine gains nothing from server GC anyway).
            .WithGcServer(false)
            .WithGcConcurrent(false)
            .AsDefault());
    }
}
