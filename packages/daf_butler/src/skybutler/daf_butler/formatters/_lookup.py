"""`LookupTable`: per-dataset configuration keyed as upstream's datastore config is.

Keys of a configuration mapping (formatters, templates, constraints,
composites, cache settings) are, in the order a dataset tries them:

- ``instrument<NAME>:`` a nested mapping of the keys below, used only for
  data IDs of that instrument, and tried before all unscoped keys;
- a dataset type name (``calexp``; a component's full name, then its parent);
- dimensions joined by ``+`` (``instrument+visit+detector``; one dimension
  needs a trailing ``+``: ``physical_filter+``), matched against the dataset
  type's dimensions after both are conformed by the universe;
- a storage class name, then the names of the classes it inherits from,
  then a component's parent storage class;
- ``default``, when nothing else matched.
"""

from __future__ import annotations

__all__ = ["LookupTable", "lookup_keys"]

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .._lookup_key import LookupKey
from ..errors import DatastoreConfigError

if TYPE_CHECKING:
    from ..dimensions import DimensionUniverse

_T = TypeVar("_T")
_INSTRUMENT = re.compile(r"^instrument<([^<>]+)>$")


def lookup_keys(entity: Any) -> tuple[LookupKey, ...]:
    """Return the keys a dataset ref, dataset type or storage class tries, best first."""
    from .._dataset_ref import DatasetRef
    from .._dataset_type import DatasetType
    from .._storage_class import StorageClass

    if isinstance(entity, DatasetRef):
        keys = entity.datasetType._lookupNames()
        data_id = entity.dataId
        if "instrument" in data_id.dimensions.names:
            scope = {"instrument": data_id["instrument"]}
            return tuple(key.clone(dataId=scope) for key in keys) + keys
        return keys
    if isinstance(entity, DatasetType):
        return entity._lookupNames()
    if isinstance(entity, StorageClass):
        return tuple(LookupKey(name=name) for name in entity.lookup_names())
    if isinstance(entity, str):
        return (LookupKey(name=entity),)
    raise TypeError(f"Cannot look configuration up for a {type(entity).__name__}: {entity!r}.")


class LookupTable(Generic[_T]):
    """Values of a configuration mapping, found for a dataset by upstream's priority.

    Parameters
    ----------
    mapping
        The configuration section (``{key: value}``).
    what
        What the values are, for error messages (``"formatter"``).
    reserved
        Keys that are settings of the section rather than lookup keys.
    """

    def __init__(
        self, mapping: Mapping[str, Any] | None, what: str, reserved: Iterable[str] = ()
    ) -> None:
        self.what = what
        self.default: _T | None = None
        self._names: dict[tuple[str, tuple[tuple[str, Any], ...]], _T] = {}
        self._dimension_keys: list[tuple[tuple[str, ...], tuple[tuple[str, Any], ...], _T]] = []
        self._by_universe: dict[int, dict[LookupKey, _T]] = {}
        self._memo: dict[Any, tuple[LookupKey | None, _T | None]] = {}
        skip = set(reserved)
        for key, value in (mapping or {}).items():
            if key in skip:
                continue
            match = _INSTRUMENT.match(str(key))
            if match:
                if not isinstance(value, Mapping):
                    raise DatastoreConfigError(
                        f"The {what} entry {key!r} must hold a mapping of keys to {what}s, "
                        f"not {value!r}."
                    )
                scope = (("instrument", match.group(1)),)
                for inner, inner_value in value.items():
                    self._add(str(inner), inner_value, scope)
            elif key == "default":
                self.default = value
            else:
                self._add(str(key), value, ())

    def _add(self, key: str, value: Any, scope: tuple[tuple[str, Any], ...]) -> None:
        if "+" in key:
            names = tuple(part for part in key.split("+") if part)
            if not names:
                raise DatastoreConfigError(f"The {self.what} key {key!r} names no dimensions.")
            self._dimension_keys.append((names, scope, value))
        else:
            self._names[(key, scope)] = value

    def _dimension_table(self, universe: DimensionUniverse) -> dict[LookupKey, _T]:
        table = self._by_universe.get(id(universe))
        if table is None:
            table = {}
            for names, scope, value in self._dimension_keys:
                try:
                    group = universe.conform(names)
                except Exception as exc:
                    raise DatastoreConfigError(
                        f"The {self.what} key {'+'.join(names)!r} names unknown dimensions: {exc}"
                    ) from exc
                table[LookupKey(dimensions=group, dataId=dict(scope))] = value
            self._by_universe[id(universe)] = table
        return table

    def items(self) -> list[tuple[str, _T]]:
        """Return ``(key, value)`` pairs as written in the configuration (no default)."""
        result = [
            (name if not scope else f"instrument<{scope[0][1]}>:{name}", value)
            for (name, scope), value in self._names.items()
        ]
        result += [
            ("+".join(names) + ("+" if len(names) == 1 else ""), value)
            for names, _scope, value in self._dimension_keys
        ]
        return result

    def dimension_entries(self) -> list[tuple[tuple[str, ...], _T]]:
        """Return ``(dimension names, value)`` of the dimension keys."""
        return [(names, value) for names, _scope, value in self._dimension_keys]

    def find(self, entity: Any) -> tuple[LookupKey | None, _T | None]:
        """Return the best matching key and its value; ``(None, default)`` if none matched."""
        memo_key = _memo_key(entity)
        if memo_key is not None:
            found = self._memo.get(memo_key)
            if found is None:
                if len(self._memo) > _MEMO_LIMIT:
                    self._memo.clear()
                found = self._memo[memo_key] = self._find(entity)
            return found
        return self._find(entity)

    def _find(self, entity: Any) -> tuple[LookupKey | None, _T | None]:
        for key in lookup_keys(entity):
            scope = tuple(sorted(key.dataId.items()))
            if key.name is not None:
                found = self._names.get((key.name, scope), _MISSING)
                if found is not _MISSING:
                    return key, found
            elif key.dimensions is not None and self._dimension_keys:
                table = self._dimension_table(key.dimensions.universe)
                found = table.get(key, _MISSING)
                if found is not _MISSING:
                    return key, found
        return None, self.default

    def __contains__(self, entity: object) -> bool:
        key, _ = self.find(entity)
        return key is not None


_MISSING: Any = object()
_MEMO_LIMIT = 10_000


def _memo_key(entity: Any) -> Any:
    """Return what the result of a lookup depends on, or `None` to not remember it."""
    from .._dataset_ref import DatasetRef
    from .._dataset_type import DatasetType

    if isinstance(entity, DatasetRef):
        data_id = entity.dataId
        instrument = data_id["instrument"] if "instrument" in data_id.dimensions.names else None
        return (entity.datasetType, instrument)
    if isinstance(entity, DatasetType):
        return (entity, None)
    if isinstance(entity, str):
        return entity
    return None
