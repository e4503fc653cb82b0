using BenchmarkDotNet.Running;
using Suara.Ads.Benchmarks;
using Suara.Ads.Benchmarks.Counting;

if (args.Length > 0 && args[0] == "--probe")
{
    Probe.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "--rebuild")
{
    Suara.Ads.Benchmarks.Selection.RebuildHarness.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "--load-probe")
{
    Suara.Ads.Benchmarks.Catalogs.LoadProbe.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "--apply-probe")
{
    Suara.Ads.Benchmarks.Catalogs.ApplyProbe.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "--report")
{
    await ReportHarness.RunAsync(args[1..]).ConfigureAwait(false);
    return;
}

if (args.Length > 0 && args[0] == "--console")
{
    await Suara.Ads.Benchmarks.AdOps.ConsoleHarness.RunAsync(args[1..]).ConfigureAwait(false);
    return;
}

if (args.Length > 0 && args[0] == "--counting")
{
    await CountingHarness.RunAsync(args[1..]).ConfigureAwait(false);
    return;
}

if (args.Length > 0 && args[0] == "--backtest")
{
    Suara.Ads.Benchmarks.Forecasting.BacktestCommand.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "--forecast")
{
    Suara.Ads.Benchmarks.Forecasting.ForecastTimingCommand.Run(args[1..]);
    return;
}

// benchmarks/http.sh: the seed catalog and the decision requests it sends with wrk (Http/HttpFixtures.cs).
if (args.Length > 0 && args[0] == "--write-catalog")
{
    Suara.Ads.Benchmarks.Http.HttpFixtures.WriteCatalog(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "--write-requests")
{
    Suara.Ads.Benchmarks.Http.HttpFixtures.WriteRequests(args[1..]);
    return;
}

// Probe rather than Program: the referenced server project has a public Program class too.
BenchmarkSwitcher.FromAssembly(typeof(Probe).Assembly).Run(args);
