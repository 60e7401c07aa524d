"""Formatters for plain data: JSON, YAML, pickle and numpy ``.npy`` arrays."""

from __future__ import annotations

__all__ = ["JsonFormatter", "NumpyFormatter", "PickleFormatter", "YamlFormatter"]

import dataclasses
import io
import json
import math
import pickle
import re
from typing import Any, ClassVar

from ._base import Formatter, ReadRequest, build_pytype


def _plain(obj: Any) -> Any:
    """Return plain data for an object, trying its own serialization methods first."""
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        return dump(mode="json")
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    as_dict = getattr(obj, "_asdict", None) or getattr(obj, "toDict", None)
    if callable(as_dict):
        return as_dict()
    return obj


_PLAIN_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,99}")
"""Strings YAML writes as they are: no resolver but bool and null can match them."""

_RESOLVED_WORDS = frozenset(
    word
    for base in ("yes", "no", "true", "false", "on", "off", "null")
    for word in (base, base.capitalize(), base.upper())
)
"""Words YAML would read back as booleans or null."""


def _flat_scalar(value: Any) -> str | None:
    """Return a scalar as PyYAML's safe dumper writes it, or `None` if it is not simple."""
    kind = type(value)
    if kind is str:
        return value if _PLAIN_WORD.fullmatch(value) and value not in _RESOLVED_WORDS else None
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return str(value)
    if kind is float:
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value).lower()
        return text.replace("e", ".0e", 1) if "." not in text and "e" in text else text
    if value is None:
        return "null"
    return None


def flat_mapping_yaml(obj: Any) -> str | None:
    """Return the YAML of a flat dict of simple scalars, or `None` for anything else.

    The text is exactly what ``yaml.dump(obj, Dumper=SafeDumper,
    sort_keys=False)`` writes (a test compares them), at a fraction of the
    cost: PyYAML's representer is Python even with libyaml's emitter, and
    small metric dicts are the most common thing a pipeline writes.
    """
    if type(obj) is not dict or not obj:
        return None
    lines = []
    for key, value in obj.items():
        name = _flat_scalar(key) if type(key) is str else None
        text = _flat_scalar(value)
        if name is None or text is None:
            return None
        lines.append(f"{name}: {text}\n")
    return "".join(lines)


class JsonFormatter(Formatter):
    """JSON files; pydantic models, dataclasses, named tuples and plain data."""

    name: ClassVar[str] = "json"
    default_extension: ClassVar[str] = ".json"

    def to_bytes(self, obj: Any) -> bytes:
        dump_json = getattr(obj, "model_dump_json", None)
        if callable(dump_json):
            return str(dump_json()).encode()
        return json.dumps(_plain(obj)).encode()

    def from_bytes(self, data: bytes, request: ReadRequest) -> Any:
        return build_pytype(json.loads(data), request.storage_class)


class YamlFormatter(Formatter):
    """YAML files (safe dumps of plain data; libyaml's C code when installed)."""

    name: ClassVar[str] = "yaml"
    default_extension: ClassVar[str] = ".yaml"
    supported_extensions: ClassVar[frozenset[str]] = frozenset({".yml"})

    def to_bytes(self, obj: Any) -> bytes:
        plain = _plain(obj)
        fast = flat_mapping_yaml(plain)
        if fast is not None:
            return fast.encode()
        import yaml

        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        try:
            text = yaml.dump(plain, Dumper=dumper, sort_keys=False)
        except yaml.representer.RepresenterError as exc:
            raise TypeError(f"YAML cannot represent {exc.args[-1]!r} safely.") from exc
        return text.encode()

    def from_bytes(self, data: bytes, request: ReadRequest) -> Any:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return build_pytype(yaml.load(data, Loader=loader), request.storage_class)


class PickleFormatter(Formatter):
    """Python pickles (any picklable object; read only files you trust)."""

    name: ClassVar[str] = "pickle"
    default_extension: ClassVar[str] = ".pickle"
    supported_extensions: ClassVar[frozenset[str]] = frozenset({".pkl"})

    def to_bytes(self, obj: Any) -> bytes:
        try:
            return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, AttributeError) as exc:
            raise TypeError(str(exc)) from exc

    def from_bytes(self, data: bytes, request: ReadRequest) -> Any:
        return pickle.loads(data)


class NumpyFormatter(Formatter):
    """numpy ``.npy`` files (arrays of non-object dtype)."""

    name: ClassVar[str] = "numpy"
    default_extension: ClassVar[str] = ".npy"

    def to_bytes(self, obj: Any) -> bytes:
        import numpy as np

        array = np.asanyarray(obj)
        if array.dtype.hasobject:
            raise TypeError(f"Cannot write a {type(obj).__name__} of object dtype as .npy.")
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        return buffer.getvalue()

    def from_bytes(self, data: bytes, request: ReadRequest) -> Any:
        import numpy as np

        return np.load(io.BytesIO(data), allow_pickle=False)
