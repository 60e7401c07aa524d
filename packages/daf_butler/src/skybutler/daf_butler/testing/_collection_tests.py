"""Conformance tests of the collection manager."""

from __future__ import annotations

__all__ = ["CollectionTests"]

import re

import pytest
import sqlalchemy as sa

from .._collection_type import CollectionType
from .._timespan import Timespan
from ..errors import (
    CollectionCycleError,
    CollectionNameError,
    CollectionTypeError,
    MissingCollectionError,
    OrphanedRecordError,
)
from ..registry import RegistryManagers
from ..registry.collections import (
    CollectionManager,
    collection_field,
    collection_foreign_key,
    run_foreign_key,
)
from ..registry.databases import FieldSpec, TableSpec
from ._registry_base import RegistryFixtures

RUN, TAGGED, CHAINED, CALIBRATION = (
    CollectionType.RUN,
    CollectionType.TAGGED,
    CollectionType.CHAINED,
    CollectionType.CALIBRATION,
)

DATASETS_SPEC = TableSpec(
    fields=(
        FieldSpec("id", "int", primary_key=True, autoincrement=True),
        collection_field("run_id"),
    ),
    foreign_keys=(run_foreign_key(),),
)
"""Stands for the dataset table, which will refer to ``run`` the same way."""


def _names(records: object) -> list[str]:
    return [record.name for record in records]  # type: ignore[attr-defined]


