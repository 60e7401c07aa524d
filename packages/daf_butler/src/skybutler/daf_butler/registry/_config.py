"""`RegistryConfig`: where the registry database is and how to reach it."""

from __future__ import annotations

__all__ = ["RegistryConfig"]

from typing import ClassVar

from .._config import ConfigSubset
from ..errors import ConfigError


class RegistryConfig(ConfigSubset):
    """The ``registry`` part of a butler configuration.

    Keys: ``db`` (an SQLAlchemy URL; ``sqlite:///<butlerRoot>/gen3.sqlite3``
    by default), ``namespace`` (a PostgreSQL schema), and, as upstream allows,
    ``username``, ``password``, ``host``, ``port`` and ``database``, which
    are merged into the URL.
    """

    component: ClassVar[str | None] = "registry"
    requiredKeys: ClassVar[tuple[str, ...]] = ("db",)
    defaultConfigFile: ClassVar[str | None] = "registry.yaml"

    def get_database_url(self) -> str:
        """Return the database URL with the separate connection keys merged in.

        Raises
        ------
        ConfigError
            The URL still holds ``<butlerRoot>`` or cannot be parsed.
        """
        import sqlalchemy as sa

        url_text = str(self["db"])
        if "<butlerRoot>" in url_text:
            raise ConfigError(
                f"The registry URL {url_text!r} still holds <butlerRoot>: give the repository root "
                "when reading the configuration."
            )
        try:
            url = sa.make_url(url_text)
        except sa.exc.ArgumentError as exc:
            raise ConfigError(f"Invalid registry database URL {url_text!r}: {exc}.") from None
        parts = {key: self.get(key) for key in ("username", "password", "host", "port", "database")}
        given = {key: value for key, value in parts.items() if value is not None}
        if given:
            url = url.set(**given)
        return url.render_as_string(hide_password=False)

    @property
    def namespace(self) -> str | None:
        """The PostgreSQL schema holding the registry, if one is set."""
        value = self.get("namespace")
        return None if value is None else str(value)
