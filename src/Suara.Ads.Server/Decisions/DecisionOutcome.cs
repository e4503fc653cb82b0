using System.Diagnostics.CodeAnalysis;
using Suara.Ads.Core.Selection;
using Suara.Ads.Core.Utilities;
using Suara.Ads.Server.Hosting;

namespace Suara.Ads.Server.Decisions;

/// <summary>What <see cref="DecisionPipeline.RunAsync"/> produced: a decision, or the errors that prevented one.</summary>
internal readonly struct DecisionOutcome
{
    private DecisionOutcome(DecisionRequest? request, DecisionResult? result, ValidationErrors? errors, string? detail, IResult? refusal = null, IReadOnlyList<KeyValuePair<string, string>>? slotErrors = null)
    {
        SlotErrors = slotErrors;
        Refusal = refusal;
        Request = request;
        Result = result;
        Errors = errors;
        Detail = detail;
    }

    /// <summary>Whether there is a decision (<see cref="Request"/> and <see cref="Result"/>); else <see cref="Refusal"/> or <see cref="Errors"/> say why not.</summary>
    [MemberNotNullWhen(true, nameof(Request), nameof(Result))]
    public bool Decided => Result is not null;

    /// <summary>The answer to a request refused before deciding (403 for a page outside the site's domains).</summary>
    public IResult? Refusal { get; }

    /// <summary>The request as the engine saw it.</summary>
    public DecisionRequest? Request { get; }

    /// <summary>The decision.</summary>
    public DecisionResult? Result { get; }

    /// <summary>Why there is no decision, per field.</summary>
    public ValidationErrors? Errors { get; }

    /// <summary>Slots that could not be decided, by slot id (or <c>slots[i]</c>) with the reason; <c>null</c> when none.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? SlotErrors { get; }

    /// <summary>The end of the problem's detail sentence, after "The … request ".</summary>
    public string? Detail { get; }

    public static DecisionOutcome Success(DecisionRequest request, DecisionResult result, IReadOnlyList<KeyValuePair<string, string>>? slotErrors = null) => new(request, result, null, null, slotErrors: slotErrors);

    public static DecisionOutcome Failure(ValidationErrors errors, string detail) => new(null, null, errors, detail);

    public static DecisionOutcome Refused(IResult refusal) => new(null, null, null, null, refusal);

    /// <summary>The problem answering a request that was not decided.</summary>
    public IResult Problem() => Refusal ?? Problems.Validation(Errors!, "The decision request " + Detail);
}
