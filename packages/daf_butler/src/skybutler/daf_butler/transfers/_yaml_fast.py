"""Writing the large entries of an export document without PyYAML's Python representer.

``dataset`` and ``associations`` entries hold one item per dataset, so an
export of many datasets is mostly these; PyYAML spends most of its time
representing them object by object. They have a fixed shape (UUIDs, data
IDs of ints and strings, a path and a formatter), which is written here
directly as the block-style text ``yaml.dump`` would give. Strings that are
not plainly safe (they would read back as another type, or hold characters
YAML treats specially) are written by PyYAML itself, so the text always
reads back to the same values; a test checks it against ``yaml.dump``.
"""

from __future__ import annotations

__all__ = ["entry_text"]

import re
from collections.abc import Mapping
from typing import Any

import yaml

from .._timespan import MAX_NSEC, MIN_NSEC, Timespan, nsec_to_iso_tai
from ._yaml_tags import TAI_TIME_TAG, TIMESPAN_TAG, UUID_TAG, ExportDumper

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_./+\-]*\Z")
_STR_TAG = "tag:yaml.org,2002:str"
_resolver = yaml.resolver.Resolver()
_AMBIGUOUS_START = frozenset("yYnNtTfFoO")


def _reads_as_str(text: str) -> bool:
    """Return whether a plain scalar reads back as a string (not a number, bool, null...)."""
    if text[:1] not in _AMBIGUOUS_START:
        return True  # only these letters start YAML 1.1 booleans and nulls
    tag = _resolver.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag == _STR_TAG)


_cache: dict[str, str] = {}


def _string(value: str) -> str:
    text = _cache.get(value)
    if text is not None:
        return text
    if _PLAIN.match(value) and _reads_as_str(value):
        text = value
    else:
        dumped = yaml.dump(value, Dumper=ExportDumper, width=1 << 30)
        text = dumped.removesuffix("\n...\n").removesuffix("\n")
        if "\n" in text:  # pragma: no cover (a string with line breaks: quote it fully)
            text = yaml.dump(value, Dumper=ExportDumper, default_style='"', width=1 << 30)
            text = text.strip().replace("\n", " ")
    if len(_cache) < 100_000:
        _cache[value] = text
    return text


def scalar(value: Any) -> str:
    """Return a scalar of a dataset or association entry as YAML text."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _string(value)
    raise TypeError(f"no fast form for {value!r}")


def _ids(lines: list[str], indent: str, ids: list[Any]) -> None:
    lines.extend(f"{indent}- {UUID_TAG} '{i}'" for i in ids)


def _instant(nsec: int, unbounded: int) -> str:
    return "null" if nsec == unbounded else f"{TAI_TIME_TAG} '{nsec_to_iso_tai(nsec)}'"


def _dataset(entry: Mapping[str, Any]) -> list[str]:
    lines = [
        "- type: dataset",
        f"  dataset_type: {scalar(entry['dataset_type'])}",
        f"  run: {scalar(entry['run'])}",
    ]
    records = entry["records"]
    lines.append("  records:" if records else "  records: []")
    for record in records:
        lines.append("  - dataset_id:")
        _ids(lines, "    ", record["dataset_id"])
        lines.append("    data_id:")
        for data_id in record["data_id"]:
            if not data_id:
                lines.append("    - {}")
                continue
            lead = "    - "
            for key, value in data_id.items():
                lines.append(f"{lead}{scalar(key)}: {scalar(value)}")
                lead = "      "
        lines.append(f"    path: {scalar(record['path'])}")
        if "formatter" in record:
            lines.append(f"    formatter: {scalar(record['formatter'])}")
    return lines


def _timespan(timespan: Timespan) -> list[str]:
    if timespan.isEmpty():
        return [f"  - timespan: {TIMESPAN_TAG} EMPTY"]
    begin, end = timespan.nsec
    return [
        f"  - timespan: {TIMESPAN_TAG}",
        f"      begin: {_instant(begin, MIN_NSEC)}",
        f"      end: {_instant(end, MAX_NSEC)}",
    ]


def _associations(entry: Mapping[str, Any]) -> list[str]:
    lines = [
        "- type: associations",
        f"  collection: {scalar(entry['collection'])}",
        f"  collection_type: {entry['collection_type']}",
    ]
    if "dataset_ids" in entry:
        ids = entry["dataset_ids"]
        lines.append("  dataset_ids:" if ids else "  dataset_ids: []")
        _ids(lines, "  ", ids)
        return lines
    ranges = entry["validity_ranges"]
    lines.append("  validity_ranges:" if ranges else "  validity_ranges: []")
    for item in ranges:
        lines.extend(_timespan(item["timespan"]))
        ids = item["dataset_ids"]
        lines.append("    dataset_ids:" if ids else "    dataset_ids: []")
        _ids(lines, "    ", ids)
    return lines


def entry_text(entry: Mapping[str, Any]) -> str | None:
    """Return an entry of the ``data`` list as YAML text, or `None` to leave it to PyYAML.

    The text is one item of a block sequence at column zero (as the items of
    ``data:`` are written), ending with a newline.
    """
    kind = entry.get("type")
    try:
        if kind == "dataset":
            lines = _dataset(entry)
        elif kind == "associations":
            lines = _associations(entry)
        else:
            return None
    except TypeError:  # a value of a type written only by PyYAML
        return None
    return "\n".join(lines) + "\n"
