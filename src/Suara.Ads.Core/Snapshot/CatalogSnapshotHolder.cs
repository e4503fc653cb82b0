namespace Suara.Ads.Core.Snapshot;

/// <summary>
/// Holds the current <see cref="CatalogSnapshot"/>. Readers take <see cref="Current"/> once per decision; a rebuild
/// publishes a complete new snapshot with one reference swap, so readers see the old or the new catalog, never a mix.
/// </summary>
public sealed class CatalogSnapshotHolder
{
    private CatalogSnapshot _current = CatalogSnapshot.Empty;
    private bool _loaded;
    private TaskCompletionSource _published = NewSignal();

    /// <summary>Whether a catalog has been loaded (even an empty one) since start.</summary>
    public bool IsLoaded => Volatile.Read(ref _loaded);

    /// <summary>The snapshot in force.</summary>
    public CatalogSnapshot Current => Volatile.Read(ref _current);

    /// <summary>
    /// Publishes <paramref name="snapshot"/> unless a newer version is already in force (a slow rebuild must not
    /// replace what a faster one published). Returns whether it was published.
    /// </summary>
    public bool PublishIfNewer(CatalogSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        while (true)
        {
            var current = Volatile.Read(ref _current);
            if (IsLoaded && snapshot.Version <= current.Version)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _current, snapshot, current) == current)
            {
                Volatile.Write(ref _loaded, true);
                Signal();
                return true;
            }
        }
    }

    /// <summary>Publishes <paramref name="snapshot"/>.</summary>
    public void Publish(CatalogSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Interlocked.Exchange(ref _current, snapshot);
        Volatile.Write(ref _loaded, true);
        Signal();
    }

    /// <summary>
    /// Completes once a catalog of <paramref name="version"/> or newer is in force: the signal for whoever must know
    /// that a change has arrived (tests of instances in step, readiness), instead of polling <see cref="Current"/>.
    /// </summary>
    public async Task WaitForVersionAsync(long version, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Take the signal before looking, so a publish in between is not missed.
            var published = Volatile.Read(ref _published);
            if (IsLoaded && Current.Version >= version)
            {
                return;
            }

            await published.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Signal() => Interlocked.Exchange(ref _published, NewSignal()).TrySetResult();
}
