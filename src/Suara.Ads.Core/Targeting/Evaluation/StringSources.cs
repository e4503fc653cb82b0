namespace Suara.Ads.Core.Targeting.Evaluation;

/// <summary>
/// The string fields of <see cref="TargetingContext"/> as <see cref="IStringSource"/> structs.
/// PERF: as struct type arguments they make the JIT emit one specialized, inlined field read per evaluator.
/// </summary>
internal static class StringSources
{
    internal readonly struct Country : IStringSource
    {
        public string Read(TargetingContext context) => context.Country;
    }

    internal readonly struct Region : IStringSource
    {
        public string Read(TargetingContext context) => context.Region;
    }

    internal readonly struct Device : IStringSource
    {
        public string Read(TargetingContext context) => context.Device;
    }

    internal readonly struct Os : IStringSource
    {
        public string Read(TargetingContext context) => context.Os;
    }

    internal readonly struct Browser : IStringSource
    {
        public string Read(TargetingContext context) => context.Browser;
    }

    internal readonly struct Language : IStringSource
    {
        public string Read(TargetingContext context) => context.Language;
    }

    internal readonly struct Site : IStringSource
    {
        public string Read(TargetingContext context) => context.Site;
    }

    internal readonly struct Placement : IStringSource
    {
        public string Read(TargetingContext context) => context.Placement;
    }

    internal readonly struct Section : IStringSource
    {
        public string Read(TargetingContext context) => context.Section;
    }

    internal readonly struct Url : IStringSource
    {
        public string Read(TargetingContext context) => context.Url;
    }

    internal readonly struct Path : IStringSource
    {
        public string Read(TargetingContext context) => context.Path;
    }

    internal readonly struct Referrer : IStringSource
    {
        public string Read(TargetingContext context) => context.Referrer;
    }

    /// <summary><c>kv.NAME</c>: the value of one key, or the empty string when the page did not send it.</summary>
    internal readonly struct Kv(string key) : IStringSource
    {
        private readonly string _key = key;

        public string Read(TargetingContext context) =>
            context.Kv.TryGetValue(_key, out string? value) ? value ?? "" : "";
    }
}
