namespace Suara.Ads.Core.Devices;

/// <summary>
/// Classifies User-Agent strings into device type, OS family, browser family and a bot flag. Device, OS and browser
/// come from small ordered rule tables (token → value) matched with ordinal ignore-case substring search; the bot flag
/// from <see cref="CrawlerDetector"/> (the public crawler-user-agents list, case-sensitive) and two supplementary
/// prefixes for HTTP clients that list lacks.
/// </summary>
/// <remarks>
/// <para>
/// Each table is read top to bottom and the first rule whose token occurs in the User-Agent wins, so the
/// order of the rows is the logic: Edge before Chrome, Samsung/Opera/UC before Chrome, Chrome before Safari,
/// iPad before iPhone, tablet tokens before <c>Mobi</c>, and a bare <c>Android</c> (no <c>Mobi</c>) last,
/// which makes it a tablet.
/// </para>
/// <para>
/// Only the first <see cref="MaxExaminedLength"/> characters are examined. Every returned string is one of
/// the interned constants of this class or of the tables, and <see cref="Classify(string?)"/> allocates
/// nothing for a User-Agent it remembers (the most recent few thousand). iPadOS 13+ Safari in its default desktop mode sends a Macintosh User-Agent and is classified as a
/// macOS desktop; the request's own <c>device</c> field, when present, overrides the classification.
/// </para>
/// </remarks>
public static class UserAgentClassifier
{
    /// <summary>How many leading characters of a User-Agent are examined; the rest is ignored.</summary>
    public const int MaxExaminedLength = 1024;

    /// <summary>Device value for desktops, laptops, TVs, consoles and unknown devices.</summary>
    public const string Desktop = "desktop";

    /// <summary>Device value for phones.</summary>
    public const string Mobile = "mobile";

    /// <summary>Device value for tablets.</summary>
    public const string Tablet = "tablet";

    /// <summary>OS or browser value when no rule matched.</summary>
    public const string Other = "other";

    /// <summary>What a missing, empty or unrecognised User-Agent classifies as.</summary>
    public static readonly UserAgentInfo Unknown = new(Desktop, Other, Other, false);

    // Non-browser HTTP clients the vendored crawler list lacks (checked against crawler-user-agents 1.60.0), as
    // case-sensitive prefixes, the way those clients send them. Documented in Devices/Crawlers/README.md; drop an entry
    // once the list covers it (CrawlerDetectorTests says when).
    private static readonly string[] s_supplementaryBotPrefixes =
    [
        "Java/",            // The JDK's HttpURLConnection default: "Java/17.0.9". The list has only Apache-HttpClient and HttpUrlConnection.
        "PostmanRuntime/",  // Postman and Newman: "PostmanRuntime/7.42.0".
    ];

    // Device rules. Bots skip this table: a bot is mobile when it says "Mobi", otherwise desktop.
    private static readonly (string Token, string Value)[] s_deviceRules =
    [
        ("Windows Phone", Mobile),  // Before Android/iPhone: WP UAs also claim both.
        ("iPad", Tablet),
        ("iPhone", Mobile),
        ("iPod", Mobile),
        ("Kindle", Tablet),
        ("Silk/", Tablet),          // Amazon Fire tablets, including Silk's desktop mode (Macintosh UA).
        ("PlayBook", Tablet),
        ("Tablet", Tablet),         // Firefox for Android tablets: "(Android 13; Tablet; rv:...)".
        ("Mobi", Mobile),           // "Mobile" and Opera's "Mobi".
        ("Opera Mini", Mobile),     // Presto Opera Mini: "(Android; Opera Mini/...)" without "Mobi".
        ("SMART-TV", Desktop),      // TVs are not tablets even when they run Android or Tizen.
        ("SmartTV", Desktop),
        ("Android TV", Desktop),
        ("Android", Tablet),        // Android without "Mobi" is a tablet.
    ];

    private static readonly (string Token, string Value)[] s_osRules =
    [
        ("Windows Phone", "windowsphone"),
        ("iPad", "ipados"),
        ("iPhone", "ios"),
        ("iPod", "ios"),
        ("KAIOS", "kaios"),         // Before Android: KaiOS UAs say "Android".
        ("CrOS", "chromeos"),       // Before Linux: "X11; CrOS x86_64".
        ("Android", "android"),
        ("Silk/", "android"),       // Fire OS is Android; Silk's desktop mode claims Macintosh.
        ("Tizen", "tizen"),
        ("Web0S", "webos"),
        ("webOS", "webos"),
        ("Windows", "windows"),
        ("Macintosh", "macos"),
        ("Mac OS X", "macos"),
        ("Linux", "linux"),
    ];

