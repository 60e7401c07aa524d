"""Checking that a repository's configuration can store its dataset types.

`validate_configuration` does the work of `Butler.validateConfiguration`
and of ``butler config-validate``: for every registered dataset type (or
those named), its storage class must be known and the datastore must have
a formatter for it and a file template that fits its dimensions.
"""

from __future__ import annotations

__all__ = ["ConfigValidation", "validate_configuration"]

import dataclasses
import fnmatch
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .errors import ButlerError

if TYPE_CHECKING:
    from ._butler import Butler

_LOG = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class ConfigValidation:
    """What `validate_configuration` checked and what is wrong.

    ``checked`` names the dataset types checked; ``problems`` holds one
    message per dataset type the repository could not store (empty when all
    is well).
    """

    checked: tuple[str, ...]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """Whether every dataset type checked can be stored."""
        return not self.problems


def validate_configuration(
    butler: Butler,
    dataset_type_names: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
) -> ConfigValidation:
    """Check every dataset type (or those named) against the datastore's configuration.

    Parameters
    ----------
    butler
        The repository.
    dataset_type_names
        Names or glob patterns of the dataset types to check; all when `None`
        or empty.
    ignore
        Names or glob patterns of dataset types not to check.
    """
    wanted = list(dataset_type_names or ())
    skipped = tuple(ignore or ())
    checked: list[str] = []
    problems: list[str] = []
    for definition in butler.registry.queryDatasetTypes(wanted or ...):
        if any(fnmatch.fnmatchcase(definition.name, pattern) for pattern in skipped):
            continue
        checked.append(definition.name)
        try:
            definition.storageClass  # noqa: B018 -- an unknown storage class fails here
            butler.datastore.validateConfiguration([definition])
        except ButlerError as err:
            problems.append(f"{definition.name}: {err}")
    return ConfigValidation(tuple(checked), tuple(problems))
