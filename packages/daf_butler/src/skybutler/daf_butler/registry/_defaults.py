"""`RegistryDefaults`: collections, run and data ID values used when a call gives none."""

from __future__ import annotations

__all__ = ["RegistryDefaults"]

from collections.abc import Iterable, Sequence
from typing import Any

from ..errors import CollectionTypeError


class RegistryDefaults:
    """Default collections, output run and governor data ID values.

    Parameters
    ----------
    collections
        Collections searched when a call gives none, in order. Defaults to
        ``[run]`` when only a run is given.
    run
        The RUN collection new datasets go to when a call names none.
    infer
        Kept for upstream compatibility; governor values are only taken from
        ``**kwargs`` here.
    **kwargs
        Default data ID values for governor dimensions, e.g.
        ``instrument="HSC"``.
    """

    def __init__(
        self,
        collections: str | Iterable[str] | None = None,
        run: str | None = None,
        infer: bool = True,
        **kwargs: Any,
    ) -> None:
        if isinstance(collections, str):
            collections = (collections,)
        names = tuple(collections) if collections is not None else ()
        if not names and run is not None:
            names = (run,)
        if any(not isinstance(name, str) for name in names):
            raise CollectionTypeError(
                f"Default collections must be names (strings), got {list(names)!r}."
            )
        self._collections = names
        self._run = run
        self._infer = infer
        self._data_id = dict(kwargs)

    @property
    def collections(self) -> Sequence[str]:
        """The default collection search path (possibly empty)."""
        return self._collections

    @property
    def run(self) -> str | None:
        """The default output RUN collection, if any."""
        return self._run

    @property
    def dataId(self) -> dict[str, Any]:
        """Default data ID values (governor dimensions)."""
        return dict(self._data_id)

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in self._data_id.items())
        return (
            f"RegistryDefaults(collections={list(self._collections)!r}, run={self._run!r}{extra})"
        )
