"""Pages of dimension records from a query: ``iter_table_pages`` and ``iter_set_pages``."""

from __future__ import annotations

import pytest

from skybutler.daf_butler import DimensionRecordSet, DimensionRecordTable
from skybutler.daf_butler.errors import DimensionValueError, InvalidQueryError
from skybutler.daf_butler.queries import query_dimension_records
from skybutler.daf_butler.registry import Registry


@pytest.mark.parametrize("element", ["detector", "visit"])
@pytest.mark.parametrize("page_size", [1, 3, 1000])
def test_pages_hold_every_record_once(query_repo: Registry, element: str, page_size: int) -> None:
    expected = query_dimension_records(query_repo, element, limit=None, order_by=["-" + element])
    assert expected, "the test repository has records of the element"
    with query_repo.query() as q:
        results = q.dimension_records(element).order_by("-" + element)
        tables = list(results.iter_table_pages(page_size=page_size))
        sets = list(results.iter_set_pages(page_size=page_size))
    assert all(isinstance(t, DimensionRecordTable) for t in tables)
    assert [len(t) for t in tables[:-1]] == [page_size] * (len(tables) - 1)
    assert 0 < len(tables[-1]) <= page_size
    assert [record for table in tables for record in table] == expected  # order kept
    assert all(isinstance(s, DimensionRecordSet) for s in sets)
    assert [r for s in sets for r in s] == expected
    for page in sets:
        for record in page:
            assert record in page
            assert page.find(record.dataId) == record


def test_table_columns_slices_and_arrow(query_repo: Registry) -> None:
    records = query_dimension_records(query_repo, "visit", limit=None, order_by=["visit"])
    table = DimensionRecordTable("visit", records, universe=query_repo.dimensions)
    assert len(table) == len(records)
    assert table.column("id") == [r.id for r in records]
    assert list(table[1:3]) == records[1:3]
    assert table[-1] == records[-1]
    with pytest.raises(KeyError, match="no field 'colour'"):
        table.column("colour")
    pyarrow = pytest.importorskip("pyarrow")
    arrow = table.to_arrow()
    assert isinstance(arrow, pyarrow.Table)
    assert arrow.num_rows == len(records)
    assert arrow.column("exposure_time").to_pylist() == [r.exposure_time for r in records]
    spans = arrow.column("timespan").to_pylist()
    assert [(s["begin_nsec"], s["end_nsec"]) for s in spans] == [r.timespan.nsec for r in records]


def test_set_semantics(query_repo: Registry) -> None:
    universe = query_repo.dimensions
    detectors = query_dimension_records(query_repo, "detector", limit=None)
    visit = query_dimension_records(query_repo, "visit", limit=1)[0]
    found = DimensionRecordSet("detector", detectors, universe=universe)
    assert len(found) == len(detectors)
    first = detectors[0]
    assert found.find_with_required_values(first.dataId.required_values) == first
    changed = type(first)(**{**first.toDict(), "full_name": first.full_name + "-new"})
    assert changed not in found
    assert changed.dataId in found
    with pytest.raises(DimensionValueError, match="differs"):
        found.add(changed, replace=False)
    found.add(changed)
    assert found.find(first.dataId) == changed
    found.remove(changed)
    assert first.dataId not in found
    with pytest.raises(LookupError, match="No detector record"):
        found.find(first.dataId)
    with pytest.raises(DimensionValueError, match="cannot join"):
        found.add(visit)
    assert DimensionRecordSet("detector", detectors, universe=universe).issuperset(found)
    with pytest.raises(TypeError, match="universe="):
        DimensionRecordSet("detector")


def test_bad_page_size(query_repo: Registry) -> None:
    with query_repo.query() as q, pytest.raises(InvalidQueryError, match="page_size=0"):
        next(q.dimension_records("detector").iter_table_pages(page_size=0))
