"""Tag and certify datasets: the work behind ``associate`` and ``certify-calibrations``."""

from __future__ import annotations

__all__ = ["associate", "certify_calibrations"]

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .._collection_type import CollectionType
from .._timespan import Timespan
from ..errors import EmptyQueryResultError, TimespanError
from ._queries import find_refs
from ._repo import open_butler

if TYPE_CHECKING:
    from astropy.time import Time


def associate(
    repo: str,
    collection: str,
    dataset_type: Sequence[str] = (),
    collections: Sequence[str] = (),
    where: str = "",
    find_first: bool = False,
    limit: int = 0,
) -> int:
    """Add the datasets a query finds to a TAGGED collection; return how many were found.

    Parameters
    ----------
    repo
        The repository.
    collection
        The TAGGED collection (registered if it does not exist).
    dataset_type
        Dataset types (names or globs); every dataset type when empty.
    collections
        Collections to search (names or globs); every collection when empty.
    where
        A ``where`` expression.
    find_first
        For each data ID, only the dataset in the first collection.
    limit
        The most datasets per type: ``0`` for all, negative to cap and warn.

    Raises
    ------
    CollectionTypeError
        ``collection`` exists and is not TAGGED.
    MissingCollectionError
        A named collection to search does not exist.
    """
    with open_butler(repo, writeable=True, without_datastore=True) as butler:
        registry = butler.registry
        with butler.transaction():
            registry.registerCollection(collection, CollectionType.TAGGED)
            refs = find_refs(butler, dataset_type, collections, where, find_first, limit)
            registry.associate(collection, refs)
        return len(refs)


def _time(text: str | None, option: str) -> Time | None:
    if text is None:
        return None
    from astropy.time import Time

    try:
        return Time(text, scale="tai")
    except ValueError:
        raise TimespanError(
            f"{option} {text!r} is not a date; write an ISO date and time such as "
            "2024-01-01T00:00:00 (TAI)."
        ) from None


def certify_calibrations(
    repo: str,
    input_collection: str,
    output_collection: str,
    dataset_type_name: str,
    begin_date: str | None = None,
    end_date: str | None = None,
    search_all_inputs: bool = False,
) -> int:
    """Certify calibration datasets into a CALIBRATION collection; return how many.

    Parameters
    ----------
    repo
        The repository.
    input_collection
        Where the datasets are (a RUN, or a chain).
    output_collection
        The CALIBRATION collection (registered if it does not exist).
    dataset_type_name
        The calibration dataset type.
    begin_date, end_date
        The validity range (ISO dates, TAI); unbounded when not given.
    search_all_inputs
        Certify the datasets of every collection in a chained
        ``input_collection``, not only the first found for each data ID.

    Raises
    ------
    EmptyQueryResultError
        No datasets of that type are in ``input_collection``.
    TimespanError
        A date cannot be read, or ``end_date`` is not after ``begin_date``.
    """
    begin, end = _time(begin_date, "--begin-date"), _time(end_date, "--end-date")
    if begin is not None and end is not None and end <= begin:
        raise TimespanError(
            f"--end-date {end_date} is not after --begin-date {begin_date}; the validity range "
            "would be empty."
        )
    timespan = Timespan(begin, end)
    with open_butler(repo, writeable=True, without_datastore=True) as butler:
        registry = butler.registry
        definition = registry.getDatasetType(dataset_type_name)
        query = butler.query()
        results = query.datasets(definition, [input_collection], find_first=not search_all_inputs)
        refs = list(results)
        if not refs:
            raise EmptyQueryResultError(results.explain_no_results())
        registry.registerCollection(output_collection, CollectionType.CALIBRATION)
        registry.certify(output_collection, refs, timespan)
        return len(refs)
