using System.Diagnostics.Tracing;

namespace Suara.Ads.Benchmarks.Selection;

/// <summary>
/// Every garbage collection's pause in this process, from the runtime's own events (the threads suspended at
/// <c>GCSuspendEEBegin</c>, running again at <c>GCRestartEEEnd</c>): the longest single pause, not only their sum,
/// which is what says whether a decision on another thread can have waited more than a few milliseconds.
/// </summary>
internal sealed class GcPauseListener : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly object _gate = new();
    private DateTime _suspended;
    private TimeSpan _longest;
    private int _pauses;
    private string _collecting = "";
    private string _longestCause = "";

    /// <summary>The longest pause and the number of pauses since the last <see cref="Reset"/>.</summary>
    public (TimeSpan Longest, int Pauses) Read()
    {
        lock (_gate)
        {
            return (_longest, _pauses);
        }
    }

    /// <summary>The collections that ran in the longest pause: generation, reason and type (from <c>GCStart</c>).</summary>
    public string LongestCause()
    {
        lock (_gate)
        {
            return _longestCause;
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _longest = TimeSpan.Zero;
            _pauses = 0;
            _longestCause = "";
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Informational, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        switch (eventData.EventName)
        {
            case "GCSuspendEEBegin_V1":
                lock (_gate)
                {
                    _suspended = eventData.TimeStamp;
                    _collecting = "";
                }

                break;
            case "GCStart_V2":
                lock (_gate)
                {
                    _collecting += (_collecting.Length > 0 ? ", " : "") + Describe(eventData);
                }

                break;
            case "GCRestartEEEnd_V1":
                lock (_gate)
                {
                    if (_suspended != default)
                    {
                        var pause = eventData.TimeStamp - _suspended;
                        if (pause > _longest)
                        {
                            _longest = pause;
                            _longestCause = _collecting.Length > 0 ? _collecting : "no GCStart in it: the later suspension of a background gen2, or a suspension for something else";
                        }

                        _pauses++;
                        _suspended = default;
                    }
                }

                break;
        }
    }

    private static string Describe(EventWrittenEventArgs start)
    {
        object? Field(string name) => start.PayloadNames?.IndexOf(name) is >= 0 and var i ? start.Payload?[i] : null;
        var reason = Convert.ToInt32(Field("Reason"), System.Globalization.CultureInfo.InvariantCulture) switch
        {
            0 => "small allocations",
            1 => "induced",
            4 => "large allocations",
            5 => "out of space (SOH)",
            6 => "out of space (LOH)",
            7 => "induced, not forced",
            10 => "induced compacting",
            var other => $"reason {other}",
        };
        var type = Convert.ToInt32(Field("Type"), System.Globalization.CultureInfo.InvariantCulture) switch
        {
            0 => "blocking",
            1 => "background",
            2 => "foreground",
            var other => $"type {other}",
        };
        return $"gen{Field("Depth")} {type}, {reason}";
    }
}
