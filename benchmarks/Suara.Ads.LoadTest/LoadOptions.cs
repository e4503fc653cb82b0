using System.Globalization;
using System.Net;

namespace Suara.Ads.LoadTest;

/// <summary>Command-line options of the harness, validated: loopback only, bounded duration and concurrency.</summary>
internal sealed record LoadOptions
{
    public const int MaxDurationSeconds = 120;
    public const int MaxWarmupSeconds = 60;
    public const int MaxConcurrency = 256;

    public required Uri BaseUrl { get; init; }
    public int DurationSeconds { get; init; } = 20;
    public int WarmupSeconds { get; init; } = 5;
    public int Concurrency { get; init; } = 16;
    public bool Events { get; init; }

    public const string Usage =
        "usage: Suara.Ads.LoadTest --url http://127.0.0.1:PORT [--duration 20] [--concurrency 16] [--warmup 5] [--events]\n" +
        "  --url          the ad server; loopback only (127.0.0.0/8, ::1, localhost)\n" +
        "  --duration     measured seconds, 1-120 (default 20)\n" +
        "  --concurrency  workers, one request in flight each, 1-256 (default 16)\n" +
        "  --warmup       seconds of unmeasured traffic first, 0-60 (default 5)\n" +
        "  --events       also GET the impressionUrl of every filled slot, as a page would";

    /// <summary>Parses <paramref name="args"/>; on a bad argument returns null and an error message.</summary>
    public static LoadOptions? Parse(string[] args, out string? error)
    {
        error = null;
        Uri? url = null;
        int duration = 20, warmup = 5, concurrency = 16;
        var events = false;
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string Next()
            {
                if (i + 1 >= args.Length)
                {
                    throw new FormatException($"{arg} needs a value");
                }

                return args[++i];
            }

            try
            {
                switch (arg)
                {
                    case "--url":
                        url = new Uri(Next(), UriKind.Absolute);
                        break;
                    case "--duration":
                        duration = Bounded(arg, Next(), 1, MaxDurationSeconds);
                        break;
                    case "--warmup":
                        warmup = Bounded(arg, Next(), 0, MaxWarmupSeconds);
                        break;
                    case "--concurrency":
                        concurrency = Bounded(arg, Next(), 1, MaxConcurrency);
                        break;
                    case "--events":
                        events = true;
                        break;
                    case "--explain-key":
                        // Accepted for symmetry with the brief, not used: explain decisions are dry runs.
                        Next();
                        break;
                    default:
                        throw new FormatException($"unknown argument '{arg}'");
                }
            }
            catch (FormatException ex)
            {
                error = ex is UriFormatException ? $"--url: {ex.Message}" : ex.Message;
                return null;
            }
        }

        if (url is null)
        {
            error = "--url is required";
            return null;
        }

        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            error = $"--url must be http or https, not '{url.Scheme}'";
            return null;
        }

        if (!IsLoopback(url))
        {
            error = $"--url must point at this machine's loopback (127.0.0.0/8, ::1 or localhost), not '{url.Host}'";
            return null;
        }

        // "localhost" is pinned to 127.0.0.1 so that no name resolution can send the traffic elsewhere.
        var authority = string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase)
            ? $"{url.Scheme}://127.0.0.1:{url.Port}/"
            : url.GetLeftPart(UriPartial.Authority) + "/";
        return new LoadOptions
        {
            BaseUrl = new Uri(authority),
            DurationSeconds = duration,
            WarmupSeconds = warmup,
            Concurrency = concurrency,
            Events = events,
        };
    }

    private static bool IsLoopback(Uri url)
    {
        if (string.Equals(url.Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var host = url.HostNameType == UriHostNameType.IPv6 ? url.Host.Trim('[', ']') : url.Host;
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }

    private static int Bounded(string name, string text, int min, int max)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new FormatException($"{name} must be a whole number from {min} to {max}, not '{text}'");
        }

        return value;
    }
}
