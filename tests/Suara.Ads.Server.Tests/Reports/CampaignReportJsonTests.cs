using System.Buffers.Text;
using Suara.Ads.Server.Reports;

namespace Suara.Ads.Server.Tests.Reports;

/// <summary>The streamed campaign report's number text (its bytes against the serializer's: <see cref="PackedDaysTests"/>).</summary>
public sealed class CampaignReportJsonTests
{
    [Fact]
    public void WriteRate_WritesEveryRateFrom0To2_AsTheFormatterDoes()
    {
        Span<byte> expected = stackalloc byte[64];
        Span<byte> actual = stackalloc byte[64];
        for (var millionths = 0; millionths <= 2_000_000; millionths++)
        {
            var rate = Math.Round(millionths / 1_000_000d, 6);
            Assert.True(Utf8Formatter.TryFormat(rate, expected, out var e));
            var a = CampaignReportJson.WriteRate(rate, actual);
            if (!actual[..a].SequenceEqual(expected[..e]))
            {
                Assert.Fail($"{millionths} millionths: expected {System.Text.Encoding.ASCII.GetString(expected[..e])}, wrote {System.Text.Encoding.ASCII.GetString(actual[..a])}");
            }
        }
    }

    [Fact]
    public void WriteRate_OfRatesAsReportsMakeThem_AndOfOthers_IsTheFormattersText()
    {
        var random = new Random(5);
        Span<byte> expected = stackalloc byte[64];
        Span<byte> actual = stackalloc byte[64];
        var rates = Enumerable.Range(0, 100_000).Select(_ => ReportCounts.Rate(random.Next(0, 5_000), random.Next(1, 5_000_000)))
            .Concat([0.1 + 0.2, 1e-7, 3.5e15, 123456789.123456, double.Epsilon]);
        foreach (var rate in rates)
        {
            Assert.True(Utf8Formatter.TryFormat(rate, expected, out var e));
            var a = CampaignReportJson.WriteRate(rate, actual);
            Assert.Equal(System.Text.Encoding.ASCII.GetString(expected[..e]), System.Text.Encoding.ASCII.GetString(actual[..a]));
        }
    }
}
