"""`FileDatastore`: datasets as files under a root URI (local, S3, WebDAV...), with records.

Configuration keys (the ``datastore`` section): ``root`` (any URI;
``<butlerRoot>`` is replaced by the repository root), ``name``
(default ``FileDatastore@<root as written>``), ``create`` (make the root),
``records.table`` (records table name), ``checksum`` (record blake2b
digests), ``trust_get_request`` (read files that have no records, finding
them through the templates), ``templates``, ``formatters``, ``composites``,
``constraints`` and ``cached``.
"""

from __future__ import annotations

__all__ = ["FileDatastore"]

import contextlib
import os
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from skybutler.resources import ResourceError, ResourcePath

from ... import _progress as progress
from ...errors import (
    ConflictingDefinitionError,
    DatasetAlreadyStoredError,
    DatastoreConfigError,
    DatastoreError,
    DatastoreUnavailableError,
    FileTemplateError,
    FormatterError,
    StorageClassConversionError,
)
from ...formatters import FormatterFactory
from .._base import DatasetRefURIs, Datastore
from .._records import DatastoreRecordStore, InMemoryRecordStore, StoredFileInfo
from ._cache import DatastoreCacheManager
from ._composites import CompositesMap
from ._deleting import delete_paths
from ._get import FileReader
from ._journal import WriteJournal, pending_paths, recover_journals
from ._put import FileWriter
from ._templates import FileTemplates
from ._trash_area import TrashArea, common_directory

if TYPE_CHECKING:
    from ..._dataset_ref import DatasetRef
    from ..._storage_class import StorageClass
    from ...dimensions import DimensionUniverse
    from ...transfers import FileDataset

_RECORD_CACHE_LIMIT = 200_000
_TRASH_AREA_FILES = 1_000


def _as_refs(refs: DatasetRef | Iterable[DatasetRef]) -> list[DatasetRef]:
    from ..._dataset_ref import DatasetRef

    return [refs] if isinstance(refs, DatasetRef) else list(refs)


