"""Conformance tests of the `Database` API: transactions, retries, tables and rows."""

from __future__ import annotations

__all__ = ["SCRATCH_SPEC", "DatabaseTests"]

import pickle
import uuid
from typing import Any

import pytest
import sqlalchemy as sa

from .._timespan import MAX_NSEC, MIN_NSEC, Timespan, nsec_to_time, time_to_nsec
from ..errors import (
    ConflictingDefinitionError,
    ReadOnlyDatabaseError,
    RegistryError,
    TransactionConflictError,
)
from ..registry.databases import Database, FieldSpec, RetryPolicy, TableSpec
from ._registry_base import RegistryFixtures, reopen

SCRATCH_SPEC = TableSpec(
    fields=(
        FieldSpec("id", "int", primary_key=True, autoincrement=True),
        FieldSpec("name", "string", length=16, nullable=False),
        FieldSpec("value", "int"),
        FieldSpec("uid", "uuid"),
        FieldSpec("ts", "timespan"),
        FieldSpec("flag", "bool"),
        FieldSpec("x", "float"),
        FieldSpec("digest", "hash", length=8),
        FieldSpec("when", "datetime"),
        FieldSpec("region", "region"),
    ),
    unique=(("name",),),
)
"""A table with one field of each type, for the tests."""

PAIR_SPEC = TableSpec(
    fields=(
        FieldSpec("a", "int", primary_key=True),
        FieldSpec("b", "string", length=8, primary_key=True),
        FieldSpec("v", "text"),
    )
)

TIMESPANS: dict[str, Timespan | None] = {
    "null": None,
    "empty": Timespan.makeEmpty(),
    "unbounded": Timespan(None, None),
    "early": Timespan(None, None, _nsec=(MIN_NSEC, 100)),
    "middle": Timespan(None, None, _nsec=(50, 150)),
    "late": Timespan(None, None, _nsec=(200, MAX_NSEC)),
    "point": Timespan(None, None, _nsec=(120, 121)),
}


class _FakeConflictError(Exception):
    """Stands for a driver's retryable error in the retry tests."""


