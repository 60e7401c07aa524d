"""Ingest: files written elsewhere become datasets of a `FileDatastore`.

`plan_ingest` checks everything first (the file exists and can be read, the
transfer mode works for it, the formatter is known, nothing is already at
the destination) so that a bad file stops the ingest before any file is
created or any record written. `IngestRun` then transfers the files,
journalled (see `_journal`) so that a killed ingest leaves no orphans.

Transfer modes: ``copy``, ``move``, ``link`` (a hard link, else a symbolic
one), ``symlink``, ``relsymlink``, ``hardlink``, ``direct`` (record the
absolute URI; the datastore never deletes the file), ``auto`` (files
already under the root are used in place, others copied) and `None` (files
must already be under the root). ``move`` links or copies first and deletes
the source only once the records are committed, so a failure never loses it.
"""

from __future__ import annotations

__all__ = ["TRANSFER_MODES", "IngestPlan", "IngestRun", "formatter_name", "plan_ingest"]

import contextlib
import dataclasses
import os
import stat
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from skybutler.resources import ResourcePath

from ...errors import (
    DatasetAlreadyStoredError,
    DatasetTypeNotSupportedError,
    FileTemplateError,
    IngestFileError,
)
from ...formatters import FORMATTERS, Formatter
from .._records import StoredFileInfo
from ._file_copy import TRANSFER_MODES, FileMover, Place, place_uri, target_taken
from ._put import checksum_file

if TYPE_CHECKING:
    from ..._dataset_ref import DatasetRef
    from ...transfers import FileDataset
    from ._datastore import FileDatastore

_MAX_PATH = 256


def formatter_name(formatter: Any) -> str:
    """Return the short name of a formatter given as a name, upstream class path, class or object.

    Raises
    ------
    FormatterNotFoundError
        No formatter is known by that name.
    """
    if isinstance(formatter, Formatter) or (
        isinstance(formatter, type) and issubclass(formatter, Formatter)
    ):
        name = formatter.name
    else:
        name = FORMATTERS.canonical(str(formatter))
    FORMATTERS.load(name)  # raises FormatterNotFoundError, listing the known names
    return name


@dataclasses.dataclass(slots=True)
class IngestPlan:
    """What to do with one file."""

    source: ResourcePath
    """The file as given."""
    refs: list[DatasetRef]
    """The datasets it holds."""
    formatter: str
    """Short name of the formatter that reads it."""
    path: str
    """The path recorded: relative to the root, or an absolute URI (``direct``)."""
    mode: str | None
    """The transfer to make; `None` when the file is used where it is."""


def _source(path: Any, directory: ResourcePath | None) -> ResourcePath:
    if isinstance(path, ResourcePath):
        return path
    text = os.fspath(path) if isinstance(path, os.PathLike) else str(path)
    if directory is not None and "://" not in text and not os.path.isabs(text):
        return directory.join(text, forceDirectory=False)
    return ResourcePath(text, forceDirectory=False)


def _inside(root: ResourcePath, base: str | None, source: ResourcePath) -> str | None:
    """Return the path of ``source`` relative to ``root``, or `None` if outside it.

    ``base`` is the root's absolute local path ending in ``/`` (`None` if remote).
    """
    if base is not None and source.isLocal:
        full = os.path.abspath(source.ospath)
        return full[len(base) :] if full.startswith(base) else None
    return source.relative_to(root)


def _check_readable(source: ResourcePath, dataset: Any) -> None:
    if source.isLocal:
        where = source.ospath
        try:
            status = os.stat(where)
        except FileNotFoundError:
            raise IngestFileError(
                f"Cannot ingest {dataset}: the file {where} does not exist. Check the path "
                "(relative paths are taken from the current directory); nothing was ingested."
            ) from None
        regular = stat.S_ISREG(status.st_mode)
        if not regular or not os.access(where, os.R_OK):
            what = "is not a regular file" if not regular else "cannot be read"
            raise IngestFileError(
                f"Cannot ingest {dataset}: {where} {what} (mode {oct(status.st_mode)}). Fix its "
                "permissions or the path; nothing was ingested."
            )
    elif not source.exists():
        raise IngestFileError(
            f"Cannot ingest {dataset}: {source} does not exist; nothing was ingested."
        )


