"""Automatic spatial joins computed in Python, fed back to SQL as literal rows.

Joining two spatial families in SQL on the common skypix (``htm7``)
overlap tables yields many candidate rows per real overlap when regions are
small, each then tested exactly after the query. Instead, `spatial_relation`
reads the key values and regions of both elements once, finds candidate pairs
with a vectorised bounding-cap test, runs the exact overlap test on those
(vectorised edge tests for convex polygons, the regions' own ``overlaps`` for
anything else or any pair too close to call), and returns the surviving key
pairs as a ``VALUES`` subquery the one SQL query joins like any relation, so
every other join, constraint, find-first, order and limit stays in SQL.
"""

from __future__ import annotations

__all__ = ["MAX_RECORDS", "overlapping_pairs", "spatial_relation"]

import binascii
import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa

from ..registry import RegistryManagers
from ..sphgeom import Region
from ..sphgeom._geometry import edge_normals

MAX_RECORDS = 2_000_000
"""Above this many records on one side, the join stays in SQL (reading them costs too much)."""
_MAX_STRINGS = 100
_TOUCH = 1e-14  # the tolerance of ConvexPolygon.overlaps
_MARGIN = 1e-11  # edge tests closer than this to the tolerance go to the exact method
_CAP_MARGIN = 1e-9
_POLYGON = 0x70

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]


