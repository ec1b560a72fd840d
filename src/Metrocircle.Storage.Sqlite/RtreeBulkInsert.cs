using System.Buffers.Binary;
using Metrocircle.Storage.Relational;
using Microsoft.Data.Sqlite;

namespace Metrocircle.Storage.Sqlite;

/// <summary>One cell of a two-dimensional SQLite R*Tree: a row id (or, above the leaves, a child node) and its box as the tree stores it, in single precision.</summary>
internal readonly record struct RtreeCell(long Id, float MinX, float MaxX, float MinY, float MaxY)
{
    /// <summary>The cell an INSERT of the box would store (<see cref="RtreeRounding"/>).</summary>
    public static RtreeCell Of(long id, double minX, double maxX, double minY, double maxY) =>
        new(id, RtreeRounding.Down(minX), RtreeRounding.Up(maxX), RtreeRounding.Down(minY), RtreeRounding.Up(maxY));
}

/// <summary>
/// The boxes a bulk write adds to the R*Tree, collected so they can go in together at the end of it; a rebuild appends
/// the tree's present cells to them and packs the lot in place.
/// </summary>
internal sealed class RtreeCells
{
    private RtreeCell[] _cells = new RtreeCell[1024];

    public int Count { get; private set; }

    public void Add(long id, double minX, double maxX, double minY, double maxY) => Add(RtreeCell.Of(id, minX, maxX, minY, maxY));

    public void Add(RtreeCell cell)
    {
        if (Count == _cells.Length)
        {
            Array.Resize(ref _cells, _cells.Length * 2);
        }

        _cells[Count++] = cell;
    }

    /// <summary>Room for <paramref name="more"/> cells without growing again.</summary>
    public void Reserve(long more)
    {
        var needed = checked((int)(Count + more));
        if (needed > _cells.Length)
        {
            Array.Resize(ref _cells, needed);
        }
    }

    public ReadOnlySpan<RtreeCell> Cells => _cells.AsSpan(0, Count);

    /// <summary>The array the cells are in (its first <see cref="Count"/>), for sorting in place.</summary>
    internal RtreeCell[] Buffer => _cells;
}

/// <summary>
/// Puts many boxes into a two-dimensional SQLite R*Tree (<c>CREATE VIRTUAL TABLE t USING rtree (id, minx, maxx, miny,
/// maxy)</c>) at once. SQLite's own INSERT places each box by walking the tree, splitting nodes and rewriting every
/// node it touched: at a million boxes that is the slowest part of an import. When the new boxes are many against the
/// tree's present size, the whole tree is rebuilt instead — its present cells read out, all of them sorted into full
/// nodes by Sort-Tile-Recursive packing, and the nodes written straight into the tree's three shadow tables in SQLite's
/// own node format (<c>%_node</c>: blobs of big-endian cells under a 4-byte header holding the depth (root only) and the
/// cell count; <c>%_rowid</c>: the leaf each row is in; <c>%_parent</c>: each non-root node's parent). The result is an
/// ordinary R*Tree that SQLite reads, searches and inserts into as if it had built it, and that <c>rtreecheck()</c>
/// accepts; rows and boxes are the same as the INSERTs would have stored. It runs inside the caller's transaction.
/// </summary>
internal static class RtreeBulkInsert
{
    /// <summary>Fewer new boxes than this always go in one INSERT at a time.</summary>
    public const int BulkFrom = 20_000;

    /// <summary>
    /// The tree is rebuilt when the new boxes are at least this share of the ones already in it: a rebuild costs about
    /// a fifth of an INSERT per box it writes (every box in the tree), so it pays well before the new ones outnumber the old.
    /// </summary>
    public const double BulkShare = 0.5;

    private const int CellBytes = 8 + (4 * 4);
    private const int HeaderBytes = 4;

    /// <summary>
    /// Adds <paramref name="added"/> to the tree <paramref name="table"/>, rebuilding it packed from
    /// <paramref name="bulkFrom"/> new cells on (tests pack small trees); returns true when it rebuilt the tree.
    /// </summary>
    public static bool Add(SqliteConnection connection, string table, RtreeCells added, CancellationToken ct, int bulkFrom = BulkFrom)
    {
        ct.ThrowIfCancellationRequested();
        var db = connection.Handle!;
        if (added.Count < bulkFrom)
        {
            InsertEach(db, table, added.Cells, ct);
            return false;
        }

        long present;
        using (var count = RawStatement.Prepare(db, $"SELECT count(*) FROM \"{table}_rowid\""))
        {
            count.Step();
            present = count.Int64(0);
        }

        if (added.Count < present * BulkShare)
        {
            InsertEach(db, table, added.Cells, ct);
            return false;
        }

        Rebuild(db, table, added, present, ct);
        return true;
    }

