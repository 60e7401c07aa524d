"""Reading the large entries of an export document without building PyYAML nodes.

Export files are written by ``yaml.dump`` (upstream's, or ours, which
writes the same text): block style, the ``data`` items at column zero, and
``dataset`` and TAGGED ``associations`` entries in a fixed shape, one item
per dataset. `load_entries` splits ``data`` into its items and reads the
items of that shape line by line; any other item, or any line it is not
sure of, is read by PyYAML (`ExportLoader`), so the result is always what
loading the whole document would give. A document with anchors or aliases,
or whose ``data`` is not a block sequence at column zero, is left to
PyYAML entirely (`None`).
"""

from __future__ import annotations

__all__ = ["load_entries"]

import re
import uuid
from typing import Any

import yaml

from ._yaml_tags import ExportLoader

_KEY_VALUE = re.compile(r"([A-Za-z_][A-Za-z0-9_]*): (.*)\Z")
_UUID = re.compile(r"!uuid '([0-9a-fA-F-]{32,36})'\Z")
_INT = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./+\-]*\Z")
_QUOTED = re.compile(r"'((?:[^']|'')*)'\Z")
_STR_TAG = "tag:yaml.org,2002:str"
_resolver = yaml.resolver.Resolver()
_AMBIGUOUS_START = frozenset("yYnNtTfFoO")


def _reads_as_str(text: str) -> bool:
    """Return whether a plain scalar reads back as a string (not a number, bool, null...)."""
    if text[:1] not in _AMBIGUOUS_START:
        return True  # only these letters start YAML 1.1 booleans and nulls
    tag = _resolver.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag == _STR_TAG)


class _NotFastError(Exception):
    """The item is not in the shape read here; PyYAML reads it."""


class _Lines:
    """The lines of one ``data`` item, consumed in order."""

    def __init__(self, lines: list[str]) -> None:
        self._lines = lines
        self._next = 0

    def peek(self) -> str | None:
        return self._lines[self._next] if self._next < len(self._lines) else None

    def take(self, prefix: str) -> str:
        """Return the rest of the next line, which must start with ``prefix``."""
        line = self.peek()
        if line is None or not line.startswith(prefix):
            raise _NotFastError
        self._next += 1
        return line[len(prefix) :]

    def done(self) -> bool:
        return self._next == len(self._lines)

    def rest(self) -> str:
        """Return the lines not consumed yet, each ending with a newline; consume them."""
        rest = self._lines[self._next :]
        self._next = len(self._lines)
        return "".join(line + "\n" for line in rest)


def _scalar(text: str, resolved: dict[str, Any]) -> Any:
    cached = resolved.get(text)
    if cached is not None or text in resolved:
        return cached
    value: Any
    if text == "null":
        value = None
    elif _INT.match(text):
        value = int(text)
    elif _PLAIN.match(text):
        if not _reads_as_str(text):
            raise _NotFastError
        value = text
    elif (match := _QUOTED.match(text)) is not None:
        value = match.group(1).replace("''", "'")
    elif (match := _UUID.match(text)) is not None:
        value = uuid.UUID(match.group(1))
    else:
        raise _NotFastError
    if len(resolved) < 100_000:
        resolved[text] = value
    return value


def _pair(lines: _Lines, prefix: str, key: str, resolved: dict[str, Any]) -> Any:
    match = _KEY_VALUE.match(lines.take(prefix))
    if match is None or match.group(1) != key:
        raise _NotFastError
    return _scalar(match.group(2), resolved)


def _ids(lines: _Lines, prefix: str) -> list[uuid.UUID]:
    ids = []
    while (line := lines.peek()) is not None and line.startswith(prefix):
        match = _UUID.match(lines.take(prefix))
        if match is None:
            raise _NotFastError
        ids.append(uuid.UUID(match.group(1)))
    if not ids:
        raise _NotFastError
    return ids


_KEY = r"[A-Za-z_][A-Za-z0-9_]*"
_RECORD = re.compile(
    r"  - dataset_id:\n"
    r"((?:    - !uuid '[0-9a-fA-F-]{32,36}'\n)+)"
    r"    data_id:\n"
    rf"((?:    - {_KEY}: [^\n]*\n(?:      {_KEY}: [^\n]*\n)*)+)"
    r"    path: ([^\n]*)\n"
    r"(?:    formatter: ([^\n]*)\n)?"
)
_QUOTED_ID = re.compile(r"'([0-9a-fA-F-]{32,36})'")
_DATA_ID_ITEM = re.compile(rf"    (- |  )({_KEY}): ([^\n]*)\n")


def _dataset(lines: _Lines, resolved: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": "dataset"}
    entry["dataset_type"] = _pair(lines, "  ", "dataset_type", resolved)
    entry["run"] = _pair(lines, "  ", "run", resolved)
    if lines.take("  ") != "records:":
        raise _NotFastError
    body = lines.rest()
    records = []
    position = 0
    while position < len(body):
        match = _RECORD.match(body, position)
        if match is None:
            raise _NotFastError
        position = match.end()
        data_ids: list[dict[str, Any]] = []
        for item in _DATA_ID_ITEM.finditer(match.group(2)):
            if item.group(1) == "- ":
                data_ids.append({})
            data_ids[-1][item.group(2)] = _scalar(item.group(3), resolved)
        record: dict[str, Any] = {
            "dataset_id": [uuid.UUID(i) for i in _QUOTED_ID.findall(match.group(1))],
            "data_id": data_ids,
            "path": _scalar(match.group(3), resolved),
        }
        if match.group(4) is not None:
            record["formatter"] = _scalar(match.group(4), resolved)
        records.append(record)
    entry["records"] = records
    return entry


def _tagged(lines: _Lines, resolved: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": "associations"}
    entry["collection"] = _pair(lines, "  ", "collection", resolved)
    entry["collection_type"] = _pair(lines, "  ", "collection_type", resolved)
    if entry["collection_type"] != "TAGGED" or lines.take("  ") != "dataset_ids:":
        raise _NotFastError
    entry["dataset_ids"] = _ids(lines, "  - ")
    if not lines.done():
        raise _NotFastError
    return entry


def _item(lines: list[str], resolved: dict[str, Any]) -> Any:
    first = lines[0]
    try:
        if first == "- type: dataset":
            return _dataset(_Lines(lines[1:]), resolved)
        if first == "- type: associations":
            return _tagged(_Lines(lines[1:]), resolved)
    except _NotFastError:
        pass
    return yaml.load("\n".join(lines), Loader=ExportLoader)[0]


def load_entries(text: str) -> tuple[dict[str, Any], list[Any]] | None:
    """Return the header mapping and ``data`` items of a document, or `None` to use PyYAML.

    Raises
    ------
    yaml.YAMLError
        A part is not valid YAML (the caller reports it with the whole text).
    """
    if "&" in text or "*" in text:  # anchors or aliases may cross items
        return None
    lines = text.split("\n")
    try:
        start = lines.index("data:")
    except ValueError:
        return None
    header = yaml.load("\n".join(lines[:start]), Loader=ExportLoader)
    if header is None:
        header = {}
    if not isinstance(header, dict) or "data" in header:
        return None
    items: list[list[str]] = []
    for line in lines[start + 1 :]:
        if line.startswith("- "):
            items.append([line])
        elif line.startswith("  ") and items:
            items[-1].append(line)
        elif line.strip() or not items:
            return None  # another top-level key, a comment or a document marker
    resolved: dict[str, Any] = {}
    header["data"] = [_item(item, resolved) for item in items]
    return header, header["data"]