class _Side:
    """Decoded regions of one element: bounding caps, polygon arrays, scalar regions."""

    def __init__(self, blobs: Sequence[bytes]) -> None:
        n = len(blobs)
        self.blobs = blobs
        self.centers = np.zeros((n, 3))
        self.radii = np.zeros(n)
        self.vertex_count = np.zeros(n, dtype=np.intp)  # 0: not a plain polygon
        self.vertices: dict[int, FloatArray] = {}
        self.normals: dict[int, FloatArray] = {}
        self.row: IntArray = np.zeros(n, dtype=np.intp)  # index within its vertex-count group
        self.regions: dict[int, Region] = {}
        groups: dict[int, list[int]] = {}
        for i, blob in enumerate(blobs):
            size = len(blob) - 1
            if blob[:1] == b"\x70" and size % 24 == 0 and size >= 72:
                groups.setdefault(size // 24, []).append(i)
            else:
                self._scalar(i)
        for count, members in groups.items():
            index = np.array(members, dtype=np.intp)
            vertices = np.frombuffer(b"".join(blobs[i][1:] for i in members), dtype="<f8").reshape(
                -1, count, 3
            )
            norms = np.einsum("pvk,pvk->pv", vertices, vertices)
            center = vertices.sum(axis=1)
            length = np.sqrt(np.einsum("pk,pk->p", center, center))
            good = (np.abs(norms - 1.0) < 1e-6).all(axis=1) & (length > 1e-3)
            for i in index[~good]:
                self._scalar(int(i))
            index, vertices, center = index[good], vertices[good], center[good]
            center = center / length[good][:, None]
            cosines = np.einsum("pk,pvk->pv", center, vertices).min(axis=1)
            self.centers[index] = center
            self.radii[index] = np.arccos(np.clip(cosines, -1.0, 1.0)) + _CAP_MARGIN
            self.vertex_count[index] = count
            self.row[index] = np.arange(len(index))
            self.vertices[count] = vertices
            self.normals[count] = edge_normals(vertices)

    def _scalar(self, i: int) -> None:
        region = self.regions[i] = Region.decode(self.blobs[i])
        circle = region.getBoundingCircle()
        if circle.isEmpty():
            self.radii[i] = -1.0  # overlaps nothing
            return
        center = circle.getCenter()
        self.centers[i] = (center.x(), center.y(), center.z())
        self.radii[i] = circle.getOpeningAngle().asRadians() + _CAP_MARGIN

    def region(self, i: int) -> Region:
        found = self.regions.get(i)
        if found is None:
            found = self.regions[i] = Region.decode(self.blobs[i])
        return found


def _candidates(a: _Side, b: _Side) -> tuple[IntArray, IntArray]:
    """Return index pairs whose bounding caps may overlap.

    The centres of the larger side are sorted along the axis where they
    spread most; each cap of the smaller side looks only at the slice of
    centres within the chord of its radius plus the widest radius.
    """
    empty = np.zeros(0, dtype=np.intp)
    if not len(a.radii) or not len(b.radii):
        return empty, empty
    swap = len(a.radii) > len(b.radii)
    small, large = (b, a) if swap else (a, b)
    widest = max(float(large.radii.max()), 0.0)
    axis = int(np.argmax(large.centers.std(axis=0)))
    order = np.argsort(large.centers[:, axis], kind="stable")
    coordinate = large.centers[order, axis]
    reach = np.minimum(small.radii + widest, math.pi)
    chord = 2.0 * np.sin(reach / 2.0) + 1e-12
    lows = np.searchsorted(coordinate, small.centers[:, axis] - chord, side="left")
    highs = np.searchsorted(coordinate, small.centers[:, axis] + chord, side="right")
    firsts, seconds = [], []
    for index in np.nonzero((highs > lows) & (small.radii >= 0))[0].tolist():
        js = order[lows[index] : highs[index]]
        dots = large.centers[js] @ small.centers[index]
        angle = np.arccos(np.clip(dots, -1.0, 1.0))
        keep = (angle <= small.radii[index] + large.radii[js]) & (large.radii[js] >= 0)
        hits = js[keep]
        if len(hits):
            firsts.append(np.full(len(hits), index, dtype=np.intp))
            seconds.append(hits)
    if not firsts:
        return empty, empty
    i, j = np.concatenate(firsts), np.concatenate(seconds)
    return (j, i) if swap else (i, j)


def _edge_verdicts(
    a: _Side, b: _Side, i: IntArray, j: IntArray, na: int, nb: int
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Return (surely overlapping, surely disjoint) for polygon pairs of given vertex counts."""
    ra, rb = a.row[i], b.row[j]

    def separation(normals: FloatArray, vertices: FloatArray) -> FloatArray:
        # Per edge of the first polygon: the largest signed distance of the other's vertices.
        return np.matmul(normals, vertices.transpose(0, 2, 1)).max(axis=2)  # type: ignore[no-any-return]

    s1 = separation(a.normals[na][ra], b.vertices[nb][rb])
    s2 = separation(b.normals[nb][rb], a.vertices[na][ra])
    disjoint = (s1 < -_TOUCH - _MARGIN).any(axis=1) | (s2 < -_TOUCH - _MARGIN).any(axis=1)
    clear = (s1 >= -_TOUCH + _MARGIN).all(axis=1) & (s2 >= -_TOUCH + _MARGIN).all(axis=1)
    # The edge test is exact only within one hemisphere (as ConvexPolygon.overlaps assumes).
    angle = np.arccos(np.clip(np.einsum("pk,pk->p", a.centers[i], b.centers[j]), -1.0, 1.0))
    small = angle + a.radii[i] + b.radii[j] < 0.5 * math.pi
    return clear & small & ~disjoint, disjoint & small


def overlapping_pairs(first: Sequence[bytes], second: Sequence[bytes]) -> list[tuple[int, int]]:
    """Return the index pairs of two lists of encoded regions that overlap.

    The answer is that of ``Region.decode(a).overlaps(Region.decode(b))``
    for every pair, computed without testing most pairs one by one.
    """
    i, j = _pair_arrays(first, second)
    return list(zip(i.tolist(), j.tolist(), strict=True))


def _pair_arrays(first: Sequence[bytes], second: Sequence[bytes]) -> tuple[IntArray, IntArray]:
    a, b = _Side(first), _Side(second)
    i, j = _candidates(a, b)
    overlapping = np.zeros(len(i), dtype=bool)
    undecided = np.ones(len(i), dtype=bool)
    counts_a, counts_b = a.vertex_count[i], b.vertex_count[j]
    for na in a.vertices:
        for nb in b.vertices:
            where = np.nonzero((counts_a == na) & (counts_b == nb))[0]
            if not len(where):
                continue
            yes, no = _edge_verdicts(a, b, i[where], j[where], na, nb)
            overlapping[where[yes]] = True
            undecided[where[yes | no]] = False
    for k in np.nonzero(undecided)[0].tolist():
        overlapping[k] = a.region(int(i[k])).overlaps(b.region(int(j[k])))
    return i[overlapping], j[overlapping]


def _read(
    managers: RegistryManagers, element: str, data_id: Mapping[str, Any]
) -> tuple[list[list[Any]], list[bytes]] | None:
    """Return the key columns and the encoded regions of an element's records with regions."""
    manager = managers.dimensions
    table = manager.table(element)
    layout = manager.layout(element)
    conditions: list[sa.ColumnElement[bool]] = [table.c.region.isnot(None)]
    for dim, column in zip(layout.key_dimensions, layout.key_columns, strict=True):
        if dim in data_id:
            conditions.append(table.c[column] == data_id[dim])
    count = managers.db.fetch_scalar(sa.select(sa.func.count()).where(*conditions))
    if count > MAX_RECORDS:
        return None
    region = sa.type_coerce(table.c.region, sa.Text)
    query = sa.select(*(table.c[c] for c in layout.key_columns), region).where(*conditions)
    # Plain DBAPI tuples: SQLAlchemy's rows cost more than the rest of the join.
    with managers.db.engine.connect() as connection:
        rows = connection.execute(query).cursor.fetchall()
    if not rows:
        return [[] for _ in layout.key_columns], []
    *keys, texts = (list(column) for column in zip(*rows, strict=True))
    return keys, list(map(binascii.a2b_base64, texts))


def spatial_relation(
    managers: RegistryManagers,
    first: str,
    second: str,
    data_id: Mapping[str, Any],
    name: str,
    provided: Collection[str],
) -> tuple[sa.Subquery, dict[str, str]] | None:
    """Return the key pairs of two elements whose regions overlap, as a subquery.

    Records are read constrained by the values ``data_id`` gives their keys;
    the subquery has no column for those of them in ``provided`` (keys other
    relations of the query already hold).

    Returns the subquery and the label of its column for each dimension, or
    `None` when the join must stay in SQL: one side has more than
    `MAX_RECORDS` records with regions (too many to read), or a key column
    holds values that cannot be written as literal rows.
    """
    manager = managers.dimensions
    d1 = manager.layout(first).key_dimensions
    d2 = manager.layout(second).key_dimensions
    fixed = {d for d in data_id if d in provided}
    side1 = _read(managers, first, data_id)
    side2 = _read(managers, second, data_id) if side1 is not None else None
    if side1 is None or side2 is None:
        return None
    i, j = _pair_arrays(side1[1], side2[1])
    keys1 = [np.asarray(column, dtype=object) for column in side1[0]]
    keys2 = [np.asarray(column, dtype=object) for column in side2[0]]
    same = np.ones(len(i), dtype=bool)
    for d in d2:
        if d in d1:
            same &= keys1[d1.index(d)][i] == keys2[d2.index(d)][j]
    i, j = i[same], j[same]
    # Keys fixed by the data ID (read with that value only) come from the other relations:
    # a constraint on a VALUES column has no statistics, and PostgreSQL's estimate of one row
    # then plans a nested loop that rescans the rows once per outer row.
    own = [k for k, d in enumerate(d1) if d not in fixed]
    extra = [k for k, d in enumerate(d2) if d not in d1 and d not in fixed]
    columns = [keys1[k][i].tolist() for k in own] + [keys2[k][j].tolist() for k in extra]
    labels = {d1[k]: f"a_{d1[k]}" for k in own}
    labels.update({d2[k]: f"b_{d2[k]}" for k in extra})
    if not len(i):
        types = [_key_type(managers, first, d1[k]) for k in own]
        types += [_key_type(managers, second, d2[k]) for k in extra]
        pairs = zip(types, labels.values(), strict=True)
        nothing = sa.select(*(sa.cast(sa.null(), t).label(label) for t, label in pairs))
        nothing = nothing.where(sa.false())
        return nothing.subquery(name), labels
    text = _values_sql(columns, list(labels.values()))
    if text is None:
        return None
    return text.subquery(name), labels


def _key_type(managers: RegistryManagers, element: str, dimension: str) -> Any:
    layout = managers.dimensions.layout(element)
    column = layout.key_columns[layout.key_dimensions.index(dimension)]
    return managers.dimensions.table(element).c[column].type


def _values_sql(columns: list[list[Any]], labels: list[str]) -> sa.TextualSelect | None:
    """Return ``SELECT ... FROM (VALUES ...)`` of some rows; strings become bound values.

    Strings are written as small integer codes mapped back with ``CASE`` so
    that each bound value appears once in the statement (SQLite limits the
    number of bound values).
    """
    binds: dict[str, Any] = {}
    selected: list[str] = []
    types: list[sa.ColumnClause[Any]] = []
    coded: list[list[int]] = []
    for position, (label, values) in enumerate(zip(labels, columns, strict=True)):
        column = f"column{position + 1}"
        kinds = set(map(type, values))
        if kinds == {int}:
            coded.append(values)
            selected.append(f"{column} AS {label}")
            types.append(sa.column(label, sa.BigInteger))
            continue
        if kinds != {str}:
            return None
        distinct = sorted(set(values))
        if len(distinct) > _MAX_STRINGS:
            return None
        codes = {v: n for n, v in enumerate(distinct)}
        coded.append(list(map(codes.__getitem__, values)))
        cases = []
        for n, value in enumerate(distinct):
            binds[f"{label}_{n}"] = value
            cases.append(f"WHEN {n} THEN :{label}_{n}")
        selected.append(f"CASE {column} {' '.join(cases)} END AS {label}")
        types.append(sa.column(label, sa.String))
    row = "(" + ",".join(["%d"] * len(coded)) + ")"
    body = ",".join(map(row.__mod__, zip(*coded, strict=True)))
    # The LIMIT keeps SQLite from flattening the VALUES rows (a compound SELECT, one arm a
    # row) into the outer query: preparing that costs seconds for thousands of rows.
    count = len(coded[0])
    sql = f"SELECT {', '.join(selected)} FROM (VALUES {body}) AS pairs LIMIT {count}"
    return sa.text(sql).bindparams(**binds).columns(*types)
