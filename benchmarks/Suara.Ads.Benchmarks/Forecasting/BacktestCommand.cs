using System.Diagnostics;
using System.Globalization;
using Suara.Ads.Testing;

namespace Suara.Ads.Benchmarks.Forecasting;

/// <summary>
/// <c>--backtest [--requests N] [--rate R] [--seed S]</c>: forecasts a week of generated traffic (known weekly pattern) from
/// the four weeks before it and prints each campaign's forecast beside what it delivered (benchmarks/RESULTS.md).
/// </summary>
internal static class BacktestCommand
{
    public static void Run(string[] args)
    {
        var requests = 20_000;
        var rate = 0.1;
        var seed = 14;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--requests": requests = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--rate": rate = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                case "--seed": seed = int.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]}; use --requests N --rate R --seed S");
            }
        }

        var started = Stopwatch.GetTimestamp();
        var result = GeneratedBacktest.Run(requests, rate, seed);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Backtest: week of {result.WeekStart:yyyy-MM-dd} forecast from {result.RecordedDays} recorded days ({requests} requests on a full weekday, sample rate {rate}, seed {seed}); {result.Replayed} sampled requests replayed; {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s in all"));
        Console.WriteLine("| campaign | forecast | delivered | error |");
        Console.WriteLine("|---|---:|---:|---:|");
        foreach (var row in result.Rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {row.CampaignId} | {row.Forecast:N0} | {row.Delivered:N0} | {row.Error:P1}{(row.Forecast < 1_000 ? " (under 1,000)" : "")} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Campaigns forecast at 1,000+ impressions: {result.Held.Count()}; largest error {result.MaxError:P1}; mean error weighted by delivery {result.WeightedError:P1}"));
    }
}
