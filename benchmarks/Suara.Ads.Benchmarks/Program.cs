using BenchmarkDotNet.Running;
using Suara.Ads.Benchmarks;

if (args.Length > 0 && args[0] == "--probe")
{
    Probe.Run(args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