class FileDatastore(Datastore):
    """Datasets stored as files, one per dataset or per component.

    Parameters
    ----------
    config
        The ``datastore`` configuration section.
    record_store
        Where records are kept; default in this process only.
    butlerRoot
        Replaces ``<butlerRoot>`` in ``root``.
    universe
        Dimension universe, to validate templates keyed by dimensions now.

    Raises
    ------
    DatastoreConfigError
        The configuration is incomplete or malformed.
    DatastoreUnavailableError
        The root cannot be reached or created.
    FileTemplateError
        A template is malformed or not unique for the dimensions it is keyed by.
    """

    short_name: ClassVar[str] = "file"

    def __init__(
        self,
        config: Mapping[str, Any],
        record_store: DatastoreRecordStore | None = None,
        *,
        butlerRoot: str | ResourcePath | None = None,
        universe: DimensionUniverse | None = None,
    ) -> None:
        raw_root = config.get("root")
        if not raw_root:
            raise DatastoreConfigError("A file datastore needs a 'root' (a directory URI).")
        raw_root = str(raw_root)
        name = str(config.get("name") or f"FileDatastore@{raw_root}")
        super().__init__(config, name)
        if "<butlerRoot>" in raw_root:
            if butlerRoot is None:
                raise DatastoreConfigError(
                    f"Datastore root {raw_root!r} holds <butlerRoot>; give the repository root."
                )
            raw_root = raw_root.replace("<butlerRoot>", str(butlerRoot).rstrip("/"))
        self.root = ResourcePath(raw_root, forceDirectory=True)
        if config.get("create", True):
            try:
                self.root.mkdir()
            except (ResourceError, OSError) as exc:
                raise DatastoreUnavailableError(
                    f"Cannot create the root {self.root} of datastore {self.name!r}: {exc}. "
                    "Check the URI, the credentials and that the server is up."
                ) from exc
        records = config.get("records") or {}
        self.records_table = str(records.get("table") or "file_datastore_records")
        self.trustGetRequest = bool(config.get("trust_get_request", False))
        self.templates = FileTemplates(config.get("templates"), universe)
        self.formatterFactory = FormatterFactory(config.get("formatters"))
        self.composites = CompositesMap(config.get("composites"))
        self.cacheManager = DatastoreCacheManager(
            config.get("cached") if not self.root.isLocal else {"expiry": {"mode": "disabled"}}
        )
        self._writer = FileWriter(
            self.root,
            self.templates,
            self.formatterFactory,
            self.composites,
            bool(config.get("checksum", False)),
        )
        self._reader = FileReader(self.root, self.cacheManager)
        self._store = record_store if record_store is not None else InMemoryRecordStore()
        self._records: dict[uuid.UUID, list[StoredFileInfo]] = {}
        self._validated: set[str] = set()
        self._journal: WriteJournal | None = None
        self._trash_area = TrashArea(self.root.ospath) if self.root.isLocal else None
        self._defer_deletion = False
        self.recovered = 0
        """How many files left by killed writers were deleted when this datastore opened."""
        if self.root.isLocal and self._store.persistent:
            self._journal = WriteJournal(self.root.ospath)
            if self._store.is_writeable():
                self.recovered = self.recover()

    def close(self) -> None:
        """Delete this writer's empty journal (see `WriteJournal.close`)."""
        if self._journal is not None:
            self._journal.close()

    def recover(self) -> int:
        """Delete files left by writers killed before their records were committed.

        Runs when a writeable repository is opened; only files listed in the
        journals of dead writers are considered (see `recover_journals`).

        Returns
        -------
        count
            The number of files deleted.
        """
        if self._journal is None:
            return 0

        from ._zip import stored_file

        def recorded(ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
            # A record of a Zip member names the Zip (journalled by its own path).
            return {k: [stored_file(i.path) for i in v] for k, v in self._store.fetch(ids).items()}

        return recover_journals(self.root.ospath, recorded)

    def _journal_begin(self, entries: Iterable[tuple[uuid.UUID, str]]) -> str | None:
        """Journal files about to be created; resolved by `_journal_resolve`."""
        if self._journal is None:
            return None
        return self._journal.begin(entries)

    def _journal_resolve(self, batch: str | None, *, stored: bool) -> None:
        """Mark a batch done once its records commit or roll back (now if none were stored)."""
        journal = self._journal
        if journal is None or batch is None:
            return
        if stored:
            self._store.when_resolved(lambda _committed: journal.done(batch))
        else:
            journal.done(batch)

    def roots(self) -> dict[str, ResourcePath | None]:
        return {self.name: self.root}

    # ------------------------------------------------------------ records

    def _remember(self, infos: Iterable[StoredFileInfo]) -> None:
        if len(self._records) > _RECORD_CACHE_LIMIT:
            self._records.clear()
        for info in infos:
            self._records.setdefault(info.dataset_id, []).append(info)

    def _forget_cached(self, ids: Iterable[uuid.UUID]) -> None:
        for dataset_id in ids:
            self._records.pop(dataset_id, None)

    def _infos(self, refs: Sequence[DatasetRef]) -> dict[uuid.UUID, list[StoredFileInfo]]:
        found: dict[uuid.UUID, list[StoredFileInfo]] = {}
        missing = []
        for ref in refs:
            cached = self._records.get(ref.id)
            if cached is not None:
                found[ref.id] = cached
                continue
            attached = (ref.datastore_records or {}).get(self.name)
            if attached:
                found[ref.id] = [
                    r if isinstance(r, StoredFileInfo) else StoredFileInfo.from_record(r)
                    for r in attached
                ]
                continue
            missing.append(ref)
        if missing:
            fetched = self._store.fetch(ref.id for ref in missing)
            found.update(fetched)
            if self.trustGetRequest:
                for ref in missing:
                    if ref.id not in fetched:
                        predicted = self._predict_existing(ref)
                        if predicted:
                            found[ref.id] = predicted
        return found

    def _predict(self, ref: DatasetRef) -> list[StoredFileInfo]:
        ref = ref.makeCompositeRef() if ref.isComponent() else ref
        if self.composites.shouldBeDisassembled(ref):
            names = list(ref.datasetType.storageClass.components)
            artifacts = [self._writer.artifact(ref.makeComponentRef(n), None, n) for n in names]
        else:
            artifacts = [self._writer.artifact(ref, None, None)]
        return [
            StoredFileInfo(ref.id, a.path, a.formatter_name, a.storage_class, a.component)
            for a in artifacts
        ]

    def _predict_existing(self, ref: DatasetRef) -> list[StoredFileInfo]:
        try:
            predicted = self._predict(ref)
        except (FileTemplateError, FormatterError):
            return []
        present = ResourcePath.mexists(self._reader.uri(info) for info in predicted)
        return [info for info in predicted if present[self._reader.uri(info)]]

    # ------------------------------------------------------------ reading

    def knows_these(self, refs: Iterable[DatasetRef]) -> dict[DatasetRef, bool]:
        wanted = list(refs)
        unknown = [ref for ref in wanted if ref.id not in self._records]
        held = self._store.known(ref.id for ref in unknown) if unknown else set()
        result = {ref: ref.id in self._records or ref.id in held for ref in wanted}
        if self.trustGetRequest:
            for ref, known in result.items():
                if not known:
                    result[ref] = bool(self._predict_existing(ref))
        return result

    def mexists(self, refs: Iterable[DatasetRef]) -> dict[DatasetRef, bool]:
        wanted = list(refs)
        infos = self._infos(wanted)
        result: dict[DatasetRef, bool] = {}
        remote: dict[DatasetRef, list[ResourcePath]] = {}
        local_root = self.root.ospath if self.root.isLocal else None
        for ref in wanted:
            files = infos.get(ref.id)
            if not files:
                result[ref] = False
            elif any("#zip-path=" in f.path for f in files):
                from ._zip import member_exists

                result[ref] = all(member_exists(self.root, f.path) for f in files)
            elif local_root is not None and not any("://" in f.path for f in files):
                result[ref] = all(os.path.exists(os.path.join(local_root, f.path)) for f in files)
            else:
                remote[ref] = [self._reader.uri(f) for f in files]
        if remote:
            present = ResourcePath.mexists(uri for uris in remote.values() for uri in uris)
            for ref, uris in remote.items():
                result[ref] = all(present[uri] for uri in uris)
        return result

    def get(
        self,
        ref: DatasetRef,
        parameters: Mapping[str, Any] | None = None,
        storageClass: StorageClass | str | None = None,
    ) -> Any:
        infos = self._infos([ref]).get(ref.id)
        if not infos:
            raise self._missing(ref)
        return self._reader.read(ref, infos, parameters, storageClass)

    def getURIs(self, ref: DatasetRef, predict: bool = False) -> DatasetRefURIs:
        infos = self._infos([ref]).get(ref.id)
        fragment = ""
        if not infos:
            if not predict:
                raise self._missing(ref)
            infos = self._predict(ref)
            fragment = "#predicted"
        uris = {
            info.component: ResourcePath(str(self._reader.uri(info)) + fragment) for info in infos
        }
        if None in uris:
            return DatasetRefURIs(uris[None], {})
        return DatasetRefURIs(None, {str(k): v for k, v in uris.items()})

    # ------------------------------------------------------------ writing

    def _conform(self, obj: Any, ref: DatasetRef) -> Any:
        storage_class = ref.datasetType.storageClass
        try:
            return storage_class.coerce_type(obj)
        except StorageClassConversionError as exc:
            raise StorageClassConversionError(
                f"Cannot put a {type(obj).__name__} as {ref}: {exc}"
            ) from exc

    def _check_type(self, ref: DatasetRef) -> None:
        name = ref.datasetType.name
        if name not in self._validated:
            self.templates.getTemplate(ref.datasetType).validate(ref.datasetType)
            self._validated.add(name)

    def put_many(self, items: Iterable[tuple[Any, DatasetRef]]) -> list[DatasetRef]:
        pairs = [(obj, ref) for obj, ref in items if self.constraints.accepts(ref)]
        for _obj, ref in pairs:
            if ref.isComponent():
                raise DatastoreError(
                    f"Cannot put component {ref} on its own; put the whole composite."
                )
        # Datasets this object stored are refused here; others when their file or
        # their records collide (no query is spent on the common case).
        stored = [str(ref) for _, ref in pairs if ref.id in self._records]
        if stored:
            raise self._already(stored)
        artifacts = []
        for obj, ref in pairs:
            self._check_type(ref)
            artifacts.extend(self._writer.plan(self._conform(obj, ref), ref))
        batch = self._journal_begin((a.ref.id, a.path) for a in artifacts)
        infos: list[StoredFileInfo] = []
        written: list[ResourcePath] = []
        try:
            for artifact in artifacts:
                info, uri = self._writer.write(artifact)
                infos.append(info)
                written.append(uri)
            try:
                self._store.add(infos)
            except ConflictingDefinitionError:
                raise self._already([str(ref) for _, ref in pairs]) from None
        except BaseException:
            self._delete(written)
            self._journal_resolve(batch, stored=False)
            raise
        self._journal_resolve(batch, stored=True)
        self._remember(infos)
        ids = [ref.id for _, ref in pairs]
        self._register_undo("put", lambda: self._undo_put(ids, written))
        return [ref for _, ref in pairs]

    def _already(self, shown: list[str]) -> DatasetAlreadyStoredError:
        return DatasetAlreadyStoredError(
            f"Datastore {self.name!r} already holds {', '.join(shown[:5])}"
            f"{' ...' if len(shown) > 5 else ''}; remove them first or use new refs."
        )

    def _undo_put(self, ids: list[uuid.UUID], written: list[ResourcePath]) -> None:
        self._forget_cached(ids)
        self._store.remove(ids)
        self._delete(written)

    @staticmethod
    def _delete(uris: Iterable[ResourcePath]) -> None:
        for uri in uris:
            with contextlib.suppress(FileNotFoundError, ResourceError):
                uri.remove()

    # ------------------------------------------------------------ ingest

    def ingest(
        self,
        *datasets: FileDataset,
        transfer: str | None = "auto",
        record_validation_info: bool = True,
        directory: ResourcePath | None = None,
    ) -> list[DatasetRef]:
        """Store files written elsewhere as the datasets they hold (see `_ingest`).

        Every file is checked before any is transferred; records of all of
        them are written in one batch. The datasets must be registered.

        Parameters
        ----------
        *datasets
            The files and the datasets each holds.
        transfer
            How files get here: ``auto``, ``copy``, ``move``, ``link``,
            ``symlink``, ``relsymlink``, ``hardlink``, ``direct``, or `None`
            for files already under the root.
        record_validation_info
            Record each file's size (and checksum, if configured).
        directory
            Relative paths are taken from here (default: the current directory).

        Returns
        -------
        refs
            The datasets ingested.

        Raises
        ------
        IngestFileError
            A file is missing, unreadable or cannot be transferred as asked.
        DatasetAlreadyStoredError
            A dataset is already stored, or a destination file exists.
        """
        from ._ingest import IngestRun, plan_ingest

        plans = plan_ingest(self, datasets, transfer, directory)
        run = IngestRun(self, record_validation_info)
        batch = self._journal_begin((p.refs[0].id, p.path) for p in plans if p.mode is not None)
        try:
            infos = run.transfer(plans)
            self._store.add(infos)
        except BaseException:
            run.mover.undo()
            self._journal_resolve(batch, stored=False)
            raise
        self._journal_resolve(batch, stored=True)
        if run.moved:
            self._store.when_resolved(lambda committed: run.delete_sources() if committed else None)
        self._remember(infos)
        ids = [info.dataset_id for info in infos]
        self._register_undo("ingest", lambda: self._undo_put(ids, run.created_uris()))
        return [ref for plan in plans for ref in plan.refs]

    # ------------------------------------------------------------ removal

    def trash(self, refs: DatasetRef | Iterable[DatasetRef], ignore_errors: bool = True) -> None:
        wanted = _as_refs(refs)
        if not ignore_errors:
            known = self.knows_these(wanted)
            for ref, present in known.items():
                if not present:
                    raise self._missing(ref)
        self.trash_ids([ref.id for ref in wanted])

    def trash_ids(self, ids: Iterable[uuid.UUID]) -> None:
        """Trash datasets given by ID alone (bulk removals need no refs); ignore unknown IDs."""
        wanted = list(ids)
        self._store.trash(wanted)
        self._forget_cached(wanted)
        self.cacheManager.remove(wanted)

    def trash_selected(self, selected: Any) -> bool:
        """Trash the datasets a registry query of IDs selects (a RUN's, say), if the store can.

        A registry-backed store does it with set statements, never a row at
        a time; others, and a datastore with a local cache of files to clean
        (which needs the IDs), return `False`: the caller uses `trash_ids`.
        """
        if self.cacheManager.enabled or not self._store.trash_selected(selected):
            return False
        self._records.clear()  # which IDs went is not known here: forget every cached record
        return True

    def emptyTrash(self, ignore_errors: bool = True) -> None:
        """Delete the files of trashed datasets, then their records; safe to repeat.

        A file another (held) dataset's record still names is kept; files
        outside the root ("direct" ingest) are never deleted. Records go
        only once their files are gone, so an interrupted call is finished
        by the next one. When every file lies under a directory holding
        nothing else of the repository, that directory is renamed into the
        trash area and emptied there (see `TrashArea`). The files are gone
        when this returns, unless called within `deferred_deletion`.

        Raises
        ------
        DatastoreUnavailableError
            A file cannot be deleted and ``ignore_errors`` is false.
        """
        area = self._trash_area
        if area is not None and not self._defer_deletion:
            area.wait()
            area.purge()  # what an interrupted deletion left
        trashed = self._store.trashed_paths()
        if not trashed:
            return
        owned = {
            path
            for paths in trashed.values()
            for path in paths
            if "://" not in path and not path.startswith("/")
        }
        doomed = owned - self._store.paths_in_use(owned) if owned else set()
        if any("#zip-path=" in path for path in doomed):
            from ._zip import zips_to_delete

            doomed = zips_to_delete(self._store, doomed)
        failed: set[str] = set()
        if not self._move_to_trash_area(doomed):
            failed = delete_paths(self.root, self._writer.uri, doomed, ignore_errors)
        done = [i for i, paths in trashed.items() if not failed.intersection(paths)]
        self._store.remove(done)
        if area is not None and os.path.isdir(area.directory):
            if self._defer_deletion:
                area.purge_later()
            else:
                area.purge()

    @contextlib.contextmanager
    def deferred_deletion(self) -> Iterator[None]:
        """Let `emptyTrash` return before the files of a directory it set aside are deleted.

        The files are gone from their places (renamed into the trash area)
        when `emptyTrash` returns; a thread of this process deletes them,
        and whatever it has not deleted when the process dies is deleted by
        the next `emptyTrash` (of any process) or opening of the repository.
        """
        self._defer_deletion = True
        try:
            yield
        finally:
            self._defer_deletion = False

    def _move_to_trash_area(self, doomed: set[str]) -> bool:
        """Rename the one directory holding exactly ``doomed`` into the trash area, if any.

        The directory must hold no file a held record names, nor one a live
        writer is about to create (the journals say which); otherwise the
        files are deleted one by one.
        """
        area = self._trash_area
        if area is None or len(doomed) < _TRASH_AREA_FILES:
            return False
        directory = common_directory(doomed)
        if directory is None or self._store.held_under(directory):
            return False
        prefix = directory + "/"
        if any(path.startswith(prefix) for path in pending_paths(self.root.ospath)):
            return False
        try:
            area.move_in(directory)
        except OSError:
            return False
        return True

    def forget(self, refs: Iterable[DatasetRef]) -> None:
        ids = [ref.id for ref in refs]
        self._store.remove(ids)
        self._forget_cached(ids)

    # ------------------------------------------------------------ records in and out

    def export_records(self, refs: Iterable[DatasetRef]) -> dict[str, list[dict[str, Any]]]:
        infos = self._infos(list(refs))
        return {self.name: [info.to_simple() for group in infos.values() for info in group]}

    def import_records(self, data: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        rows = data.get(self.name) or ()
        infos = [StoredFileInfo.from_record(row) for row in rows]
        known = self._store.known({info.dataset_id for info in infos})
        new = [info for info in infos if info.dataset_id not in known]
        self._store.add(new)

    # ------------------------------------------------------------ transfers and checks

    def transfer_from(
        self, source: Datastore, refs: Iterable[DatasetRef], transfer: str = "auto"
    ) -> list[DatasetRef]:
        if not isinstance(source, FileDatastore):
            return super().transfer_from(source, refs, transfer)
        wanted = [ref for ref in refs if self.constraints.accepts(ref)]
        held = self.knows_these(wanted)
        todo = [ref for ref in wanted if not held[ref]]
        source_infos = source._infos(todo)
        infos: list[StoredFileInfo] = []
        copies: dict[str, ResourcePath] = {}
        copied = []
        for ref in todo:
            for info in source_infos.get(ref.id, ()):
                if "#zip-path=" in info.path:
                    from ._zip import add_zip_copy

                    add_zip_copy(copies, source._reader.root, self._writer.uri, info.path)
                elif "://" not in info.path and not info.path.startswith("/"):
                    copies.setdefault(info.path, source._reader.uri(info))
                infos.append(info)
            if ref.id in source_infos:
                copied.append(ref)
        from ._zip import stored_file

        batch = self._journal_begin(
            (i.dataset_id, path) for i in infos if (path := stored_file(i.path)) in copies
        )
        written: list[ResourcePath] = []
        try:
            for path, source_uri in progress.iterate(
                copies.items(), desc="Transferring files", total=len(copies)
            ):
                target = self._writer.uri(path)
                target.transfer_from(source_uri, transfer=transfer)
                written.append(target)
            self._store.add(infos)
        except BaseException:
            self._delete(written)
            self._journal_resolve(batch, stored=False)
            raise
        self._journal_resolve(batch, stored=True)
        self._remember(infos)
        ids = [ref.id for ref in copied]
        self._register_undo("transfer", lambda: self._undo_put(ids, written))
        return copied

    def validateConfiguration(self, entities: Iterable[Any], logFailures: bool = False) -> None:
        from ..._dataset_type import DatasetType

        problems = []
        for entity in entities:
            try:
                if isinstance(entity, DatasetType):
                    self.templates.getTemplate(entity).validate(entity)
                    self._validated.add(entity.name)
                self.formatterFactory.lookup(entity)
            except (FileTemplateError, FormatterError) as exc:
                problems.append(str(exc))
        if problems:
            raise DatastoreConfigError(
                f"Datastore {self.name!r} cannot store some datasets:\n" + "\n".join(problems)
            )