def plan_ingest(
    datastore: FileDatastore,
    datasets: Sequence[FileDataset],
    transfer: str | None,
    directory: ResourcePath | None = None,
) -> list[IngestPlan]:
    """Check the files and return what to do with each, changing nothing.

    Raises
    ------
    IngestFileError
        A file is missing or cannot be read, or the mode cannot be used for it.
    DatasetAlreadyStoredError
        A dataset is already stored, or a file is already at a destination.
    DatasetTypeNotSupportedError
        The datastore's constraints reject a dataset.
    FormatterNotFoundError
        A formatter is unknown, or none is configured for a dataset.
    """
    if transfer is not None and transfer not in TRANSFER_MODES:
        raise IngestFileError(
            f"Unknown transfer mode {transfer!r}; use one of {list(TRANSFER_MODES)} or None."
        )
    root = datastore.root
    base = os.path.abspath(root.ospath).rstrip("/") + "/" if root.isLocal else None
    plans: list[IngestPlan] = []
    destinations: dict[str, Any] = {}
    for dataset in datasets:
        ref = dataset.refs[0]
        for one in dataset.refs:
            if not datastore.constraints.accepts(one):
                raise DatasetTypeNotSupportedError(
                    f"Cannot ingest {one}: the constraints of datastore {datastore.name!r} "
                    "reject it; change its 'constraints' configuration."
                )
        source = _source(dataset.path, directory if transfer is not None else root)
        _check_readable(source, dataset.path)
        if dataset.formatter is not None:
            formatter = formatter_name(dataset.formatter)
        else:
            formatter = datastore.formatterFactory.lookup(ref).name
        inside = _inside(root, base, source) if transfer in (None, "auto") else None
        if inside is not None:
            plans.append(IngestPlan(source, dataset.refs, formatter, inside, None))
            continue
        if transfer is None:
            raise IngestFileError(
                f"Cannot ingest {source} with transfer=None: it is not under the datastore root "
                f"{root}. Choose a transfer mode such as 'copy'."
            )
        if transfer == "direct":
            plans.append(IngestPlan(source, dataset.refs, formatter, source.geturl(), None))
            continue
        if transfer != "copy" and transfer != "auto" and not (source.isLocal and root.isLocal):
            raise IngestFileError(
                f"Transfer mode {transfer!r} needs {source} and the root {root} on the local "
                "file system; use 'copy' or 'direct'."
            )
        datastore._check_type(ref)
        path = datastore.templates.getTemplate(ref).format(ref, None) + source.getExtension()
        if len(path) > _MAX_PATH:
            raise FileTemplateError(
                f"The path {path!r} for {source} is {len(path)} characters long; the records hold "
                f"at most {_MAX_PATH}. Use a shorter file template for {ref.datasetType.name!r}."
            )
        if path in destinations:
            raise DatasetAlreadyStoredError(
                f"Files {destinations[path]} and {dataset.path} would both be stored at {path}; "
                "give each file its own data ID, or put the datasets in one FileDataset."
            )
        destinations[path] = dataset.path
        mode = "copy" if transfer == "auto" else transfer
        plans.append(IngestPlan(source, dataset.refs, formatter, path, mode))
    _check_destinations(datastore, plans)
    return plans


def _check_destinations(datastore: FileDatastore, plans: Sequence[IngestPlan]) -> None:
    refs = [ref for plan in plans for ref in plan.refs]
    held = [ref for ref, known in datastore.knows_these(refs).items() if known]
    if held:
        raise datastore._already([str(ref) for ref in held])
    root = datastore.root
    targets = [plan.path for plan in plans if plan.mode is not None]
    if root.isLocal:
        base = root.ospath
        taken = [p for p in targets if os.path.lexists(os.path.join(base, p))]
    else:
        present = ResourcePath.mexists(root.join(p, forceDirectory=False) for p in targets)
        taken = [str(uri) for uri, there in present.items() if there]
    if taken:
        raise DatasetAlreadyStoredError(
            f"Cannot ingest: {len(taken)} destination(s) already exist under {root}, e.g. "
            f"{taken[0]}. Remove them if left over from an earlier failure, or use another run."
        )


