using System.Collections;
using System.Runtime.CompilerServices;

namespace Suara.Ads.Core.Utilities;

/// <summary>
/// An immutable list kept as a spine of small chunks, so that a changed copy costs what changed: <see cref="SetItem"/>,
/// <see cref="Insert"/> and <see cref="RemoveAt"/> copy one chunk (at most <see cref="MaxChunkLength"/> items, about
/// 8 KB) and the spine (one reference and one number per chunk), and share every other chunk with the original.
/// </summary>
/// <remarks>
/// Why (issue 13, goal 3): a snapshot changed one campaign at a time used to copy its 100k-campaign arrays (0.8 MB
/// each, on the large-object heap) on every change; the large-object heap is collected only with generation 2, so a
/// change every 50 ms meant frequent gen2 collections and pauses of 6-16 ms. Every chunk and the spine stay far below
/// the 85,000-byte threshold of the large-object heap up to millions of items. Chunks hold between 1 and
/// <see cref="MaxChunkLength"/> items; one that would grow beyond is split in two, one that shrinks below a quarter
/// is merged with a neighbour. Reading an item by index finds its chunk by binary search over the spine; enumerating
/// walks the chunks in order. Safe to read from any thread: nothing changes after construction.
/// </remarks>
/// <typeparam name="T">The items.</typeparam>
internal sealed class ChunkedList<T> : IReadOnlyList<T>
{
    /// <summary>The most items a chunk holds: about 8 KB of items (at least 16).</summary>
    public static readonly int MaxChunkLength = Math.Max(16, 8192 / Unsafe.SizeOf<T>());

    private readonly T[][] _chunks;

    /// <summary>For each chunk, the index just past its last item in the list (a running sum of chunk lengths).</summary>
    private readonly int[] _ends;

    private ChunkedList(T[][] chunks, int[] ends)
    {
        _chunks = chunks;
        _ends = ends;
    }

    /// <summary>The empty list.</summary>
    public static ChunkedList<T> Empty { get; } = new([], []);

    /// <summary>Number of items.</summary>
    public int Count => _ends.Length == 0 ? 0 : _ends[^1];

    /// <summary>Number of chunks (for tests and probes).</summary>
    internal int ChunkCount => _chunks.Length;

    /// <summary>The item at <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is outside the list.</exception>
    public T this[int index]
    {
        get
        {
            var k = ChunkOf(index);
            return _chunks[k][index - Start(k)];
        }
    }

    /// <summary>A list of <paramref name="items"/>, in order, in full chunks.</summary>
    public static ChunkedList<T> From(ReadOnlySpan<T> items)
    {
        if (items.IsEmpty)
        {
            return Empty;
        }

        var count = (items.Length + MaxChunkLength - 1) / MaxChunkLength;
        var chunks = new T[count][];
        var ends = new int[count];
        for (var k = 0; k < count; k++)
        {
            var start = k * MaxChunkLength;
            var length = Math.Min(MaxChunkLength, items.Length - start);
            chunks[k] = items.Slice(start, length).ToArray();
            ends[k] = start + length;
        }

        return new ChunkedList<T>(chunks, ends);
    }

    /// <summary>A list of <paramref name="items"/>, in order: the list itself when it is one already.</summary>
    public static ChunkedList<T> From(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return items switch
        {
            ChunkedList<T> list => list,
            T[] array => From(array.AsSpan()),
            _ => From(items.ToArray().AsSpan()),
        };
    }

    /// <summary>This list with the item at <paramref name="index"/> replaced by <paramref name="value"/>.</summary>
    public ChunkedList<T> SetItem(int index, T value)
    {
        var k = ChunkOf(index);
        var chunk = (T[])_chunks[k].Clone();
        chunk[index - Start(k)] = value;
        var chunks = (T[][])_chunks.Clone();
        chunks[k] = chunk;
        return new ChunkedList<T>(chunks, _ends);
    }

    /// <summary>This list with <paramref name="value"/> inserted at <paramref name="index"/> (0 to <see cref="Count"/>).</summary>
    public ChunkedList<T> Insert(int index, T value)
    {
        if ((uint)index > (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, "Outside the list.");
        }

        if (_chunks.Length == 0)
        {
            return new ChunkedList<T>([[value]], [1]);
        }

        // At the end, the item goes into the last chunk; elsewhere, into the chunk holding the item it goes before.
        var k = index == Count ? _chunks.Length - 1 : ChunkOf(index);
        var old = _chunks[k];
        var at = index - Start(k);
        var grown = new T[old.Length + 1];
        Array.Copy(old, grown, at);
        grown[at] = value;
        Array.Copy(old, at, grown, at + 1, old.Length - at);
        if (grown.Length <= MaxChunkLength)
        {
            return Replace(k, 1, [grown]);
        }

        var half = grown.Length / 2;
        return Replace(k, 1, [grown[..half], grown[half..]]);
    }

