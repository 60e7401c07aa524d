"""Show and check a repository's configuration: ``config-dump`` and ``config-validate``."""

from __future__ import annotations

__all__ = ["ConfigValidation", "config_dump", "config_validate"]

from collections.abc import Sequence

from .._butler_config import ButlerConfig
from .._butler_validate import ConfigValidation, validate_configuration
from .._config import Config
from ..errors import ConfigError
from ._repo import open_butler


def config_dump(repo: str, subset: str | None = None, searchpath: Sequence[str] = ()) -> str:
    """Return a repository's configuration (or one part of it) as YAML text.

    Parameters
    ----------
    repo
        The repository.
    subset
        A key path such as ``.registry.db`` or ``datastore.records``: show
        only that value.
    searchpath
        Further configuration files whose values are laid over the
        repository's, in order (as ``butler.yaml`` files would be).

    Raises
    ------
    ConfigError
        ``subset`` names nothing in the configuration.
    """
    config: Config = ButlerConfig(repo)
    for path in searchpath:
        config.update(Config(path).toDict())
    if subset:
        key = subset if subset.startswith(".") else "." + subset
        try:
            value = config[key]
        except KeyError:
            raise ConfigError(
                f"The configuration has no {subset!r}; its top-level keys are "
                f"{sorted(config.toDict())}."
            ) from None
        config = value if isinstance(value, Config) else Config({key.rsplit(".", 1)[-1]: value})
    text = config.dump()
    assert text is not None  # dump() returns the text when given no stream
    return text


def config_validate(
    repo: str, dataset_type: Sequence[str] = (), ignore: Sequence[str] = ()
) -> ConfigValidation:
    """Check that the datastore can store every registered dataset type.

    For each dataset type, its storage class must be known, and the
    datastore must have a formatter for it and a file template that fits
    its dimensions.

    Parameters
    ----------
    repo
        The repository.
    dataset_type
        Check only these dataset types (names or globs); all when empty.
    ignore
        Dataset types (names or globs) not to check.
    """
    with open_butler(repo) as butler:
        return validate_configuration(butler, dataset_type, ignore)
