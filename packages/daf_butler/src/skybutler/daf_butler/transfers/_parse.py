"""Reading an export document: its header, versions, and where each entry is in the file.

The document is loaded in one fast pass (libyaml). Only when something is
wrong is the text parsed again into nodes, to name the line of the entry or
record at fault (`Locator`), so a correct file pays nothing for the error
messages a broken one gets.
"""

from __future__ import annotations

__all__ = [
    "SUPPORTED_VERSIONS",
    "Document",
    "Locator",
    "Path",
    "load_document",
    "parse_version",
]

import dataclasses
from collections.abc import Mapping
from typing import IO, Any

import yaml

from ..errors import RepoImportError
from ._yaml_fast_read import load_entries
from ._yaml_tags import ExportLoader

Path = tuple[str | int, ...]
"""Keys and indexes from the document's root to a node, e.g. ``("data", 3, "records", 0)``."""

SUPPORTED_VERSIONS = ((1, 0, 0), (1, 0, 1), (1, 0, 2))
"""Export format versions this code reads (``version: 0`` of old files is 1.0.0)."""

_SUPPORTED_TEXT = "1.0.0, 1.0.1 and 1.0.2 (a legacy 'version: 0' reads as 1.0.0)"


class Locator:
    """Finds the line of a node of the document, parsing the text again on first use.

    Parameters
    ----------
    text
        The document's text.
    source
        What the text came from, for messages (a file name or ``<stream>``).
    """

    def __init__(self, text: str, source: str) -> None:
        self._text = text
        self.source = source
        self._root: yaml.Node | None = None

    def line(self, path: Path) -> int | None:
        """Return the 1-based line where the node at ``path`` starts, or `None`."""
        if self._root is None:
            try:
                self._root = yaml.compose(self._text, Loader=ExportLoader)
            except yaml.YAMLError:  # pragma: no cover (the text loaded once already)
                return None
        node: yaml.Node | None = self._root
        for step in path:
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == step), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                node = node.value[step] if step < len(node.value) else None
            else:
                node = None
            if node is None:
                return None
        return None if node is None else int(node.start_mark.line) + 1

    def where(self, path: Path) -> str:
        """Return ``"<source>, line N"`` for messages."""
        line = self.line(path)
        return self.source if line is None else f"{self.source}, line {line}"

    def error(self, path: Path, message: str) -> RepoImportError:
        """Return an import error located at ``path``."""
        return RepoImportError(f"Cannot import {self.where(path)}: {message}")


def parse_version(value: Any) -> tuple[int, int, int]:
    """Return the ``(major, minor, patch)`` of a ``version`` value.

    Raises
    ------
    RepoImportError
        The value is not a version this code reads; the message lists those.
    """
    if value in (0, "0"):
        return (1, 0, 0)
    parts = str(value).split(".")
    try:
        numbers = tuple(int(p) for p in parts)
    except ValueError:
        numbers = ()
    if len(numbers) != 3 or numbers not in SUPPORTED_VERSIONS:
        raise RepoImportError(
            f"Export format version {value!r} is not supported: this code reads versions "
            f"{_SUPPORTED_TEXT}. Export the data again with a release that writes one of them."
        )
    return (numbers[0], numbers[1], numbers[2])


@dataclasses.dataclass
class Document:
    """An export document, loaded."""

    version: tuple[int, int, int]
    universe_version: int
    universe_namespace: str | None
    entries: list[Mapping[str, Any]]
    locator: Locator


def load_document(stream: IO[str] | str, source: str | None = None) -> Document:
    """Load an export document and check its header.

    Parameters
    ----------
    stream
        The text, or a text stream to read it from.
    source
        Name of the file for messages; taken from the stream when it has one.

    Raises
    ------
    RepoImportError
        The text is not YAML, not an export document, or of an unsupported
        version; the message names the line where it can.
    """
    text = stream if isinstance(stream, str) else stream.read()
    if source is None:
        source = str(getattr(stream, "name", "<stream>"))
    locator = Locator(text, source)
    try:
        fast = load_entries(text)
    except yaml.YAMLError:
        fast = None  # loading the whole text again gives the error with its true line
    try:
        document = fast[0] if fast is not None else yaml.load(text, Loader=ExportLoader)
    except yaml.YAMLError as err:
        raise RepoImportError(f"Cannot import {source}: it is not valid YAML: {err}") from None
    if not isinstance(document, Mapping) or "data" not in document:
        raise RepoImportError(
            f"Cannot import {source}: it is not a Butler export file (a mapping with "
            "'description', 'version' and a 'data' list)."
        )
    if "version" not in document:
        raise locator.error((), "the document has no 'version'.")
    try:
        version = parse_version(document["version"])
    except RepoImportError as err:
        raise locator.error(("version",), str(err)) from None
    entries = document["data"] or []
    if not isinstance(entries, list) or not all(isinstance(e, Mapping) for e in entries):
        raise locator.error(("data",), "'data' must be a list of entries (mappings).")
    universe_version = document.get("universe_version", 0)
    if not isinstance(universe_version, int):
        raise locator.error(("universe_version",), "'universe_version' must be an integer.")
    namespace = document.get("universe_namespace")
    return Document(version, universe_version, namespace, entries, locator)
