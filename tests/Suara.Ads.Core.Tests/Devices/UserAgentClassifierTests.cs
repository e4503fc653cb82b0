using CsCheck;
using Suara.Ads.Core.Devices;
using Suara.Ads.Core.Tests.Support;

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

    public static TheoryData<string, string, string, string, bool> Corpus()
    {
        var data = new TheoryData<string, string, string, string, bool>();
        foreach (var row in UserAgentCorpus.Rows)
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
        var rows = UserAgentCorpus.Rows;

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

    // Device, OS and browser tokens match ignoring case. The bot flag does not: it follows the crawler list, whose
    // patterns are case-sensitive (they name e.g. both "[wW]get" spellings where both occur), so an all-caps
    // "GOOGLEBOT/2.1" is not a bot. It was with the old hand-written ignore-case tokens; real Googlebot sends "Googlebot".
    [Theory]
    [InlineData("MOZILLA/5.0 (IPHONE; CPU IPHONE OS 18_1 LIKE MAC OS X) APPLEWEBKIT/605.1.15 VERSION/18.1 MOBILE/15E148 SAFARI/604.1", "mobile", "ios", "safari", false)]
    [InlineData("GOOGLEBOT/2.1 (+HTTP://WWW.GOOGLE.COM/BOT.HTML)", "desktop", "other", "other", false)]
    [InlineData("Googlebot/2.1 (+http://www.google.com/bot.html)", "desktop", "other", "other", true)]
    public void Classify_UpperCaseInput_MatchesTokensIgnoringCaseAndBotsByTheCaseSensitiveList(string ua, string device, string os, string browser, bool isBot)
    {
        Assert.Equal(new UserAgentInfo(device, os, browser, isBot), UserAgentClassifier.Classify(ua));
    }

    [Theory]
    [InlineData("Java/17.0.9", true)]
    [InlineData("PostmanRuntime/7.42.0", true)]
    [InlineData("Mozilla/5.0 (compatible; Java/17.0.9)", false)] // The supplementary entries are prefixes.
    [InlineData("Mozilla/5.0 (Linux; Android 11; CUBOT NOTE 20 PRO) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.163 Mobile Safari/537.36", false)]
    [InlineData("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", true)]
    public void Classify_SupplementaryClientsAndListEdges_SetIsBot(string ua, bool isBot)
    {
        Assert.Equal(isBot, UserAgentClassifier.Classify(ua).IsBot);
    }

    [Fact]
    public void Classify_Corpus_DoesNotAllocate()
    {
        var uas = UserAgentCorpus.Rows.Select(r => r.Ua).Append(new string('y', 5000)).Append("").ToArray();

        // Warm up well past tiered compilation's thresholds, then 100 passes over the corpus.
        var allocated = Allocations.LeastOfThreeRounds(
            () =>
            {
                foreach (var ua in uas)
                {
                    UserAgentClassifier.Classify(ua);
                }
            },
            warmUps: 300,
            times: 100);

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Classify_Corpus_ReturnsInternedStrings()
    {
        foreach (var row in UserAgentCorpus.Rows)
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
        foreach (var row in UserAgentCorpus.Rows)
        {
            Assert.Contains(row.Device, s_devices);
            Assert.Contains(row.Os, s_oses);
            Assert.Contains(row.Browser, s_browsers);
        }
    }

    [Fact]
    public void Classify_Remembered_IsWhatTheRulesSay_AskedAgain_AndPastTheBound()
    {
        // Every corpus row asked three times (first from the rules, then remembered), among more distinct User-Agents
        // than are remembered (so the memory is emptied and filled again in between), and as IsBot.
        var rows = UserAgentCorpus.Rows;
        for (var round = 0; round < 3; round++)
        {
            foreach (var row in rows)
            {
                var expected = new UserAgentInfo(row.Device, row.Os, row.Browser, row.IsBot);
                Assert.Equal(expected, UserAgentClassifier.Classify(row.Ua));
                Assert.Equal(row.IsBot, UserAgentClassifier.IsBot(row.Ua));
            }

            for (var i = 0; i < UserAgentClassifier.MaxRemembered; i++)
            {
                var ua = $"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/{round}.{i}";
                Assert.Equal(UserAgentClassifier.ClassifyNow(ua), UserAgentClassifier.Classify(ua));
            }
        }
    }

    [Fact]
    public void Classify_ALongUserAgent_IsNotRemembered_ButClassifiedTheSame()
    {
        var ua = "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/126.0 Mobile Safari/537.36 " + new string('x', UserAgentClassifier.MaxRememberedLength);
        Assert.Equal(new UserAgentInfo("mobile", "android", "chrome", false), UserAgentClassifier.Classify(ua));
        Assert.Equal(UserAgentClassifier.ClassifyNow(ua), UserAgentClassifier.Classify(ua));
    }
}