def _treat_as_retryable(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    original = db.is_retryable
    monkeypatch.setattr(
        db, "is_retryable", lambda err: isinstance(err, _FakeConflictError) or original(err)
    )


class DatabaseTests(RegistryFixtures):
    """Tests of `Database` itself."""

    @pytest.fixture
    def scratch(self, database: Database) -> sa.Table:
        return database.ensure_tables({"scratch": SCRATCH_SPEC})["scratch"]

    @pytest.fixture
    def pairs(self, database: Database) -> sa.Table:
        return database.ensure_tables({"pairs": PAIR_SPEC})["pairs"]

    @staticmethod
    def _names(db: Database, table: sa.Table) -> list[str]:
        return [row.name for row in db.fetch_all(sa.select(table.c.name).order_by(table.c.name))]

    # ------------------------------------------------------------ transactions

    def test_commit_and_rollback(self, database: Database, scratch: sa.Table) -> None:
        with database.transaction(write=True):
            database.insert(scratch, [{"name": "kept"}])
        with pytest.raises(ValueError, match="boom"), database.transaction(write=True):
            database.insert(scratch, [{"name": "undone"}])
            raise ValueError("boom")
        assert self._names(database, scratch) == ["kept"]
        assert not database.in_transaction()

    def test_savepoint_undoes_only_the_inner_block(
        self, database: Database, scratch: sa.Table
    ) -> None:
        with database.transaction(write=True):
            database.insert(scratch, [{"name": "outer"}])
            with (
                pytest.raises(ValueError, match="inner"),
                database.transaction(write=True, savepoint=True),
            ):
                database.insert(scratch, [{"name": "inner"}])
                raise ValueError("inner")
            with database.transaction(write=True, savepoint=True):
                database.insert(scratch, [{"name": "second"}])
        assert self._names(database, scratch) == ["outer", "second"]

    def test_nested_without_savepoint_joins_the_outer_transaction(
        self, database: Database, scratch: sa.Table
    ) -> None:
        with pytest.raises(ValueError, match="late"), database.transaction(write=True):
            with database.transaction(write=True):
                database.insert(scratch, [{"name": "joined"}])
            raise ValueError("late")
        assert self._names(database, scratch) == []

    def test_write_cannot_nest_in_read(self, database: Database) -> None:
        with (
            database.transaction(),
            pytest.raises(RegistryError, match="write=True"),
            database.transaction(write=True),
        ):
            pass

    def test_read_only_database_refuses_writes(self, database: Database, scratch: sa.Table) -> None:
        database.insert(scratch, [{"name": "a"}])
        readonly = reopen(database, writeable=False)
        table = readonly.get_existing_tables({"scratch": SCRATCH_SPEC})["scratch"]
        assert self._names(readonly, table) == ["a"]
        with pytest.raises(ReadOnlyDatabaseError, match="read-only"):
            readonly.insert(table, [{"name": "b"}])

    def test_run_retries_the_whole_block(
        self, database: Database, scratch: sa.Table, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _treat_as_retryable(database, monkeypatch)
        calls: list[int] = []

        def block() -> str:
            calls.append(len(calls))
            database.insert(scratch, [{"name": f"try{len(calls)}"}])
            if len(calls) < 3:
                raise _FakeConflictError("conflict")
            return "done"

        before = database.conflicts_retried
        assert database.run(block, write=True) == "done"
        assert len(calls) == 3
        assert database.conflicts_retried - before == 2
        # The failed attempts were rolled back entirely.
        assert self._names(database, scratch) == ["try3"]

    def test_attempts_iterator_retries(
        self, database: Database, scratch: sa.Table, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _treat_as_retryable(database, monkeypatch)
        numbers = []
        for attempt in database.attempts(write=True):
            with attempt:
                numbers.append(attempt.number)
                database.insert(scratch, [{"name": f"n{attempt.number}"}])
                if attempt.number == 1:
                    raise _FakeConflictError("first")
        assert numbers == [1, 2]
        assert self._names(database, scratch) == ["n2"]

    def test_retries_give_up_with_a_clear_error(
        self, database: Database, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _treat_as_retryable(database, monkeypatch)
        database.retry_policy = RetryPolicy(max_attempts=3, initial_delay=0.001)
        calls = []

        def block() -> None:
            calls.append(1)
            raise _FakeConflictError("always")

        with pytest.raises(TransactionConflictError, match="Gave up after 3 attempts"):
            database.run(block, write=True)
        assert len(calls) == 3

    def test_other_errors_are_not_retried(self, database: Database) -> None:
        calls = []

        def block() -> None:
            calls.append(1)
            raise KeyError("not a conflict")

        with pytest.raises(KeyError, match="not a conflict"):
            database.run(block, write=True)
        assert calls == [1]

    def test_nested_run_does_not_retry_on_its_own(
        self, database: Database, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _treat_as_retryable(database, monkeypatch)
        inner_calls = []

        def inner() -> None:
            inner_calls.append(1)
            if len(inner_calls) == 1:
                raise _FakeConflictError("inner")

        database.run(lambda: database.run(inner, write=True), write=True)
        # The outer level retried, calling the inner block again.
        assert inner_calls == [1, 1]

    def test_commit_and_rollback_hooks(self, database: Database, scratch: sa.Table) -> None:
        events: list[str] = []
        with database.transaction(write=True):
            database.on_commit(lambda: events.append("commit"))
            database.on_rollback(lambda: events.append("rollback"))
            assert events == []
        assert events == ["commit"]
        events.clear()
        with pytest.raises(ValueError, match="x"), database.transaction(write=True):
            database.on_commit(lambda: events.append("commit"))
            database.on_rollback(lambda: events.append("rollback"))
            raise ValueError("x")
        assert events == ["rollback"]
        events.clear()
        with database.transaction(write=True):
            with (
                pytest.raises(ValueError, match="y"),
                database.transaction(write=True, savepoint=True),
            ):
                database.on_rollback(lambda: events.append("savepoint"))
                raise ValueError("y")
            assert events == ["savepoint"]
        database.on_commit(lambda: events.append("now"))
        assert events == ["savepoint", "now"]

    # ------------------------------------------------------------ tables

    def test_ensure_tables_is_idempotent(self, database: Database) -> None:
        first = database.ensure_tables({"scratch": SCRATCH_SPEC, "pairs": PAIR_SPEC})
        second = database.ensure_tables({"scratch": SCRATCH_SPEC})
        assert second["scratch"] is first["scratch"]
        assert {"scratch", "pairs"} <= database.table_names()
        other = reopen(database)
        assert set(other.get_existing_tables({"scratch": SCRATCH_SPEC, "nope": PAIR_SPEC})) == {
            "scratch"
        }

    def test_foreign_key_to_undeclared_table_is_refused(self, database: Database) -> None:
        from ..registry.databases import ForeignKeySpec

        spec = TableSpec(
            fields=(FieldSpec("a", "int", primary_key=True),),
            foreign_keys=(ForeignKeySpec("missing_table", ("a",), ("id",)),),
        )
        with pytest.raises(RegistryError, match="missing_table"):
            database.ensure_tables({"orphan": spec})

    def test_long_names_are_shrunk(self, database: Database) -> None:
        name = "x" * 200
        short = database.shrink_name(name)
        assert len(short) <= database.max_identifier_length
        assert short == database.shrink_name(name)
        assert database.shrink_name("short") == "short"

    # ------------------------------------------------------------ rows

    def test_insert_returns_keys_in_row_order(self, database: Database, scratch: sa.Table) -> None:
        names = [f"r{i}" for i in range(50)]
        ids = database.insert(scratch, [{"name": n} for n in names], returning="id")
        assert len(set(ids)) == 50
        rows = database.fetch_all(sa.select(scratch.c.id, scratch.c.name))
        assert {row.id: row.name for row in rows} == dict(zip(ids, names, strict=True))
        assert database.insert(scratch, []) == []

    def test_values_round_trip(self, database: Database, scratch: sa.Table) -> None:
        from ..sphgeom import Angle, Circle, UnitVector3d

        region = Circle(UnitVector3d(1.0, 0.0, 0.0), Angle(0.1))
        uid = uuid.uuid4()
        rows: list[dict[str, Any]] = [
            {
                "name": "full",
                "value": 2**40,
                "uid": uid,
                "ts": TIMESPANS["middle"],
                "flag": True,
                "x": 0.25,
                "digest": b"\x00\x01\xfe\xff",
                "when": nsec_to_time(123_456_789_000),
                "region": region,
            },
            {"name": "nulls"},
            {"name": "string-uuid", "uid": str(uid).upper()},
        ]
        database.insert(scratch, rows)
        got = {
            row["name"]: row
            for row in (
                database.decode_row(scratch, r) for r in database.fetch_all(sa.select(scratch))
            )
        }
        full = got["full"]
        assert full["value"] == 2**40
        assert full["uid"] == uid
        assert full["ts"] == TIMESPANS["middle"]
        assert full["flag"] is True
        assert full["x"] == 0.25
        assert bytes(full["digest"]) == b"\x00\x01\xfe\xff"
        assert time_to_nsec(full["when"]) == 123_456_789_000
        assert full["region"].encode() == region.encode()
        assert all(got["nulls"][k] is None for k in ("value", "uid", "ts", "when", "region"))
        assert got["string-uuid"]["uid"] == uid
        assert database.fetch_scalar(sa.select(scratch.c.name).where(scratch.c.uid == uid)) in {
            "full",
            "string-uuid",
        }

    @pytest.mark.parametrize("name", sorted(TIMESPANS), ids=sorted(TIMESPANS))
    def test_timespans_round_trip(self, database: Database, scratch: sa.Table, name: str) -> None:
        database.insert(scratch, [{"name": name, "ts": TIMESPANS[name]}])
        found = database.fetch_one(sa.select(scratch))
        assert found is not None
        row = database.decode_row(scratch, found)
        assert row["ts"] == TIMESPANS[name]

    @pytest.mark.parametrize(
        "query",
        [
            Timespan(None, None, _nsec=(60, 70)),
            Timespan(None, None, _nsec=(100, 200)),
            Timespan(None, None, _nsec=(0, 1)),
            Timespan(None, None),
        ],
        ids=["inside-middle", "gap", "first-ns", "unbounded"],
    )
    def test_timespan_predicates_agree_with_python(
        self, database: Database, scratch: sa.Table, query: Timespan
    ) -> None:
        database.insert(scratch, [{"name": n, "ts": t} for n, t in TIMESPANS.items()])
        ts = database.timespan(scratch.c, "ts")

        def names(where: sa.ColumnElement[bool]) -> set[str]:
            return {r.name for r in database.fetch_all(sa.select(scratch.c.name).where(where))}

        stored = {n: t for n, t in TIMESPANS.items() if t is not None}
        assert names(ts.overlaps(query)) == {n for n, t in stored.items() if t.overlaps(query)}
        assert names(ts.contains(query)) == {n for n, t in stored.items() if t.contains(query)}
        assert names(ts.isnull()) == {"null"}
        begin = query.nsec[0]
        expected = {
            n for n, t in stored.items() if not t.isEmpty() and t.nsec[0] <= begin < t.nsec[1]
        }
        assert names(ts.contains_nsec(begin)) == expected

    def test_string_length_is_enforced(self, database: Database, scratch: sa.Table) -> None:
        with pytest.raises(sa.exc.DBAPIError):
            database.insert(scratch, [{"name": "x" * 17}])
        database.insert(scratch, [{"name": "x" * 16}])

    def test_ensure_skips_existing_rows(self, database: Database, pairs: sa.Table) -> None:
        assert database.ensure(pairs, [{"a": 1, "b": "x", "v": "one"}]) == 1
        rows = [{"a": 1, "b": "x", "v": "changed"}, {"a": 2, "b": "x", "v": "two"}]
        assert database.ensure(pairs, rows) == 1
        got = {row.a: row.v for row in database.fetch_all(sa.select(pairs.c.a, pairs.c.v))}
        assert got == {1: "one", 2: "two"}
        assert database.ensure(pairs, []) == 0

    def test_replace_overwrites(self, database: Database, pairs: sa.Table) -> None:
        database.replace(pairs, [{"a": 1, "b": "x", "v": "one"}, {"a": 2, "b": "y", "v": "two"}])
        database.replace(pairs, [{"a": 1, "b": "x", "v": "new"}, {"a": 3, "b": "z", "v": "3"}])
        got = {row.a: row.v for row in database.fetch_all(sa.select(pairs.c.a, pairs.c.v))}
        assert got == {1: "new", 2: "two", 3: "3"}

    def test_sync_inserts_compares_and_updates(self, database: Database, scratch: sa.Table) -> None:
        first = database.sync(
            scratch, keys={"name": "s"}, compared={"value": 1}, extra={"flag": True},
            returning=["id"],
        )  # fmt: skip
        assert first.inserted
        assert first.returned is not None
        again = database.sync(scratch, keys={"name": "s"}, compared={"value": 1}, returning=["id"])
        assert not again.inserted
        assert again.updated is None
        assert again.returned == first.returned
        with pytest.raises(ConflictingDefinitionError, match=r"value: stored 1, given 2"):
            database.sync(scratch, keys={"name": "s"}, compared={"value": 2})
        updated = database.sync(scratch, keys={"name": "s"}, compared={"value": 2}, update=True)
        assert updated.updated == {"value": 1}
        assert database.fetch_scalar(sa.select(scratch.c.value)) == 2
        ts = TIMESPANS["middle"]
        database.sync(scratch, keys={"name": "t"}, compared={"ts": ts})
        assert not database.sync(scratch, keys={"name": "t"}, compared={"ts": ts}).inserted
        with pytest.raises(ConflictingDefinitionError, match="ts: stored"):
            database.sync(scratch, keys={"name": "t"}, compared={"ts": TIMESPANS["late"]})

    def test_sync_conflict_on_another_unique_key(
        self, database: Database, scratch: sa.Table
    ) -> None:
        [key] = database.insert(scratch, [{"name": "taken"}], returning="id")
        with pytest.raises(ConflictingDefinitionError, match="another unique key"):
            database.sync(scratch, keys={"id": key + 1000}, extra={"name": "taken"})

    def test_update_and_delete(self, database: Database, pairs: sa.Table) -> None:
        database.insert(pairs, [{"a": i, "b": str(i % 3), "v": "old"} for i in range(30)])
        count = database.update(
            pairs, {"a": "key"}, [{"key": 1, "v": "new1"}, {"key": 2, "v": "new2"}]
        )
        assert count in (2, -1)
        got = {row.a: row.v for row in database.fetch_all(sa.select(pairs.c.a, pairs.c.v))}
        assert got[1] == "new1"
        assert got[2] == "new2"
        assert got[3] == "old"
        assert database.delete(pairs, ["a"], [{"a": i} for i in range(10)]) == 10
        assert database.delete(pairs, ["a", "b"], [{"a": 10, "b": "1"}, {"a": 11, "b": "0"}]) == 1
        assert database.delete_where(pairs, pairs.c.b == "0") == 6
        assert database.fetch_scalar(sa.select(sa.func.count()).select_from(pairs)) == 13
        assert database.delete(pairs, ["a"], []) == 0

    def test_database_pickles_by_reopening(self, database: Database, scratch: sa.Table) -> None:
        database.insert(scratch, [{"name": "shared"}])
        copy = pickle.loads(pickle.dumps(database))
        assert type(copy) is type(database)
        assert copy.url == database.url
        table = copy.get_existing_tables({"scratch": SCRATCH_SPEC})["scratch"]
        assert self._names(copy, table) == ["shared"]
        assert "password" not in repr(copy)