class IngestRun:
    """Transfers the files of checked plans and returns their records.

    Parameters
    ----------
    datastore
        The datastore ingesting.
    record_validation_info
        Record each file's size (and checksum, if the datastore keeps them).
    """

    def __init__(self, datastore: FileDatastore, record_validation_info: bool) -> None:
        self._root = datastore.root
        self._checksum = datastore._writer.checksum and record_validation_info
        self._sizes = record_validation_info
        self.mover = FileMover(_ingest_error(datastore.root))
        """Puts the files under the root, remembering them (deleted if the ingest fails)."""
        self.moved: list[ResourcePath] = []
        """Sources of ``move`` transfers, to delete once the records are committed."""

    def transfer(self, plans: Sequence[IngestPlan]) -> list[StoredFileInfo]:
        """Transfer the files of ``plans`` and return the records of their datasets.

        Raises
        ------
        IngestFileError
            A file could not be transferred.
        DatasetAlreadyStoredError
            Something appeared at a destination since the plans were checked.
        """
        local_root = self._root.ospath if self._root.isLocal else None
        pairs: list[tuple[Place, Place]] = []
        moving = [plan for plan in plans if plan.mode is not None]
        for plan in moving:
            if local_root is not None and plan.source.isLocal:
                pairs.append(
                    (os.path.abspath(plan.source.ospath), os.path.join(local_root, plan.path))
                )
            else:
                pairs.append((plan.source, self._root.join(plan.path, forceDirectory=False)))
        copied: dict[int, int | None] = {}
        if moving:
            mode = moving[0].mode
            assert mode is not None, "plans with a transfer all have the ingest's mode"
            sizes = self.mover.transfer_many(pairs, mode, desc="Ingesting files")
            copied = {id(plan): size for plan, size in zip(moving, sizes, strict=True)}
            if mode == "move":
                self.moved = [plan.source for plan in moving]
        return [info for plan in plans for info in self._infos(plan, copied.get(id(plan)))]

    def _infos(self, plan: IngestPlan, size: int | None) -> list[StoredFileInfo]:
        digest: str | None = None
        if self._sizes or self._checksum:
            if plan.source.isLocal:
                readable = plan.source.ospath
                if size is None:
                    size = os.stat(readable).st_size
                digest = checksum_file(readable) if self._checksum else None
            elif size is None:
                size = plan.source.size()
        else:
            size = None
        return [
            StoredFileInfo(
                dataset_id=ref.id,
                path=plan.path,
                formatter=plan.formatter,
                storage_class=ref.datasetType.storageClass_name,
                component=None,
                checksum=digest,
                file_size=size,
            )
            for ref in plan.refs
        ]

    def created_uris(self) -> list[ResourcePath]:
        """Return the URIs of the files made under the root."""
        return [place_uri(place) for place in self.mover.written]

    def delete_sources(self) -> None:
        """Delete the sources of ``move`` transfers (called once records are committed)."""
        for uri in self.moved:
            with contextlib.suppress(FileNotFoundError):
                if uri.isLocal:
                    os.unlink(uri.ospath)
                else:
                    uri.remove()


def _ingest_error(root: ResourcePath) -> Callable[[Place, Place, str, BaseException], Exception]:
    def describe(source: Place, target: Place, mode: str, exc: BaseException) -> Exception:
        if target_taken(exc, target):
            return DatasetAlreadyStoredError(
                f"Cannot ingest {source}: {target} appeared under {root} while ingesting. "
                "Nothing was ingested; remove it or ingest into another run."
            )
        return IngestFileError(
            f"Cannot {mode} {source} to {target} under {root}: {exc}. Nothing was ingested."
        )

    return describe
