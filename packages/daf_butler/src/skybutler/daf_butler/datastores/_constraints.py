"""`Constraints`: which datasets a datastore accepts (``accept:``/``reject:`` lists).

Entries are lookup keys as in `~skybutler.daf_butler.formatters.LookupTable`
(dataset type, dimensions, storage class), ``all``, or ``instrument<NAME>:``
followed by a list of such keys for that instrument only. The most specific
match decides; at the same specificity an explicit accept beats a reject,
and both beat ``all``. Accepting and rejecting ``all`` together is an error.
"""

from __future__ import annotations

__all__ = ["Constraints"]

from collections.abc import Mapping
from typing import Any

from ..errors import DatastoreConfigError
from ..formatters._lookup import LookupTable, lookup_keys


def _entries(value: Any, what: str) -> dict[str, Any]:
    entries: dict[str, Any] = {}
    for item in value or ():
        if isinstance(item, Mapping):
            for key, inner in item.items():
                if not isinstance(inner, list):
                    raise DatastoreConfigError(
                        f"Constraint {what} entry {key!r} must hold a list of keys, not {inner!r}."
                    )
                entries[str(key)] = {str(name): True for name in inner}
        else:
            entries[str(item)] = True
    return entries


class Constraints:
    """Accept/reject rules of a datastore.

    Parameters
    ----------
    config
        The ``constraints`` section: ``{accept: [...], reject: [...]}``, or `None`
        (accept everything).
    """

    def __init__(self, config: Mapping[str, Any] | None) -> None:
        config = config or {}
        unknown = sorted(set(config) - {"accept", "reject"})
        if unknown:
            raise DatastoreConfigError(
                f"Unknown constraint keys {unknown}; use 'accept' and/or 'reject'."
            )
        accept = _entries(config.get("accept"), "accept")
        reject = _entries(config.get("reject"), "reject")
        self._accept_all = accept.pop("all", False)
        self._reject_all = reject.pop("all", False)
        if self._accept_all and self._reject_all:
            raise DatastoreConfigError("Constraints cannot both accept and reject 'all'.")
        self._accept: LookupTable[bool] = LookupTable(accept, "constraint")
        self._reject: LookupTable[bool] = LookupTable(reject, "constraint")
        self._has_accept = bool(accept) or self._accept_all
        self._trivial = not accept and not reject and not self._reject_all

    def accepts(self, entity: Any) -> bool:
        """Return whether a dataset ref, dataset type or storage class is accepted."""
        if self._trivial:
            return True
        accepted, _ = self._accept.find(entity)
        rejected, _ = self._reject.find(entity)
        if accepted is not None and rejected is not None:
            order = lookup_keys(entity)
            return order.index(accepted) <= order.index(rejected)
        if accepted is not None:
            return True
        if rejected is not None:
            return False
        if self._reject_all:
            return False
        # An accept list that did not match means "only these".
        return self._accept_all or not self._has_accept
