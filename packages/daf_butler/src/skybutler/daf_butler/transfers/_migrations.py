"""Records of older ``daf_butler`` universes, rewritten for the current one on import.

Upstream's universe history (see the dimensions documentation) changed some
records in ways a plain field-by-field copy cannot follow:

- before version 1, an exposure's ``obs_id`` was its ``name``, and visits had no
  ``day_obs`` (it is taken here as the TAI date their observation began: upstream
  also applies an instrument's day offset, which an export file does not hold);
- before version 2, a visit named its one visit system in a ``visit_system``
  field; now ``visit_system_membership`` records say it;
- before version 6, an exposure's group was the ``group_name`` field (and a
  ``group_id`` number), and ``day_obs`` was a plain field of exposures and
  visits; now ``group`` and ``day_obs`` are dimensions with records.

`migrate` rewrites one record's fields and returns the records of other
elements it implies; everything else a version changed (a field added or
dropped) is handled by `RecordImporter` generically.
"""

from __future__ import annotations

__all__ = ["migrate"]

from collections.abc import Mapping
from typing import Any

_NAMESPACE = "daf_butler"


def migrate(
    element: str, values: Mapping[str, Any], version: int, namespace: str | None
) -> tuple[dict[str, Any], list[tuple[str, dict[str, Any]]]]:
    """Rewrite a record of an old ``daf_butler`` universe.

    Parameters
    ----------
    element
        The record's element.
    values
        The record's fields as the file holds them.
    version, namespace
        The universe of the file.

    Returns
    -------
    values
        The fields, rewritten.
    implied
        ``(element, fields)`` of records the old record stood for.
    """
    result = dict(values)
    implied: list[tuple[str, dict[str, Any]]] = []
    if namespace not in (None, _NAMESPACE):
        return result, implied
    instrument = result.get("instrument")
    if version < 1 and element == "exposure" and "name" in result and "obs_id" not in result:
        result["obs_id"] = result.pop("name")
    begin = result.get("datetime_begin")
    if version < 1 and element == "visit" and result.get("day_obs") is None and begin is not None:
        result["day_obs"] = int(begin.tai.to_value("iso", subfmt="date").replace("-", ""))
    if version < 2 and element == "visit" and "visit_system" in result:
        system = result.pop("visit_system")
        if system is not None and "id" in result:
            implied.append(
                (
                    "visit_system_membership",
                    {"instrument": instrument, "visit_system": system, "visit": result["id"]},
                )
            )
    if version < 6 and element == "exposure":
        result.pop("group_id", None)
        group = result.pop("group_name", None)
        if group is not None and result.get("group") is None:
            result["group"] = group
        if result.get("group") is not None:
            implied.append(("group", {"instrument": instrument, "name": result["group"]}))
    if version < 6 and element in ("exposure", "visit") and result.get("day_obs") is not None:
        implied.append(("day_obs", {"instrument": instrument, "id": result["day_obs"]}))
    return result, implied