    /// <summary>This list without the item at <paramref name="index"/>.</summary>
    public ChunkedList<T> RemoveAt(int index)
    {
        var k = ChunkOf(index);
        var old = _chunks[k];
        var at = index - Start(k);
        var shrunk = new T[old.Length - 1];
        Array.Copy(old, shrunk, at);
        Array.Copy(old, at + 1, shrunk, at, shrunk.Length - at);
        if (shrunk.Length >= MaxChunkLength / 4 || _chunks.Length == 1)
        {
            return shrunk.Length == 0 ? Replace(k, 1, []) : Replace(k, 1, [shrunk]);
        }

        // A small chunk is merged with its smaller neighbour (and split again if that is too much), so that a list
        // that loses many items does not become a spine of tiny chunks.
        var neighbour = k == 0 ? 1 : k == _chunks.Length - 1 ? k - 1 : _chunks[k - 1].Length <= _chunks[k + 1].Length ? k - 1 : k + 1;
        var first = Math.Min(k, neighbour);
        T[] merged = first == k ? [.. shrunk, .. _chunks[neighbour]] : [.. _chunks[neighbour], .. shrunk];
        if (merged.Length <= MaxChunkLength)
        {
            return Replace(first, 2, [merged]);
        }

        var half = merged.Length / 2;
        return Replace(first, 2, [merged[..half], merged[half..]]);
    }

    /// <summary>Copies the items into a new array.</summary>
    public T[] ToArray()
    {
        var result = new T[Count];
        var n = 0;
        foreach (var chunk in _chunks)
        {
            chunk.CopyTo(result, n);
            n += chunk.Length;
        }

        return result;
    }

    /// <summary>
    /// The items of this list's chunks that <paramref name="other"/> does not share (every item when it is <c>null</c>
    /// or shares none), in order: for a list derived from <paramref name="other"/> by a few changes, those changes'
    /// chunks, so every item not in <paramref name="other"/> is among them, found without walking the shared chunks.
    /// </summary>
    public IEnumerable<T> NotSharedWith(ChunkedList<T>? other)
    {
        if (other is null || ReferenceEquals(other, this))
        {
            return other is null ? this : [];
        }

        var shared = new HashSet<T[]>(other._chunks, ReferenceEqualityComparer.Instance);
        return _chunks.Where(chunk => !shared.Contains(chunk)).SelectMany(chunk => chunk);
    }

    /// <summary>Walks the items in order, chunk by chunk.</summary>
    public Enumerator GetEnumerator() => new(_chunks);

    IEnumerator<T> IEnumerable<T>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int Start(int chunk) => chunk == 0 ? 0 : _ends[chunk - 1];

    /// <summary>The chunk holding <paramref name="index"/>: the first whose end is past it.</summary>
    private int ChunkOf(int index)
    {
        var ends = _ends;
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, "Outside the list.");
        }

        int lo = 0, hi = ends.Length - 1;
        while (lo < hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            if (ends[mid] > index)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    /// <summary>This list with the <paramref name="count"/> chunks from <paramref name="first"/> on replaced by <paramref name="with"/> (each non-empty).</summary>
    private ChunkedList<T> Replace(int first, int count, T[][] with)
    {
        var chunks = new T[_chunks.Length - count + with.Length][];
        Array.Copy(_chunks, chunks, first);
        with.CopyTo(chunks, first);
        Array.Copy(_chunks, first + count, chunks, first + with.Length, _chunks.Length - first - count);

        var ends = new int[chunks.Length];
        var end = Start(first);
        Array.Copy(_ends, ends, first);
        for (var k = first; k < chunks.Length; k++)
        {
            end += chunks[k].Length;
            ends[k] = end;
        }

        return new ChunkedList<T>(chunks, ends);
    }

    /// <summary>Enumerates a <see cref="ChunkedList{T}"/> without allocating.</summary>
    public struct Enumerator : IEnumerator<T>
    {
        private readonly T[][] _chunks;
        private int _chunk;
        private int _index;

        internal Enumerator(T[][] chunks)
        {
            _chunks = chunks;
            _chunk = 0;
            _index = -1;
        }

        /// <inheritdoc/>
        public readonly T Current => _chunks[_chunk][_index];

        readonly object? IEnumerator.Current => Current;

        /// <inheritdoc/>
        public bool MoveNext()
        {
            while (_chunk < _chunks.Length)
            {
                if (++_index < _chunks[_chunk].Length)
                {
                    return true;
                }

                _chunk++;
                _index = -1;
            }

            return false;
        }

        /// <inheritdoc/>
        public void Reset()
        {
            _chunk = 0;
            _index = -1;
        }

        /// <inheritdoc/>
        public readonly void Dispose()
        {
        }
    }
}
