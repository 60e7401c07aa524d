"""`ChainedDatastore`: several datastores used as one.

Configuration: ``datastores`` (a list of datastore sections, each with its
own ``cls``) and optionally ``datastore_constraints`` (one entry per member,
``{constraints: {accept/reject}}`` or null) and ``read_only`` (a list of
member indices or names that are never written). A put goes to every
writable member that accepts the dataset and succeeds if at least one
does; a get is served by the first member that holds the dataset.
"""

from __future__ import annotations

__all__ = ["ChainedDatastore"]

import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import DatastoreConfigError
from ._base import DatasetRefURIs, Datastore
from ._constraints import Constraints

if TYPE_CHECKING:
    from skybutler.resources import ResourcePath

    from .._dataset_ref import DatasetRef
    from .._storage_class import StorageClass


class ChainedDatastore(Datastore):
    """A list of member datastores.

    Parameters
    ----------
    config
        The ``datastore`` section.
    make_member
        Builds a member from its configuration section (the factory).
    """

    short_name: ClassVar[str] = "chained"

    def __init__(
        self, config: Mapping[str, Any], make_member: Callable[[Mapping[str, Any]], Datastore]
    ) -> None:
        members_config = config.get("datastores")
        if not isinstance(members_config, list) or not members_config:
            raise DatastoreConfigError(
                "A chained datastore needs 'datastores': a non-empty list of datastore sections."
            )
        self.datastores: list[Datastore] = [
            make_member(member.get("datastore", member)) for member in members_config
        ]
        names = [member.name for member in self.datastores]
        default_name = "ChainedDatastore[" + ",".join(names) + "]"
        super().__init__(config, str(config.get("name") or default_name))
        extra = config.get("datastore_constraints") or [None] * len(self.datastores)
        if len(extra) != len(self.datastores):
            raise DatastoreConfigError(
                f"'datastore_constraints' has {len(extra)} entries for {len(self.datastores)} "
                "datastores; give one per datastore (null for none)."
            )
        self._member_constraints = [
            Constraints((entry or {}).get("constraints")) for entry in extra
        ]
        read_only = set(config.get("read_only") or ())
        self._writable = [
            index not in read_only and member.name not in read_only
            for index, member in enumerate(self.datastores)
        ]

    def roots(self) -> dict[str, ResourcePath | None]:
        """See `Datastore.roots`."""
        result: dict[str, ResourcePath | None] = {}
        for member in self.datastores:
            result.update(member.roots())
        return result

    def _accepting(self, ref: DatasetRef) -> list[Datastore]:
        return [
            member
            for member, constraints, writable in zip(
                self.datastores, self._member_constraints, self._writable, strict=True
            )
            if writable and constraints.accepts(ref)
        ]

    # ------------------------------------------------------------ reading

    def knows_these(self, refs: Iterable[DatasetRef]) -> dict[DatasetRef, bool]:
        """See `Datastore.knows_these`."""
        wanted = list(refs)
        result = dict.fromkeys(wanted, False)
        for member in self.datastores:
            todo = [ref for ref in wanted if not result[ref]]
            if not todo:
                break
            result.update({ref: True for ref, known in member.knows_these(todo).items() if known})
        return result

    def mexists(self, refs: Iterable[DatasetRef]) -> dict[DatasetRef, bool]:
        """See `Datastore.mexists`."""
        wanted = list(refs)
        result = dict.fromkeys(wanted, False)
        for member in self.datastores:
            todo = [ref for ref in wanted if not result[ref]]
            if not todo:
                break
            result.update({ref: True for ref, present in member.mexists(todo).items() if present})
        return result

    def _first_holding(self, ref: DatasetRef) -> Datastore | None:
        for member in self.datastores:
            if member.knows(ref):
                return member
        return None

    def get(
        self,
        ref: DatasetRef,
        parameters: Mapping[str, Any] | None = None,
        storageClass: StorageClass | str | None = None,
    ) -> Any:
        """See `Datastore.get`."""
        member = self._first_holding(ref)
        if member is None:
            raise self._missing(ref)
        return member.get(ref, parameters=parameters, storageClass=storageClass)

    def getURIs(self, ref: DatasetRef, predict: bool = False) -> DatasetRefURIs:
        """See `Datastore.getURIs`."""
        member = self._first_holding(ref)
        if member is not None:
            return member.getURIs(ref)
        if predict:
            accepting = self._accepting(ref)
            if accepting:
                return accepting[0].getURIs(ref, predict=True)
        raise self._missing(ref)

    # ------------------------------------------------------------ writing

    def put_many(self, items: Iterable[tuple[Any, DatasetRef]]) -> list[DatasetRef]:
        """See `Datastore.put_many`."""
        pairs = [(obj, ref) for obj, ref in items if self.constraints.accepts(ref)]
        stored: dict[DatasetRef, None] = {}
        with contextlib.ExitStack() as stack:
            transactions = [stack.enter_context(member.transaction()) for member in self.datastores]
            del transactions
            for member in self.datastores:
                batch = [(obj, ref) for obj, ref in pairs if member in self._accepting(ref)]
                if batch:
                    for ref in member.put_many(batch):
                        stored[ref] = None
        ids = list(stored)
        self._register_undo("put", lambda: self.forget_and_delete(ids))
        return ids

    def forget_and_delete(self, refs: Sequence[DatasetRef]) -> None:
        """Remove datasets from every member (used to undo a put)."""
        for member in self.datastores:
            held = [ref for ref, known in member.knows_these(refs).items() if known]
            if held:
                member.remove(held)

    def trash(self, refs: DatasetRef | Iterable[DatasetRef], ignore_errors: bool = True) -> None:
        """See `Datastore.trash`."""
        from .._dataset_ref import DatasetRef

        wanted = [refs] if isinstance(refs, DatasetRef) else list(refs)
        if not ignore_errors:
            for ref, known in self.knows_these(wanted).items():
                if not known:
                    raise self._missing(ref)
        for member, writable in zip(self.datastores, self._writable, strict=True):
            if writable:
                member.trash(wanted, ignore_errors=True)

    def emptyTrash(self, ignore_errors: bool = True) -> None:
        """See `Datastore.emptyTrash`."""
        for member, writable in zip(self.datastores, self._writable, strict=True):
            if writable:
                member.emptyTrash(ignore_errors=ignore_errors)

    def forget(self, refs: Iterable[DatasetRef]) -> None:
        """See `Datastore.forget`."""
        wanted = list(refs)
        for member in self.datastores:
            member.forget(wanted)

    # ------------------------------------------------------------ records in and out

    def export_records(self, refs: Iterable[DatasetRef]) -> dict[str, list[dict[str, Any]]]:
        """See `Datastore.export_records`."""
        wanted = list(refs)
        result: dict[str, list[dict[str, Any]]] = {}
        for member in self.datastores:
            result.update(member.export_records(wanted))
        return result

    def import_records(self, data: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        """See `Datastore.import_records`."""
        for member in self.datastores:
            member.import_records(data)

    def close(self) -> None:
        """See `Datastore.close`."""
        for member in self.datastores:
            member.close()

    def validateConfiguration(self, entities: Iterable[Any], logFailures: bool = False) -> None:
        """See `Datastore.validateConfiguration`."""
        wanted = list(entities)
        for member in self.datastores:
            member.validateConfiguration(
                [e for e in wanted if member.constraints.accepts(e)], logFailures
            )
