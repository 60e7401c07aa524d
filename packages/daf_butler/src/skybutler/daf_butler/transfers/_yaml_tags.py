"""The YAML tags of upstream's export files, on a loader and a dumper of their own.

Tags (upstream's spelling, so files go both ways):

- ``!uuid 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6'``: a `uuid.UUID` (dataset IDs, uuid fields);
- ``!butler_time/tai/iso '2013-06-17 13:34:45.775000000'``: an astropy time in TAI,
  written with nine decimals;
- ``!lsst.daf.butler.Timespan``: a `Timespan`, the mapping ``{begin: ..., end: ...}`` (each
  a time or null for unbounded) or the scalar ``EMPTY``;
- ``!<lsst.sphgeom.ConvexPolygon>`` (and ``Circle``, ``Box``, ``UnionRegion``,
  ``IntersectionRegion``): a region, the mapping ``{encoded: <hex of sphgeom's binary
  encoding>}``;
- ``!!binary`` (standard YAML) for bytes, such as ``skymap.hash``.

The tags live on `ExportLoader` and `ExportDumper` only, never on PyYAML's
global classes; both are *safe* (libyaml's C versions when available), so
loading a file cannot run code.
"""

from __future__ import annotations

__all__ = [
    "TAI_TIME_TAG",
    "TIMESPAN_TAG",
    "UUID_TAG",
    "ExportDumper",
    "ExportLoader",
    "TaiInstant",
    "register_time",
    "represent_time",
]

import dataclasses
import uuid
from typing import Any

import yaml

from .._timespan import Timespan, iso_tai_to_time, nsec_to_iso_tai, time_to_nsec
from ..errors import ButlerError
from ..sphgeom import Box, Circle, ConvexPolygon, IntersectionRegion, Region, UnionRegion

UUID_TAG = "!uuid"
TAI_TIME_TAG = "!butler_time/tai/iso"
TIMESPAN_TAG = "!lsst.daf.butler.Timespan"
_REGION_PREFIX = "lsst.sphgeom."
_REGION_CLASSES: tuple[type[Region], ...] = (
    Box,
    Circle,
    ConvexPolygon,
    IntersectionRegion,
    UnionRegion,
)

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BaseDumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@dataclasses.dataclass(frozen=True, slots=True, order=True)
class TaiInstant:
    """A time as TAI nanoseconds since 1970-01-01 TAI, written without astropy.

    The exporter writes timespan bounds through this so that a large export
    never builds astropy times; it dumps exactly as an astropy time would.
    """

    nsec: int


_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"


class ExportLoader(_BaseLoader):  # type: ignore[misc,valid-type]
    """A safe YAML loader that understands the tags of export files.

    Plain lists, mappings and strings (nearly all of a large export) are
    built by a tight loop instead of PyYAML's general machinery, and the
    implicit type of repeated plain scalars is resolved once; everything
    else (other scalars, tags, merge keys) goes through the usual safe
    constructors.
    """

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self._resolved: dict[tuple[str, bool, bool], str] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is not yaml.ScalarNode or not isinstance(value, str):
            return super().resolve(kind, value, implicit)
        key = (value, bool(implicit[0]), bool(implicit[1]))
        tag = self._resolved.get(key)
        if tag is None:
            tag = self._resolved[key] = super().resolve(kind, value, implicit)
        return tag

    def construct_document(self, node: yaml.Node) -> Any:
        return self._build(node, set())

    def _build(self, node: yaml.Node, active: set[int]) -> Any:
        kind, tag = type(node), node.tag
        if kind is yaml.ScalarNode:
            if tag == _STR:
                return node.value
            constructor = self.yaml_constructors.get(tag)
            if constructor is not None:
                return constructor(self, node)
            return self.construct_object(node, deep=True)
        key = id(node)
        if key in active:
            raise _fail(node, "recursive structures (an alias inside itself) are not supported")
        active.add(key)
        try:
            if kind is yaml.SequenceNode and tag == _SEQ:
                return [self._build(child, active) for child in node.value]
            if (
                kind is yaml.MappingNode
                and tag == _MAP
                and all(k.tag != _MERGE for k, _ in node.value)
            ):
                result = {}
                for key_node, value_node in node.value:
                    name = self._build(key_node, active)
                    try:
                        result[name] = self._build(value_node, active)
                    except TypeError:
                        raise _fail(key_node, f"found an unhashable key {name!r}") from None
                return result
            return self.construct_object(node, deep=True)
        finally:
            active.discard(key)


class ExportDumper(_BaseDumper):  # type: ignore[misc,valid-type]
    """A safe YAML dumper that writes the tags of export files (and no anchors)."""

    def ignore_aliases(self, data: Any) -> bool:
        # A dataset ID listed in a dataset entry and in associations is written twice.
        return True


def _fail(node: yaml.Node, message: str) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(None, None, message, node.start_mark)


# ---------------------------------------------------------------- loading


