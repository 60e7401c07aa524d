"""The dataset type manager: registering, finding, querying and removing dataset types.

Each registered type is a `DatasetTypeRecord`: its row's key, the
`DatasetType` and the tables holding its datasets. Records are cached in
this process by name; writes through this manager update the cache, an
undone transaction empties it, and `DatasetTypeManager.refresh` forgets
what other processes may have changed.
"""

from __future__ import annotations

__all__ = ["DatasetTypeManager", "DatasetTypeRecord"]

import dataclasses
import difflib
from collections.abc import Mapping
from typing import Any, ClassVar

import sqlalchemy as sa

from ..._dataset_type import DatasetType
from ...dimensions import DimensionUniverse
from ...errors import (
    ConflictingDefinitionError,
    DatasetTypeError,
    MissingDatasetTypeError,
    OrphanedRecordError,
    StorageClassError,
)
from .._versioning import VersionedManager, VersionTuple
from ..collections import CollectionExpression, CollectionManager
from ..databases import AnyRow, Database, TableSpec
from ._groups import DimensionGroupStore
from ._summaries import CollectionSummaries
from ._tables import (
    DATASET_TABLE,
    DATASET_TYPE_TABLE,
    MAX_DATASET_TYPE_NAME,
    MAX_STORAGE_CLASS_NAME,
    DimensionForeignKeys,
    calibs_spec,
    calibs_table_name,
    dataset_type_table_specs,
    tags_spec,
    tags_table_name,
)


@dataclasses.dataclass(frozen=True, slots=True)
class DatasetTypeRecord:
    """A registered dataset type and where its datasets are."""

    key: int
    """The synthetic ``dataset_type.id``."""
    dataset_type: DatasetType
    dimensions_key: int
    """Key of the dataset type's dimension group."""
    tags: sa.Table
    """Table of its memberships in RUN and TAGGED collections."""
    calibs: sa.Table | None
    """Table of its certifications in CALIBRATION collections (calibration types only)."""

    @property
    def name(self) -> str:
        """The dataset type name."""
        return self.dataset_type.name

    @property
    def dimensions(self) -> tuple[str, ...]:
        """The required dimensions: the data ID columns of the tables, in order."""
        return tuple(self.dataset_type.dimensions.required)


def _differences(stored: DatasetType, given: DatasetType) -> list[str]:
    found = []
    if stored.dimensions != given.dimensions:
        found.append(f"dimensions {stored.dimensions} (registered) vs {given.dimensions} (given)")
    if stored.storageClass_name != given.storageClass_name:
        found.append(
            f"storage class {stored.storageClass_name!r} (registered) vs "
            f"{given.storageClass_name!r} (given)"
        )
    if stored.isCalibration() != given.isCalibration():
        found.append(
            f"isCalibration {stored.isCalibration()} (registered) vs {given.isCalibration()} "
            "(given)"
        )
    return found


