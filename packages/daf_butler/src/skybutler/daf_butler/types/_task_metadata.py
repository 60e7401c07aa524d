"""`TaskMetadata`: the nested scalars and arrays a pipeline task records as it runs."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
)

__all__ = ["TaskMetadata"]

Scalar = StrictBool | StrictInt | StrictFloat | StrictStr
_SCALAR_TYPES = (bool, int, float, str)


def _plain_scalar(value: Any, key: str) -> Any:
    if value is None:
        return math.nan
    item = getattr(value, "item", None)
    if callable(item) and not isinstance(value, _SCALAR_TYPES):
        value = item()  # numpy scalars
    if not isinstance(value, _SCALAR_TYPES):
        raise TypeError(
            f"TaskMetadata value for {key!r} must be a bool, int, float or str (or a list of one "
            "of "
            f"them, or a mapping), not {type(value).__name__}."
        )
    return value


def _plain_array(values: Sequence[Any], key: str) -> list[Any]:
    items = [_plain_scalar(v, key) for v in values]
    kinds = {type(v) for v in items}
    if len(kinds - {float}) > 1 or (float in kinds and kinds & {bool, str}):
        raise TypeError(
            f"TaskMetadata array {key!r} must hold values of one type, not "
            f"{sorted(k.__name__ for k in kinds)}."
        )
    if float in kinds:
        items = [float(v) for v in items]
    return items


class TaskMetadata(BaseModel):
    """Nested metadata: scalars, homogeneous arrays and child `TaskMetadata`.

    Keys with dots address nested levels: ``md["a.b"] = 1`` creates the
    child ``a`` holding the scalar ``b``. Missing values (`None`) are stored
    as NaN, and NaN is written to JSON as ``null``.
    """

    model_config = ConfigDict(ser_json_inf_nan="null", validate_assignment=False)

    scalars: dict[str, Scalar] = Field(default_factory=dict)
    arrays: dict[str, list[StrictBool] | list[StrictInt] | list[StrictFloat] | list[StrictStr]] = (
        Field(default_factory=dict)
    )
    metadata: dict[str, TaskMetadata] = Field(default_factory=dict)

    @field_validator("scalars", mode="before")
    @classmethod
    def _null_scalars(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: math.nan if v is None else v for k, v in value.items()}
        return value

    @field_validator("arrays", mode="before")
    @classmethod
    def _null_arrays(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {
                k: [math.nan if x is None else x for x in v] if isinstance(v, list) else v
                for k, v in value.items()
            }
        return value

    # ------------------------------------------------------------ navigation

    def _parent(self, key: str, create: bool) -> tuple[TaskMetadata | None, str]:
        if not isinstance(key, str) or not key or any(not part for part in key.split(".")):
            raise KeyError(f"Invalid TaskMetadata key {key!r}: use non-empty names joined by dots.")
        *path, leaf = key.split(".")
        node: TaskMetadata | None = self
        for part in path:
            assert node is not None
            child = node.metadata.get(part)
            if child is None:
                if not create:
                    return None, leaf
                child = node.metadata[part] = TaskMetadata()
            node = child
        return node, leaf

    def __setitem__(self, key: str, value: Any) -> None:
        node, leaf = self._parent(key, create=True)
        assert node is not None
        node.scalars.pop(leaf, None)
        node.arrays.pop(leaf, None)
        node.metadata.pop(leaf, None)
        if isinstance(value, TaskMetadata):
            node.metadata[leaf] = value
        elif isinstance(value, Mapping):
            node.metadata[leaf] = TaskMetadata.from_dict(value)
        elif isinstance(value, list | tuple):
            node.arrays[leaf] = _plain_array(value, key)
        else:
            node.scalars[leaf] = _plain_scalar(value, key)

    def __getitem__(self, key: str) -> Any:
        node, leaf = self._parent(key, create=False)
        if node is not None:
            for store in (node.scalars, node.arrays, node.metadata):
                if leaf in store:
                    return store[leaf]
        raise KeyError(f"TaskMetadata has no entry {key!r}.")

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        try:
            self[key]
        except KeyError:
            return False
        return True

    def __delitem__(self, key: str) -> None:
        node, leaf = self._parent(key, create=False)
        if node is not None:
            for store in (node.scalars, node.arrays, node.metadata):
                if leaf in store:
                    del store[leaf]
                    return
        raise KeyError(f"TaskMetadata has no entry {key!r}.")

    def __len__(self) -> int:
        return len(self.scalars) + len(self.arrays) + len(self.metadata)

    def keys(self) -> list[str]:
        """Return the top-level names."""
        return [*self.scalars, *self.arrays, *self.metadata]

    def items(self) -> list[tuple[str, Any]]:
        """Return the top-level ``(name, value)`` pairs."""
        return [(key, self[key]) for key in self.keys()]

    def get(self, key: str, default: Any = None) -> Any:
        """Return the value of ``key``, or ``default``."""
        try:
            return self[key]
        except KeyError:
            return default

    def add(self, name: str, value: Any) -> None:
        """Append ``value`` to the array ``name`` (a scalar there becomes an array)."""
        node, leaf = self._parent(name, create=True)
        assert node is not None
        if leaf in node.arrays:
            node.arrays[leaf] = _plain_array([*node.arrays[leaf], value], name)
        elif leaf in node.scalars:
            node.arrays[leaf] = _plain_array([node.scalars.pop(leaf), value], name)
        elif leaf in node.metadata:
            raise KeyError(f"Cannot add to {name!r}: it holds nested metadata, not values.")
        else:
            node.arrays[leaf] = _plain_array([value], name)

    def getScalar(self, key: str) -> Any:
        """Return a scalar, or the last element of an array."""
        value = self[key]
        if isinstance(value, TaskMetadata):
            raise KeyError(f"TaskMetadata entry {key!r} holds nested metadata, not a scalar.")
        return value[-1] if isinstance(value, list) else value

    def getArray(self, key: str) -> list[Any]:
        """Return an array, or a scalar as a one-element list."""
        value = self[key]
        if isinstance(value, TaskMetadata):
            raise KeyError(f"TaskMetadata entry {key!r} holds nested metadata, not an array.")
        return list(value) if isinstance(value, list) else [value]

    def names(self) -> set[str]:
        """Return the full dotted name of every entry, nested metadata included."""
        result: set[str] = set()
        for key in self.keys():
            result.add(key)
            if key in self.metadata:
                result.update(f"{key}.{name}" for name in self.metadata[key].names())
        return result

    def paramNames(self, topLevelOnly: bool = False) -> set[str]:
        """Return the dotted names of scalars and arrays (not of nested metadata)."""
        result = {*self.scalars, *self.arrays}
        if not topLevelOnly:
            for key, child in self.metadata.items():
                result.update(f"{key}.{name}" for name in child.paramNames())
        return result

    def to_dict(self) -> dict[str, Any]:
        """Return the content as nested plain dicts and lists."""
        result: dict[str, Any] = dict(self.scalars)
        result.update({key: list(values) for key, values in self.arrays.items()})
        result.update({key: child.to_dict() for key, child in self.metadata.items()})
        return result

    @classmethod
    def from_dict(cls, mapping: Mapping[str, Any]) -> TaskMetadata:
        """Build from nested mappings, lists and scalars (dotted keys allowed)."""
        result = cls()
        for key, value in mapping.items():
            result[key] = value
        return result