    private static void InsertEach(SQLitePCL.sqlite3 db, string table, ReadOnlySpan<RtreeCell> added, CancellationToken ct)
    {
        using var insert = RawStatement.Prepare(db, $"INSERT INTO \"{table}\" (id, minx, maxx, miny, maxy) VALUES (?1, ?2, ?3, ?4, ?5)");
        for (var i = 0; i < added.Length; i++)
        {
            var c = added[i];
            if ((i & 4095) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            // Already rounded outward to single precision, so the module stores these values as they are.
            insert.Int64(1, c.Id);
            insert.Double(2, c.MinX);
            insert.Double(3, c.MaxX);
            insert.Double(4, c.MinY);
            insert.Double(5, c.MaxY);
            insert.Run();
        }
    }

    private static void Rebuild(SQLitePCL.sqlite3 db, string table, RtreeCells cells, long present, CancellationToken ct)
    {
        int nodeBytes;
        using (var root = RawStatement.Prepare(db, $"SELECT length(data) FROM \"{table}_node\" WHERE nodeno = 1"))
        {
            if (!root.Step())
            {
                throw new InvalidOperationException($"R*Tree {table} has no root node");
            }

            nodeBytes = (int)root.Int64(0);
        }

        // The module caps a node at 51 cells whatever the page size; the root's length says what this tree uses.
        var fanout = (nodeBytes - HeaderBytes) / CellBytes;
        if (fanout < 4)
        {
            throw new InvalidOperationException($"R*Tree {table} has nodes of {nodeBytes} bytes, too small to pack");
        }

        cells.Reserve(present);
        var expected = cells.Count + present;
        using (var read = RawStatement.Prepare(db, $"SELECT id, minx, maxx, miny, maxy FROM \"{table}\""))
        {
            while (read.Step())
            {
                if (cells.Count == expected)
                {
                    throw new InvalidOperationException($"R*Tree {table} holds more cells than its rowid table counts");
                }

                // Stored in single precision already: the doubles read back convert to the same floats exactly.
                cells.Add(new RtreeCell(read.Int64(0), (float)read.Double(1), (float)read.Double(2), (float)read.Double(3), (float)read.Double(4)));
            }
        }

        var n = cells.Count;
        foreach (var shadow in new[] { "node", "rowid", "parent" })
        {
            using var clear = RawStatement.Prepare(db, $"DELETE FROM \"{table}_{shadow}\"");
            clear.Run();
        }

        using var writeNode = RawStatement.Prepare(db, $"INSERT INTO \"{table}_node\" (nodeno, data) VALUES (?1, ?2)");
        using var writeParent = RawStatement.Prepare(db, $"INSERT INTO \"{table}_parent\" (nodeno, parentnode) VALUES (?1, ?2)");
        var leafOf = new long[n];
        var rowids = new long[n];
        var blob = new byte[nodeBytes];
        var next = 2L;
        var level = cells.Buffer;
        var count = n;
        Task? rowidsSorted = null;
        for (var depth = 0; ; depth++)
        {
            var isRoot = count <= fanout;
            Tile(level, count, fanout);
            // Every slice but the last holds whole nodes, so a level has ⌈count / fanout⌉ of them (one, for an empty root).
            var above = new RtreeCell[Math.Max(1, (count + fanout - 1) / fanout)];
            var made = 0;
            var parents = new List<(long Node, long Parent)>(isRoot || depth == 0 ? 0 : count);
            foreach (var (start, length) in Nodes(count, fanout))
            {
                var nodeNo = isRoot ? 1L : next++;
                Array.Clear(blob);
                if (isRoot)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(blob, checked((ushort)depth));
                }

                BinaryPrimitives.WriteUInt16BigEndian(blob.AsSpan(2), (ushort)length);
                float minX = float.PositiveInfinity, maxX = float.NegativeInfinity, minY = float.PositiveInfinity, maxY = float.NegativeInfinity;
                for (var i = 0; i < length; i++)
                {
                    var c = level[start + i];
                    var at = blob.AsSpan(HeaderBytes + (i * CellBytes));
                    BinaryPrimitives.WriteInt64BigEndian(at, c.Id);
                    BinaryPrimitives.WriteSingleBigEndian(at[8..], c.MinX);
                    BinaryPrimitives.WriteSingleBigEndian(at[12..], c.MaxX);
                    BinaryPrimitives.WriteSingleBigEndian(at[16..], c.MinY);
                    BinaryPrimitives.WriteSingleBigEndian(at[20..], c.MaxY);
                    minX = Math.Min(minX, c.MinX);
                    maxX = Math.Max(maxX, c.MaxX);
                    minY = Math.Min(minY, c.MinY);
                    maxY = Math.Max(maxY, c.MaxY);
                    if (depth == 0)
                    {
                        rowids[start + i] = c.Id;
                        leafOf[start + i] = nodeNo;
                    }
                    else
                    {
                        parents.Add((c.Id, nodeNo));
                    }
                }

                if ((nodeNo & 255) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }

                writeNode.Int64(1, nodeNo);
                writeNode.Blob(2, blob);
                writeNode.Run();
                above[made++] = new RtreeCell(nodeNo, minX, maxX, minY, maxY);
            }

            // Node numbers in order, so each table is written at its end rather than all over its B-tree.
            parents.Sort();
            foreach (var (node, parent) in parents)
            {
                writeParent.Int64(1, node);
                writeParent.Int64(2, parent);
                writeParent.Run();
            }

            if (depth == 0)
            {
                // Sorted while the upper levels are written, for the rowid table to be written in key order.
                rowidsSorted = Task.Run(() => Array.Sort(rowids, leafOf));
            }

            if (isRoot)
            {
                break;
            }

            level = above;
            count = made;
        }

        rowidsSorted!.GetAwaiter().GetResult();
        using var writeRowid = RawStatement.Prepare(db, $"INSERT INTO \"{table}_rowid\" (rowid, nodeno) VALUES (?1, ?2)");
        for (var i = 0; i < n; i++)
        {
            if ((i & 65535) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }

            writeRowid.Int64(1, rowids[i]);
            writeRowid.Int64(2, leafOf[i]);
            writeRowid.Run();
        }
    }