class CollectionTests(RegistryFixtures):
    """Tests of `CollectionManager`."""

    @pytest.fixture
    def tree(self, collections: CollectionManager) -> CollectionManager:
        """Return runs a, b, c, tagged t, calibration k, inner = [b, t], outer = [a, inner, c]."""
        for name in "abc":
            collections.register(name)
        collections.register("t", TAGGED)
        collections.register("k", CALIBRATION)
        collections.register("inner", CHAINED)
        collections.register("outer", CHAINED)
        collections.set_chain("inner", ["b", "t"])
        collections.set_chain("outer", ["a", "inner", "c"])
        return collections

    # ------------------------------------------------------------ registration

    def test_register_is_idempotent(self, collections: CollectionManager) -> None:
        record, created = collections.register("run1", doc="first")
        assert created
        assert record.type is RUN
        again, created_again = collections.register("run1", RUN, doc="ignored")
        assert not created_again
        assert again == record
        assert collections.get_doc("run1") == "first"
        for ctype in (TAGGED, CHAINED, CALIBRATION):
            collections.register(f"c{ctype.value}", ctype)
            assert collections.get_type(f"c{ctype.value}") is ctype

    def test_register_with_other_type_fails(self, collections: CollectionManager) -> None:
        collections.register("x", TAGGED)
        with pytest.raises(CollectionTypeError, match=r"already exists as TAGGED.*as RUN"):
            collections.register("x", RUN)
        assert collections.get_type("x") is TAGGED

    @pytest.mark.parametrize(
        "name",
        ["", "x" * 65, "a*b", "a?", "a[1]", "a b", "a,b", "tab\tname", "nul\x00"],
        ids=["empty", "too-long", "star", "question", "brackets", "space", "comma", "tab", "nul"],
    )
    def test_bad_names_are_refused(self, collections: CollectionManager, name: str) -> None:
        with pytest.raises(CollectionNameError, match="Invalid collection name"):
            collections.register(name)
        assert collections.query(...) == []

    def test_good_names(self, collections: CollectionManager) -> None:
        for name in ["u/someone/run:2024-01-01T00.00.00Z", "x" * 64, "HSC/raw/all", "é-ü"]:
            collections.register(name)
            assert collections.find(name).name == name

    def test_missing_collection_suggests_names(self, collections: CollectionManager) -> None:
        collections.register("HSC/runs/RC2")
        with pytest.raises(MissingCollectionError, match=r"'HSC/runs/RC3'.*'HSC/runs/RC2'"):
            collections.get_type("HSC/runs/RC3")
        with pytest.raises(LookupError):
            collections.find("nothing-like-it")
        assert collections.get("nothing-like-it") is None

    def test_doc_get_set(self, collections: CollectionManager) -> None:
        collections.register("t", TAGGED)
        assert collections.get_doc("t") is None
        collections.set_doc("t", "Tagged for the paper.")
        assert collections.get_doc("t") == "Tagged for the paper."
        collections.set_doc("t", None)
        assert collections.get_doc("t") is None

    def test_run_records(self, collections: CollectionManager) -> None:
        collections.register("run")
        assert collections.get_run("run").host is None
        assert collections.get_run("run").timespan is None
        span = Timespan(None, None, _nsec=(1_000, 2_000))
        collections.update_run("run", host="node7", timespan=span)
        info = collections.get_run("run")
        assert (info.host, info.timespan) == ("node7", span)
        collections.register("t", TAGGED)
        with pytest.raises(CollectionTypeError, match="'t' is TAGGED"):
            collections.get_run("t")

    def test_failed_transaction_leaves_no_cached_collection(
        self, managers: RegistryManagers
    ) -> None:
        collections = managers.collections
        with pytest.raises(RuntimeError, match="abort"), managers.db.transaction(write=True):
            collections.register("ghost")
            assert collections.get_type("ghost") is RUN
            raise RuntimeError("abort")
        with pytest.raises(MissingCollectionError):
            collections.find("ghost")

    # ------------------------------------------------------------ chains

    def test_chain_order_and_edits(self, tree: CollectionManager) -> None:
        assert tree.get_chain("outer") == ("a", "inner", "c")
        tree.prepend("outer", ["k", "c"])
        assert tree.get_chain("outer") == ("k", "c", "a", "inner")
        tree.extend("outer", "k")
        assert tree.get_chain("outer") == ("c", "a", "inner", "k")
        tree.remove_from_chain("outer", ["a", "t"])
        assert tree.get_chain("outer") == ("c", "inner", "k")
        tree.set_chain("outer", ["b", "b", "a"])
        assert tree.get_chain("outer") == ("b", "a")
        tree.set_chain("outer", [])
        assert tree.get_chain("outer") == ()

    def test_set_chain_flatten(self, tree: CollectionManager) -> None:
        tree.register("flat", CHAINED)
        tree.set_chain("flat", ["outer", "k"], flatten=True)
        assert tree.get_chain("flat") == ("a", "b", "t", "c", "k")

    def test_chain_operations_check_types(self, tree: CollectionManager) -> None:
        with pytest.raises(CollectionTypeError, match="'a' is RUN"):
            tree.set_chain("a", ["b"])
        with pytest.raises(CollectionTypeError, match="'t' is TAGGED"):
            tree.get_chain("t")
        with pytest.raises(CollectionTypeError):
            tree.prepend("k", ["a"])

    def test_missing_child_leaves_chain_unchanged(self, tree: CollectionManager) -> None:
        with pytest.raises(MissingCollectionError, match="'bb'"):
            tree.prepend("outer", ["b", "bb"])
        with pytest.raises(MissingCollectionError, match="'nope'"):
            tree.set_chain("nope", ["a"])
        assert tree.get_chain("outer") == ("a", "inner", "c")

    def test_patterns_are_not_chain_children(self, tree: CollectionManager) -> None:
        with pytest.raises(CollectionNameError, match="ordered list"):
            tree.set_chain("outer", ["a*"])

    @pytest.mark.parametrize(
        ("chain", "children", "cycle"),
        [
            ("inner", ["inner"], "inner -> inner"),
            ("inner", ["a", "outer"], "inner -> outer -> inner"),
        ],
        ids=["self", "through-parent"],
    )
    def test_cycles_are_refused(
        self, tree: CollectionManager, chain: str, children: list[str], cycle: str
    ) -> None:
        before = tree.get_chain(chain)
        with pytest.raises(CollectionCycleError, match=re.escape(cycle)):
            tree.set_chain(chain, children)
        with pytest.raises(CollectionCycleError):
            tree.prepend(chain, children)
        assert tree.get_chain(chain) == before

    def test_deep_cycle_is_refused(self, tree: CollectionManager) -> None:
        tree.register("top", CHAINED)
        tree.set_chain("top", ["outer"])
        with pytest.raises(CollectionCycleError, match="inner -> top -> outer -> inner"):
            tree.extend("inner", "top")

    def test_flatten(self, tree: CollectionManager) -> None:
        assert _names(tree.flatten(["outer"])) == ["a", "b", "t", "c"]
        assert _names(tree.flatten(["c", "outer", "inner"])) == ["c", "a", "b", "t"]
        assert _names(tree.flatten("outer", include_chains=True)) == [
            "outer", "a", "inner", "b", "t", "c",
        ]  # fmt: skip
        assert _names(tree.flatten(["k"])) == ["k"]
        with pytest.raises(MissingCollectionError):
            tree.flatten(["outer", "missing"])

    def test_parents(self, tree: CollectionManager) -> None:
        tree.register("other", CHAINED)
        tree.set_chain("other", ["b"])
        assert tree.get_parents("b") == ["inner", "other"]
        assert tree.get_parents("inner") == ["outer"]
        assert tree.get_parents("outer") == []

    # ------------------------------------------------------------ search

    @pytest.mark.parametrize(
        ("expression", "expected"),
        [
            (..., ["a", "b", "c", "inner", "k", "outer", "t"]),
            ("*", ["a", "b", "c", "inner", "k", "outer", "t"]),
            ("", ["a", "b", "c", "inner", "k", "outer", "t"]),
            ("inner", ["inner"]),
            (["c", "a"], ["c", "a"]),
            ("?", ["a", "b", "c", "k", "t"]),
            ("[ab]", ["a", "b"]),
            ("[!ab]", ["c", "k", "t"]),
            ("[^ab]", ["c", "k", "t"]),
            ("*er", ["inner", "outer"]),
            (re.compile("[a-c]|in.*"), ["a", "b", "c", "inner"]),
            (["t", "?", re.compile("o.*")], ["t", "a", "b", "c", "k", "outer"]),
        ],
        ids=[
            "ellipsis", "star", "empty", "name", "names-in-order", "question", "class",
            "negated-bang", "negated-caret", "suffix", "regex", "mixed",
        ],
    )  # fmt: skip
    def test_query_expressions(
        self, tree: CollectionManager, expression: object, expected: list[str]
    ) -> None:
        assert _names(tree.query(expression)) == expected

    def test_query_filters_by_type(self, tree: CollectionManager) -> None:
        assert _names(tree.query(..., types=RUN)) == ["a", "b", "c"]
        assert _names(tree.query("*", types={TAGGED, CALIBRATION})) == ["k", "t"]
        assert _names(tree.query("outer", types=RUN)) == []

    def test_query_flattens_chains(self, tree: CollectionManager) -> None:
        assert _names(tree.query("outer", flatten_chains=True)) == ["a", "b", "t", "c"]
        assert _names(tree.query("outer", flatten_chains=True, include_chains=True)) == [
            "outer", "a", "inner", "b", "t", "c",
        ]  # fmt: skip
        assert _names(tree.query("outer", flatten_chains=True, types=TAGGED)) == ["t"]

    def test_query_unknown_name_fails_but_patterns_may_match_nothing(
        self, tree: CollectionManager
    ) -> None:
        with pytest.raises(MissingCollectionError, match=r"'inne'.*'inner'"):
            tree.query(["a", "inne"])
        assert tree.query("zz*") == []
        with pytest.raises(TypeError, match="not a name"):
            tree.query([3])

    # ------------------------------------------------------------ removal

    def test_remove_run_cascades(self, managers: RegistryManagers) -> None:
        db, collections = managers.db, managers.collections
        datasets = db.ensure_tables({"fake_dataset": DATASETS_SPEC})["fake_dataset"]
        run = collections.register("doomed")[0]
        keep = collections.register("kept")[0]
        db.insert(datasets, [{"run_id": run.key}] * 5 + [{"run_id": keep.key}] * 2)
        collections.remove("doomed")
        with pytest.raises(MissingCollectionError):
            collections.find("doomed")
        query = sa.select(datasets.c.run_id, sa.func.count().label("n")).group_by(datasets.c.run_id)
        counts = {row.run_id: row.n for row in db.fetch_all(query)}
        assert counts == {keep.key: 2}
        run_table = collections.tables["run"]
        assert db.fetch_scalar(sa.select(sa.func.count()).select_from(run_table)) == 1
        collections.register("doomed")  # the name is free again
        assert collections.find("doomed").key != run.key

    def test_chain_children_cannot_be_removed(self, tree: CollectionManager) -> None:
        tree.register("other", CHAINED)
        tree.set_chain("other", ["b"])
        with pytest.raises(OrphanedRecordError, match=r"\['inner', 'other'\]"):
            tree.remove("b")
        tree.remove_from_chain("inner", "b")
        tree.remove_from_chain("other", "b")
        tree.remove("b")
        assert tree.get("b") is None

    def test_removing_a_chain_keeps_its_children(self, tree: CollectionManager) -> None:
        tree.remove("outer")
        assert tree.get("outer") is None
        assert tree.get_parents("inner") == []
        assert tree.get_chain("inner") == ("b", "t")
        tree.remove("inner")
        assert _names(tree.query(...)) == ["a", "b", "c", "k", "t"]

    def test_remove_refused_while_referenced(self, managers: RegistryManagers) -> None:
        db, collections = managers.db, managers.collections
        spec = TableSpec(
            fields=(collection_field(primary_key=True),),
            foreign_keys=(collection_foreign_key(on_delete_cascade=False),),
        )
        pins = db.ensure_tables({"pins": spec})["pins"]
        record = collections.register("pinned", TAGGED)[0]
        db.insert(pins, [{"collection_id": record.key}])
        with pytest.raises(OrphanedRecordError, match="other records still refer to it"):
            collections.remove("pinned")
        assert collections.get_type("pinned") is TAGGED

    def test_remove_missing_collection(self, collections: CollectionManager) -> None:
        with pytest.raises(MissingCollectionError, match="'ghost'"):
            collections.remove("ghost")

    def test_cache_sees_other_processes_registrations(self, managers: RegistryManagers) -> None:
        from ._registry_base import reopen

        other = RegistryManagers.open(reopen(managers.db)).collections
        with pytest.raises(MissingCollectionError):
            managers.collections.find("late")
        other.register("late", TAGGED)
        assert managers.collections.get_type("late") is TAGGED
        other.remove("late")
        managers.collections.refresh()
        assert managers.collections.get("late") is None
