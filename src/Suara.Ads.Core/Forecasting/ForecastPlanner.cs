namespace Suara.Ads.Core.Forecasting;

/// <summary>
/// Chooses the recorded days that stand for each forecast day: per site, the most recent recorded days of the same
/// weekday (up to <see cref="Weeks"/>), averaged; for a weekday never recorded yet (a sample younger than a week), the
/// most recent recorded days of any weekday.
/// </summary>
public static class ForecastPlanner
{
    /// <summary>How many recorded weeks stand for one forecast day at most.</summary>
    public const int Weeks = 4;

    /// <summary>
    /// The days from <paramref name="simulateFrom"/> to <paramref name="to"/>, those from <paramref name="from"/> on
    /// reported, each with its sources among <paramref name="recorded"/>.
    /// </summary>
    public static IReadOnlyList<ForecastDay> Plan(IReadOnlyList<SampleDay> recorded, DateOnly simulateFrom, DateOnly from, DateOnly to, int weeks = Weeks)
    {
        var bySite = recorded.Where(d => d.RecordCount > 0)
            .GroupBy(d => d.Site, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(d => d.Date).ToArray())
            .ToArray();
        var days = new List<ForecastDay>();
        for (var date = simulateFrom; date <= to; date = date.AddDays(1))
        {
            var sources = new List<ForecastSource>();
            foreach (var site in bySite)
            {
                var chosen = site.Where(d => d.Date.DayOfWeek == date.DayOfWeek).Take(weeks).ToArray();
                if (chosen.Length == 0)
                {
                    chosen = site.Take(weeks).ToArray();
                }

                for (var r = 0; r < chosen.Length; r++)
                {
                    sources.Add(new ForecastSource(chosen[r], 1.0 / chosen.Length, r));
                }
            }

            days.Add(new ForecastDay(date, date >= from, sources));
        }

        return days;
    }
}
