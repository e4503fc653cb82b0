namespace Suara.Ads.Core.Devices;

/// <summary>What a User-Agent string says about the viewer's device.</summary>
/// <param name="Device"><c>desktop</c>, <c>mobile</c> or <c>tablet</c>.</param>
/// <param name="Os">OS family in lower case (<c>android</c>, <c>ios</c>, <c>ipados</c>, <c>windows</c>, <c>macos</c>, <c>linux</c>, <c>chromeos</c>, …), or <c>other</c>. The full set is in <c>docs/devices.md</c>.</param>
/// <param name="Browser">Browser family in lower case (<c>chrome</c>, <c>safari</c>, <c>firefox</c>, <c>edge</c>, <c>samsung</c>, <c>opera</c>, …), or <c>other</c>. In-app webviews are named after the app (<c>facebook</c>, <c>instagram</c>).</param>
/// <param name="IsBot">Whether the agent is a crawler, monitor or other non-human client.</param>
public readonly record struct UserAgentInfo(string Device, string Os, string Browser, bool IsBot);
