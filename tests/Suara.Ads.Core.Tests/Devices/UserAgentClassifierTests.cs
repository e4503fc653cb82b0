using CsCheck;
using Suara.Ads.Core.Devices;

namespace Suara.Ads.Core.Tests.Devices;

public sealed class UserAgentClassifierTests
{
    private static readonly string[] s_devices = ["desktop", "mobile", "tablet"];

    private static readonly string[] s_oses =
        ["android", "ios", "ipados", "windows", "windowsphone", "macos", "linux", "chromeos", "kaios", "tizen", "webos", "other"];

    private static readonly string[] s_browsers =
    [
        "chrome", "safari", "firefox", "edge", "samsung", "opera", "ucbrowser", "miui", "huawei", "yandex", "silk",
        "ie", "facebook", "instagram", "other",
    ];

    private static readonly Lazy<IReadOnlyList<CorpusRow>> s_corpus = new(LoadCorpus);

    public static TheoryData<string, string, string, string, bool> Corpus()
    {
        var data = new TheoryData<string, string, string, string, bool>();
        foreach (var row in s_corpus.Value)
        {
            data.Add(row.Ua, row.Device, row.Os, row.Browser, row.IsBot);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Classify_CorpusUserAgent_MatchesExpectedRow(string ua, string device, string os, string browser, bool isBot)
    {
        var info = UserAgentClassifier.Classify(ua);

        Assert.Equal(new UserAgentInfo(device, os, browser, isBot), info);
    }

    [Fact]
    public void LoadCorpus_TestData_HasAtLeast80RowsAnd15Bots()
    {
        var rows = s_corpus.Value;

        Assert.True(rows.Count >= 80, $"only {rows.Count} rows");
        Assert.True(rows.Count(r => r.IsBot) >= 15, "fewer than 15 bots");
        foreach (var device in s_devices)
        {
            Assert.Contains(rows, r => r.Device == device);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t")]
    public void Classify_NullOrBlank_IsUnknownDesktopNotBot(string? ua)
    {
        var info = UserAgentClassifier.Classify(ua);

        Assert.Equal(new UserAgentInfo("desktop", "other", "other", false), info);
        Assert.Equal(UserAgentClassifier.Unknown, info);
    }

    [Theory]
    [InlineData("asdfghjkl")]
    [InlineData("\u0000\u0001\u0002")]
    [InlineData("🙂🙂🙂")]
    [InlineData("()/;;;")]
    public void Classify_Garbage_IsUnknownDesktopNotBot(string ua)
    {
        Assert.Equal(UserAgentClassifier.Unknown, UserAgentClassifier.Classify(ua));
    }

    [Fact]
    public void Classify_TokensAfterFirst1024Chars_AreIgnored()
    {
        var padding = new string('x', UserAgentClassifier.MaxExaminedLength);

        var info = UserAgentClassifier.Classify(padding + " (iPhone; CPU iPhone OS 18_1 like Mac OS X) Googlebot/2.1 Safari/604.1");

        Assert.Equal(UserAgentClassifier.Unknown, info);
    }

    [Fact]
    public void Classify_TokensWithinFirst1024CharsOfLongInput_AreUsed()
    {
        const string Iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
        var ua = Iphone + new string(' ', 100_000) + "Googlebot/2.1";

        var info = UserAgentClassifier.Classify(ua);

        Assert.Equal(new UserAgentInfo("mobile", "ios", "safari", false), info);
    }

    [Fact]
    public void Classify_TokenStraddlingTheLimit_IsIgnored()
    {
        // "Googlebot" starts 4 characters before the limit, so only "Goog" is examined.
        var ua = new string('x', UserAgentClassifier.MaxExaminedLength - 4) + "Googlebot/2.1";

        Assert.False(UserAgentClassifier.Classify(ua).IsBot);
    }

    [Theory]
    [InlineData("MOZILLA/5.0 (IPHONE; CPU IPHONE OS 18_1 LIKE MAC OS X) APPLEWEBKIT/605.1.15 VERSION/18.1 MOBILE/15E148 SAFARI/604.1", "mobile", "ios", "safari", false)]
    [InlineData("GOOGLEBOT/2.1 (+HTTP://WWW.GOOGLE.COM/BOT.HTML)", "desktop", "other", "other", true)]
    public void Classify_UpperCaseInput_MatchesIgnoringCase(string ua, string device, string os, string browser, bool isBot)
    {
        Assert.Equal(new UserAgentInfo(device, os, browser, isBot), UserAgentClassifier.Classify(ua));
    }

    [Fact]
    public void Classify_Corpus_DoesNotAllocate()
    {
        var uas = s_corpus.Value.Select(r => r.Ua).Append(new string('y', 5000)).Append("").ToArray();
        // Warm up well past tiered compilation's thresholds: statics, JIT, tier-up (which may allocate once).
        for (var i = 0; i < 300; i++)
        {
            foreach (var ua in uas)
            {
                UserAgentClassifier.Classify(ua);
            }
        }

        // The least of three rounds: code that allocates does so every round, while a one-off runtime allocation
        // (tier-up, on-stack replacement) lands in one round at most.
        var allocated = long.MaxValue;
        for (var round = 0; round < 3; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 100; i++)
            {
                foreach (var ua in uas)
                {
                    UserAgentClassifier.Classify(ua);
                }
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Classify_Corpus_ReturnsInternedStrings()
    {
        foreach (var row in s_corpus.Value)
        {
            var info = UserAgentClassifier.Classify(row.Ua);

            Assert.NotNull(string.IsInterned(info.Device));
            Assert.NotNull(string.IsInterned(info.Os));
            Assert.NotNull(string.IsInterned(info.Browser));
        }
    }

    [Fact]
    public void Classify_RandomStrings_NeverThrowAndStayInValueSets()
    {
        Gen.String.Sample(ua =>
        {
            var info = UserAgentClassifier.Classify(ua);
            return s_devices.Contains(info.Device) && s_oses.Contains(info.Os) && s_browsers.Contains(info.Browser);
        });
    }

    [Fact]
    public void Classify_Corpus_StaysInDocumentedValueSets()
    {
        foreach (var row in s_corpus.Value)
        {
            Assert.Contains(row.Device, s_devices);
            Assert.Contains(row.Os, s_oses);
            Assert.Contains(row.Browser, s_browsers);
        }
    }

    private static List<CorpusRow> LoadCorpus()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "user-agents.tsv");
        var rows = new List<CorpusRow>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0 || line.StartsWith('#') || line.StartsWith("ua\t", StringComparison.Ordinal))
            {
                continue;
            }

            var cells = line.Split('\t');
            if (cells.Length != 5)
            {
                throw new InvalidDataException($"Expected 5 tab-separated columns: {line}");
            }

            rows.Add(new CorpusRow(cells[0], cells[1], cells[2], cells[3], bool.Parse(cells[4])));
        }

        return rows;
    }

    private sealed record CorpusRow(string Ua, string Device, string Os, string Browser, bool IsBot);
}
