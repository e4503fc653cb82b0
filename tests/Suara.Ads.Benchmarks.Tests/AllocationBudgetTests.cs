using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using BenchmarkDotNet.Attributes;
using Suara.Ads.Benchmarks.Selection;
using Suara.Ads.Testing;
using Xunit.Abstractions;

namespace Suara.Ads.Benchmarks.Tests;

/// <summary>
/// Holds every benchmark listed in benchmarks/allocation-budgets.json to its budget, in ./test.sh: the benchmark's own
/// class is set up as BenchmarkDotNet sets it up ([Params], [GlobalSetup]) and its method is run directly, counting the
/// bytes this thread allocates per operation (the least of three rounds, so a one-off tier-up allocation does not
/// count). Bytes, not time: the same on any machine. And the reverse: a benchmark added to a budgeted class without a
/// budget fails here.
/// </summary>
public sealed partial class AllocationBudgetTests(ITestOutputHelper output)
{
    [GeneratedRegex(@"^(?<type>[\w.]+)\.(?<method>\w+)(\((?<params>[^)]*)\))?$")]
    private static partial Regex BenchmarkName();

    private static readonly Assembly s_benchmarks = typeof(DecisionBenchmarks).Assembly;

    private static Dictionary<string, long> Budgets()
    {
        using var json = JsonDocument.Parse(RepositoryFiles.Read("benchmarks", "allocation-budgets.json"));
        return json.RootElement.GetProperty("budgets").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("budget").GetInt64());
    }

    public static TheoryData<string> BudgetedBenchmarks() => [.. Budgets().Keys];

    [Theory]
    [MemberData(nameof(BudgetedBenchmarks))]
    public void Benchmark_AllocatesWithinItsBudget(string name)
    {
        var budget = Budgets()[name];
        var match = BenchmarkName().Match(name);
        Assert.True(match.Success, $"not a BenchmarkDotNet name: {name}");
        var type = s_benchmarks.GetType(match.Groups["type"].Value) ?? throw new InvalidOperationException($"no benchmark class {match.Groups["type"].Value}");
        var method = type.GetMethod(match.Groups["method"].Value) ?? throw new InvalidOperationException($"no benchmark {name}");
        var instance = Activator.CreateInstance(type)!;
        foreach (var parameter in match.Groups["params"].Value.Split(", ", StringSplitOptions.RemoveEmptyEntries))
        {
            var (property, value) = (parameter[..parameter.IndexOf(':', StringComparison.Ordinal)], parameter[(parameter.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
            var target = type.GetProperty(property) ?? throw new InvalidOperationException($"no parameter {property} on {type.Name}");
            target.SetValue(instance, Convert.ChangeType(value, target.PropertyType, CultureInfo.InvariantCulture));
        }

        foreach (var setup in type.GetMethods().Where(m => m.GetCustomAttribute<GlobalSetupAttribute>() is not null))
        {
            setup.Invoke(instance, null);
        }

        var operationsPerInvoke = method.GetCustomAttribute<BenchmarkAttribute>()!.OperationsPerInvoke;
        var measure = typeof(AllocationBudgetTests).GetMethod(nameof(BytesPerInvocation), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(method.ReturnType);
        var perInvocation = (long)measure.Invoke(null, [method.CreateDelegate(typeof(Func<>).MakeGenericType(method.ReturnType), instance)])!;
        var perOperation = perInvocation / Math.Max(1, operationsPerInvoke);

        output.WriteLine($"{name}: {perOperation} bytes per operation (budget {budget})");
        Assert.True(perOperation <= budget, $"{name} allocates {perOperation} bytes per operation; its budget is {budget} (benchmarks/allocation-budgets.json)");
    }

    [Fact]
    public void BudgetedClasses_EveryBenchmarkHasABudget()
    {
        var budgets = Budgets();
        Assert.NotEmpty(budgets);
        var classes = budgets.Keys.Select(k => BenchmarkName().Match(k).Groups["type"].Value).Distinct().Select(t => s_benchmarks.GetType(t)!).ToArray();
        var missing = new List<string>();
        foreach (var type in classes)
        {
            var values = type.GetProperties().Where(p => p.GetCustomAttribute<ParamsAttribute>() is not null)
                .Select(p => p.GetCustomAttribute<ParamsAttribute>()!.Values.Select(v => $"{p.Name}: {v}").ToArray()).ToArray();
            foreach (var method in type.GetMethods().Where(m => m.GetCustomAttribute<BenchmarkAttribute>() is { Baseline: false }))
            {
                // One parameter at most per class here; a class with none has one name per method.
                var names = values.Length == 0
                    ? [$"{type.FullName}.{method.Name}"]
                    : values.Single().Select(v => $"{type.FullName}.{method.Name}({v})");
                missing.AddRange(names.Where(n => !budgets.ContainsKey(n) && !IsExempt(n)));
            }
        }

        Assert.True(missing.Count == 0, "benchmarks without an allocation budget: " + string.Join("; ", missing));
    }

    /// <summary>Exempt from the reverse check, with the reason in allocation-budgets.json's $comment.</summary>
    private static bool IsExempt(string name) =>
        name.StartsWith("Suara.Ads.Benchmarks.Counting.", StringComparison.Ordinal);

    private static long BytesPerInvocation<T>(Func<T> run)
    {
        // Warm up (tier-up, caches), then the least of three rounds.
        var rounds = 3;
        var started = DateTime.UtcNow;
        run();
        var slow = DateTime.UtcNow - started > TimeSpan.FromMilliseconds(20);
        var invocations = slow ? 1 : 2_000;
        for (var i = 0; i < (slow ? 1 : 1_000); i++)
        {
            run();
        }

        var least = long.MaxValue;
        for (var round = 0; round < rounds; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < invocations; i++)
            {
                run();
            }

            least = Math.Min(least, (GC.GetAllocatedBytesForCurrentThread() - before) / invocations);
        }

        return least;
    }
}
