namespace Suara.Ads.Core.Forecasting;

/// <summary>One day to simulate: the recorded days that stand for it, each with its share.</summary>
/// <param name="Date">The day (site-local).</param>
/// <param name="Reported">Whether the day is in the forecast's range (else it only warms delivery up: goals, caps).</param>
/// <param name="Sources">The recorded days replayed for it.</param>
public sealed record ForecastDay(DateOnly Date, bool Reported, IReadOnlyList<ForecastSource> Sources);

/// <summary>A recorded day replayed for a forecast day.</summary>
/// <param name="Day">The recorded day.</param>
/// <param name="Weight">Its share of the forecast day (1 / the number of days of its site that stand for it).</param>
/// <param name="Replica">Its rank among them: a sampled viewer of replica r is a viewer of its own, and stays one across the forecast's days.</param>
public sealed record ForecastSource(SampleDay Day, double Weight, int Replica);
