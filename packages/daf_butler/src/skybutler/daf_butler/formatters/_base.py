"""`Formatter`: how one kind of file is written from, and read into, a Python object.

A formatter turns an object into bytes (`Formatter.to_bytes`) or a local file
(`Formatter.write_local_file`), and back (`Formatter.from_bytes`,
`Formatter.read_local_file`). It never chooses where a file goes, nor
deals with temporary names, checksums or records: the datastore does. Some
formatters can read one component of a composite, or apply some read
parameters, without reading everything; they say so through
`Formatter.readable_components` and `Formatter.handled_parameters`, and the
datastore applies the rest through the storage class delegate.
"""

from __future__ import annotations

__all__ = ["Formatter", "ReadRequest", "build_pytype"]

import dataclasses
from abc import ABC
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import FormatterError, StorageClassConversionError

if TYPE_CHECKING:
    from .._storage_class import StorageClass


@dataclasses.dataclass(frozen=True, slots=True)
class ReadRequest:
    """What the datastore asks a formatter to read from one file."""

    storage_class: StorageClass
    """Storage class the file was written with."""
    component: str | None = None
    """A component to read on its own (one of `Formatter.readable_components`)."""
    parameters: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """Read parameters the formatter applies itself (`Formatter.handled_parameters`)."""


class Formatter(ABC):  # noqa: B024 (abstract by convention: subclasses override one pair)
    """Base class of formatters: override a write method and a read method.

    Parameters
    ----------
    write_parameters
        Options for writing; each must be in `supported_write_parameters`.

    Raises
    ------
    FormatterError
        An unknown write parameter was given.
    """

    name: ClassVar[str] = ""
    """Short name recorded beside each file (also its entry-point name)."""
    default_extension: ClassVar[str] = ""
    """Extension of the files written, with its dot."""
    supported_extensions: ClassVar[frozenset[str]] = frozenset()
    """Other extensions this formatter can read."""
    supported_write_parameters: ClassVar[frozenset[str]] = frozenset()
    """Write parameters this formatter understands."""
    handled_parameters: ClassVar[frozenset[str]] = frozenset()
    """Read parameters this formatter applies while reading."""
    prefers_local_file: ClassVar[bool] = False
    """Read from a local file (e.g. to read part of it) rather than from bytes."""

    def __init__(self, write_parameters: Mapping[str, Any] | None = None) -> None:
        params = dict(write_parameters or {})
        unknown = sorted(set(params) - self.supported_write_parameters)
        if unknown:
            allowed = sorted(self.supported_write_parameters) or "none"
            raise FormatterError(
                f"Formatter {self.name!r} does not understand write parameters {unknown}; "
                f"allowed: {allowed}."
            )
        self.write_parameters: dict[str, Any] = params

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.write_parameters or ''})"

    # ------------------------------------------------------------ capabilities

    @classmethod
    def writes_bytes(cls) -> bool:
        """Return whether this formatter serializes to bytes (rather than to a local file)."""
        return cls.to_bytes is not Formatter.to_bytes

    def readable_components(self, storage_class: StorageClass) -> frozenset[str]:
        """Return the components of ``storage_class`` this formatter reads on their own."""
        return frozenset()

    def extension(self) -> str:
        """Return the extension for a file written with the current write parameters."""
        return self.default_extension

    # ------------------------------------------------------------ writing

    def to_bytes(self, obj: Any) -> bytes:
        """Return the serialized form of ``obj``.

        Raises
        ------
        TypeError
            The object cannot be written by this formatter.
        """
        raise NotImplementedError

    def write_local_file(self, obj: Any, path: str) -> None:
        """Write ``obj`` to the local file ``path`` (which does not exist yet)."""
        Path(path).write_bytes(self.to_bytes(obj))

    # ------------------------------------------------------------ reading

    def from_bytes(self, data: bytes, request: ReadRequest) -> Any:
        """Return the object read from serialized ``data``."""
        raise NotImplementedError

    def read_local_file(self, path: str, request: ReadRequest) -> Any:
        """Return the object read from the local file ``path``."""
        return self.from_bytes(Path(path).read_bytes(), request)


def build_pytype(data: Any, storage_class: StorageClass) -> Any:
    """Return ``data`` (decoded plain data) as the storage class's Python type.

    Pydantic models are validated, dataclasses and other classes built from a
    mapping's items, and otherwise the storage class converters are tried.

    Raises
    ------
    StorageClassConversionError
        The data cannot become that type.
    """
    try:
        pytype = storage_class.pytype
    except ImportError:
        return data
    if isinstance(data, pytype):
        return data
    validate = getattr(pytype, "model_validate", None)
    if callable(validate):
        return validate(data)
    try:
        return storage_class.coerce_type(data)
    except StorageClassConversionError:
        pass
    try:
        return pytype(**data) if isinstance(data, Mapping) else pytype(data)
    except (TypeError, ValueError) as exc:
        raise StorageClassConversionError(
            f"Cannot build a {storage_class.pytype_name} (storage class {storage_class.name!r}) "
            f"from the stored {type(data).__name__}: {exc}"
        ) from exc
