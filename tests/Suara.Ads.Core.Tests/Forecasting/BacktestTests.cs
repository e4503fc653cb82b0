using Suara.Ads.Testing;
using Xunit.Abstractions;

namespace Suara.Ads.Core.Tests.Forecasting;

/// <summary>Issue 14: forecasting a past week from the four before it, on generated traffic with a known weekly pattern.</summary>
public sealed class BacktestTests
{
    private readonly ITestOutputHelper _output;

    public BacktestTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Backtest_GeneratedWeeklyTraffic_ForecastsEachCampaignWithin10Percent()
    {
        var result = GeneratedBacktest.Run();

        foreach (var row in result.Rows)
        {
            _output.WriteLine($"{row.CampaignId,-16} forecast {row.Forecast,10:0} delivered {row.Delivered,10:0} error {row.Error,6:P1}");
        }

        _output.WriteLine($"max error {result.MaxError:P1}, weighted {result.WeightedError:P1}, {result.Replayed} replayed");
        Assert.Equal(28, result.RecordedDays);
        Assert.True(result.Held.Count() >= 6, "most campaigns forecast at least 1,000 impressions");
        Assert.All(result.Held, row => Assert.True(row.Error <= 0.10, $"{row.CampaignId}: forecast {row.Forecast:0}, delivered {row.Delivered:0} ({row.Error:P1})"));
    }
}