def _construct_uuid(loader: yaml.SafeLoader, node: yaml.Node) -> uuid.UUID:
    text = loader.construct_scalar(node)  # type: ignore[arg-type]
    try:
        return uuid.UUID(str(text))
    except ValueError:
        raise _fail(node, f"{UUID_TAG} {text!r} is not a UUID") from None


def _construct_time(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    text = loader.construct_scalar(node)  # type: ignore[arg-type]
    try:
        return iso_tai_to_time(str(text))
    except ButlerError as err:
        raise _fail(node, f"{TAI_TIME_TAG} {text!r}: {err}") from None


def _construct_timespan(loader: yaml.SafeLoader, node: yaml.Node) -> Timespan:
    if isinstance(node, yaml.ScalarNode):
        text = loader.construct_scalar(node)
        if str(text).strip().upper() != "EMPTY":
            raise _fail(node, f"{TIMESPAN_TAG} scalar must be EMPTY, not {text!r}")
        return Timespan.makeEmpty()
    if not isinstance(node, yaml.MappingNode):
        raise _fail(node, f"{TIMESPAN_TAG} must be a mapping {{begin, end}} or EMPTY")
    bounds = loader.construct_mapping(node, deep=True)
    unknown = {str(k) for k in bounds} - {"begin", "end"}
    if unknown:
        raise _fail(node, f"{TIMESPAN_TAG} has unknown keys {sorted(unknown)}; expected begin, end")
    try:
        return Timespan(bounds.get("begin"), bounds.get("end"))
    except ButlerError as err:
        raise _fail(node, f"{TIMESPAN_TAG}: {err}") from None


def _construct_region(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Region:
    expected = {cls.__name__: cls for cls in _REGION_CLASSES}.get(suffix)
    if expected is None:
        known = ", ".join(f"{_REGION_PREFIX}{cls.__name__}" for cls in _REGION_CLASSES)
        raise _fail(node, f"region type {_REGION_PREFIX}{suffix} is not supported; known: {known}")
    if not isinstance(node, yaml.MappingNode):
        raise _fail(node, f"a {_REGION_PREFIX}{suffix} must be a mapping {{encoded: <hex>}}")
    value = loader.construct_mapping(node)
    encoded = value.get("encoded")
    if not isinstance(encoded, str):
        raise _fail(node, f"a {_REGION_PREFIX}{suffix} needs an 'encoded' hex string")
    try:
        region = Region.decodeHex(encoded)
    except ButlerError as err:
        raise _fail(node, f"{_REGION_PREFIX}{suffix}: {err}") from None
    if not isinstance(region, expected):
        raise _fail(
            node, f"{_REGION_PREFIX}{suffix} holds the encoding of a {type(region).__name__}"
        )
    return region


ExportLoader.add_constructor(UUID_TAG, _construct_uuid)
ExportLoader.add_constructor(TAI_TIME_TAG, _construct_time)
ExportLoader.add_constructor(TIMESPAN_TAG, _construct_timespan)
ExportLoader.add_multi_constructor(_REGION_PREFIX, _construct_region)


# ---------------------------------------------------------------- dumping


def _represent_uuid(dumper: yaml.SafeDumper, value: uuid.UUID) -> yaml.Node:
    return dumper.represent_scalar(UUID_TAG, str(value), style="'")


def _represent_instant(dumper: yaml.SafeDumper, value: TaiInstant) -> yaml.Node:
    return dumper.represent_scalar(TAI_TIME_TAG, nsec_to_iso_tai(value.nsec), style="'")


def represent_time(dumper: yaml.SafeDumper, value: Any) -> yaml.Node:
    """Represent an astropy time (registered on first export, see `register_time`)."""
    return _represent_instant(dumper, TaiInstant(time_to_nsec(value, clamp=False)))


def _bound(nsec: int, unbounded: int) -> TaiInstant | None:
    return None if nsec == unbounded else TaiInstant(nsec)


def _represent_timespan(dumper: yaml.SafeDumper, value: Timespan) -> yaml.Node:
    from .._timespan import MAX_NSEC, MIN_NSEC

    if value.isEmpty():
        return dumper.represent_scalar(TIMESPAN_TAG, "EMPTY")
    begin, end = value.nsec
    bounds = {"begin": _bound(begin, MIN_NSEC), "end": _bound(end, MAX_NSEC)}
    return dumper.represent_mapping(TIMESPAN_TAG, bounds)


def _represent_region(dumper: yaml.SafeDumper, value: Region) -> yaml.Node:
    tag = _REGION_PREFIX + type(value).__name__
    return dumper.represent_mapping(tag, {"encoded": value.encodeHex()})


def register_time() -> None:
    """Teach `ExportDumper` astropy times (imported here, not at module import)."""
    from astropy.time import Time

    if Time not in ExportDumper.yaml_representers:
        ExportDumper.add_representer(Time, represent_time)


ExportDumper.add_representer(uuid.UUID, _represent_uuid)
ExportDumper.add_representer(TaiInstant, _represent_instant)
ExportDumper.add_representer(Timespan, _represent_timespan)
for _cls in _REGION_CLASSES:
    ExportDumper.add_representer(_cls, _represent_region)