class DatasetTypeManager(VersionedManager):
    """Dataset types of a repository and the tables of their datasets.

    Parameters
    ----------
    db
        The registry database.
    tables
        The repository's static tables by name (those of `table_specs` and
        ``dataset``).
    universe
        The repository's dimension universe.
    collections
        The collection manager (to name runs in messages).
    dimension_foreign_keys
        Returns the foreign key from dataset tables to a dimension's table;
        `None` (the default) adds no such keys. Applied to tables created
        from then on.
    """

    short_name: ClassVar[str] = "dataset_types"
    schema_version: ClassVar[VersionTuple] = VersionTuple(1, 0, 1)

    def __init__(
        self,
        db: Database,
        tables: Mapping[str, sa.Table],
        universe: DimensionUniverse,
        collections: CollectionManager,
        *,
        dimension_foreign_keys: DimensionForeignKeys | None = None,
    ) -> None:
        self._db = db
        self._universe = universe
        self._collections = collections
        self._table = tables[DATASET_TYPE_TABLE]
        self._dataset = tables[DATASET_TABLE]
        self._groups = DimensionGroupStore(db, tables, universe)
        self._hook = dimension_foreign_keys
        self.summaries = CollectionSummaries(
            db, tables, universe, collections, dimension_foreign_keys
        )
        """The collection summary tables."""
        self._by_name: dict[str, DatasetTypeRecord] = {}
        self._by_key: dict[int, DatasetTypeRecord] = {}

    @classmethod
    def table_specs(cls) -> dict[str, TableSpec]:
        return dataset_type_table_specs()

    @property
    def universe(self) -> DimensionUniverse:
        """The repository's dimension universe."""
        return self._universe

    # ------------------------------------------------------------ cache

    def refresh(self) -> None:
        """Forget every cached dataset type (they are read again when needed)."""
        self._by_name = {}
        self._by_key = {}
        self.summaries.refresh()

    def _remember(self, record: DatasetTypeRecord) -> None:
        self._by_name[record.name] = record
        self._by_key[record.key] = record
        self._db.on_rollback(self.refresh)

    def _select(self) -> sa.Select[Any]:
        c = self._table.c
        return sa.select(
            c.id,
            c.name,
            c.storage_class,
            c.dimensions_key,
            c.tag_association_table,
            c.calibration_association_table,
        )

    def _record(self, row: AnyRow) -> DatasetTypeRecord:
        key, name, storage_class, dimensions_key, tags_name, calibs_name = row
        group = self._groups.group(int(dimensions_key))
        dataset_type = DatasetType(
            name, group, storage_class, isCalibration=calibs_name is not None
        )
        tags = self._db.define_table(tags_name, tags_spec(group, self._hook))
        calibs = (
            None
            if calibs_name is None
            else self._db.define_table(calibs_name, calibs_spec(group, self._hook))
        )
        return DatasetTypeRecord(int(key), dataset_type, int(dimensions_key), tags, calibs)

    def _read(self, name: str) -> DatasetTypeRecord | None:
        row = self._db.fetch_one(self._select().where(self._table.c.name == name))
        if row is None:
            return None
        record = self._record(row)
        self._remember(record)
        return record

    def read_all(self) -> list[DatasetTypeRecord]:
        """Read every registered dataset type's record again, in name order.

        Reading a record declares its tag and calibration tables, so after
        this call the database's metadata knows every table of the registry.
        """
        rows = self._db.fetch_all(self._select().order_by(self._table.c.name))
        records = [self._record(row) for row in rows]
        self._by_name = {r.name: r for r in records}
        self._by_key = {r.key: r for r in records}
        self._db.on_rollback(self.refresh)
        return records

    # ------------------------------------------------------------ lookups

    def _missing(self, name: str) -> MissingDatasetTypeError:
        names = [row[0] for row in self._db.fetch_all(sa.select(self._table.c.name))]
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        return MissingDatasetTypeError(
            f"Dataset type {name!r} is not registered.{hint} Register it first "
            "(Registry.registerDatasetType)."
        )

    def record(self, name: str) -> DatasetTypeRecord:
        """Return the record of a registered (parent) dataset type.

        Raises
        ------
        MissingDatasetTypeError
            The type is not registered; the message suggests close names.
        """
        record = self._by_name.get(name)
        if record is None:
            record = self._read(name)
            if record is None:
                raise self._missing(name)
        return record

    def record_by_key(self, key: int) -> DatasetTypeRecord:
        """Return the record of a dataset type by its key.

        Raises
        ------
        MissingDatasetTypeError
            No dataset type has this key (any more).
        """
        record = self._by_key.get(key)
        if record is None:
            self.read_all()
            record = self._by_key.get(key)
            if record is None:
                raise MissingDatasetTypeError(f"No dataset type has key {key}.")
        return record

    def get(self, name: str) -> DatasetType:
        """Return a registered dataset type, or a component of one.

        Raises
        ------
        MissingDatasetTypeError
            Neither the type nor (for a component) its parent is registered,
            or the parent's storage class has no such component.
        """
        root, component = DatasetType.splitDatasetTypeName(name)
        parent = self.record(root).dataset_type
        if component is None:
            return parent
        try:
            return parent.makeComponentDatasetType(component)
        except (DatasetTypeError, StorageClassError) as err:
            raise MissingDatasetTypeError(
                f"Dataset type {name!r} does not exist: {root!r} is registered, but {err}"
            ) from None

    def resolve(self, dataset_type: DatasetType | str) -> tuple[DatasetTypeRecord, DatasetType]:
        """Return the record of a dataset type and the type to give to references.

        A `DatasetType` must match the registered one, except that its
        storage class may be another one the registered type converts to;
        that type is then the one returned. Components are refused.

        Raises
        ------
        MissingDatasetTypeError
            The type is not registered.
        ConflictingDefinitionError
            The given definition differs from the registered one.
        DatasetTypeError
            The type is a component.
        """
        name = dataset_type if isinstance(dataset_type, str) else dataset_type.name
        if DatasetType.splitDatasetTypeName(name)[1] is not None:
            raise DatasetTypeError(
                f"Dataset type {name!r} is a component; datasets are inserted, found and "
                "stored as their composite (here "
                f"{DatasetType.splitDatasetTypeName(name)[0]!r})."
            )
        record = self.record(name)
        if isinstance(dataset_type, str) or dataset_type == record.dataset_type:
            return record, record.dataset_type
        if not record.dataset_type.is_compatible_with(dataset_type):
            details = "; ".join(_differences(record.dataset_type, dataset_type))
            raise ConflictingDefinitionError(
                f"Dataset type {dataset_type!r} differs from the registered {name!r}: "
                f"{details}. Use the registered definition."
            )
        return record, dataset_type

    def query(
        self, expression: Any = ..., *, missing: list[str] | None = None
    ) -> list[DatasetType]:
        """Return the dataset types matching an expression, sorted by name.

        Parameters
        ----------
        expression
            A name (a component name gives that component), a glob
            (``*``, ``?``, ``[...]``), a compiled regular expression, ``...``
            for every type, or an iterable of these.
        missing
            If given, plain names that match nothing are appended to it.
        """
        parsed = CollectionExpression.parse(expression)
        result: dict[str, DatasetType] = {}
        records = self.read_all() if parsed.has_patterns else []
        if parsed.everything:
            result.update((r.name, r.dataset_type) for r in records)
        for item in parsed.items:
            if isinstance(item, str):
                try:
                    result[item] = self.get(item)
                except MissingDatasetTypeError:
                    if missing is not None:
                        missing.append(item)
            else:
                result.update((r.name, r.dataset_type) for r in records if item.fullmatch(r.name))
        return [result[name] for name in sorted(result)]

    # ------------------------------------------------------------ writes

    def register(self, dataset_type: DatasetType) -> bool:
        """Register a dataset type and create the tables its datasets need.

        Returns
        -------
        inserted
            `True` if the type was registered now, `False` if it already was
            with the same definition.

        Raises
        ------
        DatasetTypeError
            The type is a component (only composites are registered), or its
            dimensions belong to another universe.
        ConflictingDefinitionError
            A type of this name is registered with another definition; the
            message says what differs.
        """
        if dataset_type.isComponent():
            raise DatasetTypeError(
                f"Dataset type {dataset_type.name!r} is a component; register its composite "
                f"{dataset_type.nameAndComponent()[0]!r} instead (components come with it)."
            )
        for value, limit, what in (
            (dataset_type.name, MAX_DATASET_TYPE_NAME, "name"),
            (dataset_type.storageClass_name, MAX_STORAGE_CLASS_NAME, "storage class name"),
        ):
            if len(value) > limit:
                raise DatasetTypeError(
                    f"Dataset type {dataset_type.name!r}: its {what} has {len(value)} characters; "
                    f"the registry stores at most {limit}."
                )
        group = dataset_type.dimensions
        if group.universe is not self._universe:
            raise DatasetTypeError(
                f"Dataset type {dataset_type.name!r} uses dimensions of another universe "
                f"({group.universe}); this repository's is {self._universe}."
            )
        existing = self._by_name.get(dataset_type.name)
        if existing is not None and existing.dataset_type == dataset_type:
            return False

        def work() -> bool:
            record = self._read(dataset_type.name)
            if record is not None:
                self._check_same(record.dataset_type, dataset_type)
                return False
            key = self._groups.ensure(group)
            names = {"tag_association_table": tags_table_name(key)}
            specs = {names["tag_association_table"]: tags_spec(group, self._hook)}
            if dataset_type.isCalibration():
                names["calibration_association_table"] = calibs_table_name(key)
                specs[names["calibration_association_table"]] = calibs_spec(group, self._hook)
            specs.update(self.summaries.governor_specs(group.governors))
            self._db.ensure_tables(specs)
            inserted = self._db.ensure(
                self._table,
                [
                    {
                        "name": dataset_type.name,
                        "storage_class": dataset_type.storageClass_name,
                        "dimensions_key": key,
                        **names,
                    }
                ],
            )
            record = self._read(dataset_type.name)
            assert record is not None
            if not inserted:  # registered concurrently
                self._check_same(record.dataset_type, dataset_type)
            return bool(inserted)

        return self._db.run(work, write=True)

    @staticmethod
    def _check_same(stored: DatasetType, given: DatasetType) -> None:
        differences = _differences(stored, given)
        if differences:
            raise ConflictingDefinitionError(
                f"Dataset type {given.name!r} is already registered with another definition: "
                f"{'; '.join(differences)}. Use the registered definition, or remove the "
                "registered type first (only possible while it has no datasets)."
            )

    def remove(self, expression: Any) -> list[str]:
        """Remove dataset types that have no datasets.

        Parameters
        ----------
        expression
            Names, globs or regular expressions (see `query`).

        Returns
        -------
        removed
            Names of the removed types. Names that are not registered are
            ignored, as upstream does: removing is idempotent.

        Raises
        ------
        DatasetTypeError
            A plain name is a component.
        OrphanedRecordError
            Datasets of a type exist; the message says how many and in which
            runs, and nothing is removed.
        """
        parsed = CollectionExpression.parse(expression)
        for name in parsed.names:
            if DatasetType.splitDatasetTypeName(name)[1] is not None:
                raise DatasetTypeError(
                    f"Dataset type {name!r} is a component; it cannot be removed on its own."
                )

        def work() -> list[DatasetTypeRecord]:
            types = self.query(expression)
            records = [self.record(t.name) for t in types]
            for record in records:
                self._check_unused(record)
            if records:
                try:
                    with self._db.transaction(write=True, savepoint=True):
                        self._db.delete(self._table, ["id"], [{"id": r.key} for r in records])
                except sa.exc.IntegrityError:
                    # A concurrent insertion won the race; report it as the check would have.
                    for record in records:
                        self._check_unused(record)
                    raise
            return records

        records = self._db.run(work, write=True)
        for record in records:
            self._by_name.pop(record.name, None)
            self._by_key.pop(record.key, None)
        self.summaries.refresh()
        return [record.name for record in records]

    def _check_unused(self, record: DatasetTypeRecord) -> None:
        c = self._dataset.c
        rows = self._db.fetch_all(
            sa.select(c.run_id, sa.func.count())
            .where(c.dataset_type_id == record.key)
            .group_by(c.run_id)
        )
        if not rows:
            return
        runs = self._collections.by_keys(row[0] for row in rows)
        counts = sorted(
            ((runs[row[0]].name if row[0] in runs else str(row[0])), int(row[1])) for row in rows
        )
        total = sum(count for _, count in counts)
        shown = ", ".join(f"{name!r} ({count})" for name, count in counts[:10])
        more = f" and {len(counts) - 10} more" if len(counts) > 10 else ""
        raise OrphanedRecordError(
            f"Dataset type {record.name!r} cannot be removed: {total} dataset(s) of it exist in "
            f"run(s) {shown}{more}. Remove those datasets (or their runs) first."
        )
