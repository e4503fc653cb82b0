using Suara.Ads.Core.Selection;

namespace Suara.Ads.Core.Forecasting;

/// <summary>One sampled request ready to replay.</summary>
/// <param name="Request">The request as the engine takes it (sharing interned strings, sets and slot lists).</param>
/// <param name="Seconds">Seconds since the site-local midnight.</param>
/// <param name="Viewer">The sampled viewer's number in its <see cref="SampleCompiler"/>; -1 for none.</param>
internal readonly record struct ReplayRequest(DecisionRequest Request, int Seconds, int Viewer);