    /// <summary>
    /// Sort-Tile-Recursive order: the cells sorted by the centre's x into vertical slices of about √(nodes) nodes'
    /// worth each, and every slice by the centre's y, so that consecutive runs of <paramref name="fanout"/> cells are
    /// compact tiles.
    /// </summary>
    private static void Tile(RtreeCell[] cells, int count, int fanout)
    {
        if (count == 0)
        {
            return;
        }

        var keys = new double[count];
        for (var i = 0; i < count; i++)
        {
            keys[i] = (double)cells[i].MinX + cells[i].MaxX;
        }

        Array.Sort(keys, cells, 0, count);
        var slice = SliceLength(count, fanout);
        // Slices are sorted apart from each other, on as many cores as there are.
        Parallel.For(0, (count + slice - 1) / slice, s =>
        {
            var start = s * slice;
            var length = Math.Min(slice, count - start);
            for (var i = start; i < start + length; i++)
            {
                keys[i] = (double)cells[i].MinY + cells[i].MaxY;
            }

            Array.Sort(keys, cells, start, length);
        });
    }

    private static int SliceLength(int count, int fanout)
    {
        var nodes = (count + fanout - 1) / fanout;
        var slices = Math.Max(1, (int)Math.Ceiling(Math.Sqrt(nodes)));
        return ((nodes + slices - 1) / slices) * fanout;
    }

    /// <summary>The nodes of a level in <see cref="Tile"/> order: full runs within each slice, the slice's last one shorter. An empty tree is one empty root.</summary>
    private static IEnumerable<(int Start, int Length)> Nodes(int count, int fanout)
    {
        if (count == 0)
        {
            yield return (0, 0);
            yield break;
        }

        var slice = SliceLength(count, fanout);
        for (var s = 0; s < count; s += slice)
        {
            var end = Math.Min(count, s + slice);
            for (var start = s; start < end; start += fanout)
            {
                yield return (start, Math.Min(fanout, end - start));
            }
        }
    }
}
