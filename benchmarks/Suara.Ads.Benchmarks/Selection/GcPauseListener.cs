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

    /// <summary>The longest pause and the number of pauses since the last <see cref="Reset"/>.</summary>
    public (TimeSpan Longest, int Pauses) Read()
    {
        lock (_gate)
        {
            return (_longest, _pauses);
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _longest = TimeSpan.Zero;
            _pauses = 0;
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
                }

                break;
            case "GCRestartEEEnd_V1":
                lock (_gate)
                {
                    if (_suspended != default)
                    {
                        var pause = eventData.TimeStamp - _suspended;
                        _longest = pause > _longest ? pause : _longest;
                        _pauses++;
                        _suspended = default;
                    }
                }

                break;
        }
    }
}
