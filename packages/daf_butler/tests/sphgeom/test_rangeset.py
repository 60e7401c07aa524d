"""Tests of RangeSet against Python sets."""

from __future__ import annotations

import itertools
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skybutler.daf_butler.sphgeom import RangeSet

ranges = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 12)).map(lambda t: (t[0], t[0] + t[1])),
    max_size=6,
)


def _members(pairs: list[tuple[int, int]]) -> set[int]:
    return {i for begin, end in pairs for i in range(begin, end)}


def _as_set(rs: RangeSet) -> set[int]:
    return _members(rs.ranges())


def test_construction_forms() -> None:
    assert RangeSet().isEmpty()
    assert RangeSet(5).ranges() == [(5, 6)]
    assert RangeSet(5, 9).ranges() == [(5, 9)]
    assert RangeSet([1, 2, 3, (7, 9), range(20, 22)]).ranges() == [(1, 4), (7, 9), (20, 22)]
    assert RangeSet(RangeSet(1, 3)) == RangeSet(1, 3)
    assert RangeSet([(5, 3)]).isEmpty()  # empty ranges vanish
    assert RangeSet.full().isFull()
    assert RangeSet.empty() == RangeSet()


def test_queries() -> None:
    rs = RangeSet([(0, 4), (10, 12)])
    assert len(rs) == rs.size() == 2
    assert rs.cardinality() == 6
    assert list(rs) == [(0, 4), (10, 12)]
    assert 3 in rs
    assert 4 not in rs
    assert rs.contains(10, 12)
    assert not rs.contains(3, 11)
    assert RangeSet(1, 3) in rs
    assert rs.intersects(3, 5)
    assert rs.isDisjointFrom(5, 10)
    assert RangeSet(1, 2).isWithin(rs)
    assert rs.contains_values([0, 4, 11]).tolist() == [True, False, True]
    assert rs.as_array().tolist() == [[0, 4], [10, 12]]
    assert repr(rs) == "RangeSet([(0, 4), (10, 12)])"
    assert pickle.loads(pickle.dumps(rs)) == rs


def test_mutation() -> None:
    rs = RangeSet(0, 4)
    assert rs.insert(4, 6) is rs
    assert rs.ranges() == [(0, 6)]
    rs.erase(2)
    assert rs.ranges() == [(0, 2), (3, 6)]
    rs.complement()
    assert rs.ranges()[:2] == [(2, 3), (6, rs.ranges()[1][1])]
    with pytest.raises(TypeError):
        hash(rs)


def test_resolution_changes() -> None:
    rs = RangeSet([(5, 6), (9, 11)])
    assert rs.scaled(4).ranges() == [(20, 24), (36, 44)]
    assert rs.simplified(2).ranges() == [(4, 12)]
    assert RangeSet([(5, 13)]).shrunk(2).ranges() == [(8, 12)]
    assert rs.ranges() == [(5, 6), (9, 11)]  # the -ed forms leave the set alone
    rs.scale(2)
    assert rs.ranges() == [(10, 12), (18, 22)]
    rs.simplify(4)
    assert rs.ranges() == [(0, 32)]


@given(ranges, ranges)
def test_set_algebra_matches_python_sets(
    a: list[tuple[int, int]], b: list[tuple[int, int]]
) -> None:
    ra, rb = RangeSet(a), RangeSet(b)
    sa, sb = _members(a), _members(b)
    assert _as_set(ra) == sa
    assert ra.cardinality() == len(sa)
    assert _as_set(ra | rb) == sa | sb
    assert _as_set(ra & rb) == sa & sb
    assert _as_set(ra - rb) == sa - sb
    assert _as_set(ra ^ rb) == sa ^ sb
    assert ra.intersects(rb) == bool(sa & sb)
    assert ra.isWithin(rb) == (sa <= sb)
    assert (~ra & RangeSet(0, 100)) == RangeSet(sorted(set(range(100)) - sa))
    # Ranges stay sorted, disjoint and not touching.
    pairs = (ra | rb).ranges()
    assert all(e1 < b2 for (_, e1), (b2, _) in itertools.pairwise(pairs))


@given(ranges, st.integers(0, 4))
def test_simplify_is_a_superset_and_shrink_a_subset(a: list[tuple[int, int]], n: int) -> None:
    ra = RangeSet(a)
    assert ra.isWithin(ra.simplified(n))
    assert ra.shrunk(n).isWithin(ra)
    for begin, end in ra.simplified(n):
        assert begin % 2**n == 0
        assert end % 2**n == 0