    // In-app webviews map to the app (facebook, instagram), not to the engine underneath.
    private static readonly (string Token, string Value)[] s_browserRules =
    [
        ("Instagram", "instagram"),
        ("FBAN/", "facebook"),
        ("FBAV/", "facebook"),
        ("FB_IAB", "facebook"),
        ("Edg/", "edge"),
        ("EdgA/", "edge"),
        ("EdgiOS/", "edge"),
        ("Edge/", "edge"),
        ("OPR/", "opera"),
        ("OPiOS/", "opera"),
        ("OPT/", "opera"),
        ("Opera", "opera"),
        ("SamsungBrowser", "samsung"),
        ("UCBrowser", "ucbrowser"),
        ("UCWEB", "ucbrowser"),
        ("MiuiBrowser", "miui"),
        ("HuaweiBrowser", "huawei"),
        ("YaBrowser", "yandex"),
        ("Silk/", "silk"),          // Before Chrome: "Silk/... like Chrome/...".
        ("Trident/", "ie"),
        ("MSIE ", "ie"),
        ("FxiOS/", "firefox"),
        ("Firefox/", "firefox"),
        ("CriOS/", "chrome"),
        ("Chrome/", "chrome"),      // Also HeadlessChrome and Chromium.
        ("Tizen", "samsung"),       // Tizen TVs' built-in browser, which does not always say so.
        ("Android", Other),         // Pre-Chrome AOSP browser: "Version/4.0 Mobile Safari" without Chrome.
        ("Safari/", "safari"),
    ];

    /// <summary>The prefixes that mark a bot besides <see cref="CrawlerDetector"/>: HTTP clients its list lacks.</summary>
    internal static IReadOnlyList<string> SupplementaryBotPrefixes => s_supplementaryBotPrefixes;

    /// <summary>The most User-Agents whose classification is remembered (<see cref="Classify(string?)"/>).</summary>
    internal const int MaxRemembered = 4_096;

    /// <summary>The longest User-Agent remembered: longer ones (rare, and what a flood would send) are classified each time.</summary>
    internal const int MaxRememberedLength = 512;

    // Traffic repeats a few hundred User-Agents; every request asks twice (invalid traffic, then targeting), and the
    // crawler list is the larger part of the work (at most 4,096 strings of at most 512 characters, about 4 MB).
    private static readonly Utilities.BoundedMemo<UserAgentInfo> s_remembered = new(ClassifyNow, MaxRemembered, MaxRememberedLength);

    /// <summary>Classifies <paramref name="userAgent"/>; a missing or empty one is a desktop of unknown OS and browser.</summary>
    /// <param name="userAgent">The raw User-Agent header; only its first <see cref="MaxExaminedLength"/> characters are read.</param>
    /// <returns>
    /// The classification: remembered for the most recent User-Agents (up to <see cref="MaxRemembered"/>), so a known
    /// one costs a lookup and allocates nothing.
    /// </returns>
    public static UserAgentInfo Classify(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return Unknown;
        }

        return s_remembered.Get(userAgent);
    }

    /// <summary>The classification, worked out from the rules (what <see cref="Classify(string?)"/> remembers).</summary>
    internal static UserAgentInfo ClassifyNow(string userAgent)
    {
        var ua = userAgent.AsSpan(0, Math.Min(userAgent.Length, MaxExaminedLength));
        var isBot = IsBot(ua);
        var device = isBot
            ? (ua.Contains("Mobi", StringComparison.OrdinalIgnoreCase) ? Mobile : Desktop)
            : Match(ua, s_deviceRules, Desktop);
        return new UserAgentInfo(device, Match(ua, s_osRules, Other), Match(ua, s_browserRules, Other), isBot);
    }

    private static string Match(ReadOnlySpan<char> ua, (string Token, string Value)[] rules, string fallback)
    {
        foreach (var (token, value) in rules)
        {
            if (ua.Contains(token, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return fallback;
    }

    /// <summary>
    /// Whether <paramref name="userAgent"/> is a known crawler or bot (the vendored list, plus the supplementary
    /// prefixes): <see cref="Classify(string?)"/>'s answer, remembered with the rest. A missing or empty one is not a bot.
    /// </summary>
    public static bool IsBot(string? userAgent) => Classify(userAgent).IsBot;

    private static bool IsBot(ReadOnlySpan<char> ua)
    {
        if (CrawlerDetector.IsCrawler(ua))
        {
            return true;
        }

        foreach (var prefix in s_supplementaryBotPrefixes)
        {
            if (ua.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
