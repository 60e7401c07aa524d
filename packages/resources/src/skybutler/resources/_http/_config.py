"""Settings and credentials of HTTP requests, read from URIs and the environment.

Nothing here imports httpx: building an ``https://`` URI must stay cheap.

Credentials given in a URI (``https://user:password@host/path``) are taken
out of it when it is parsed: the password is kept in a process-wide table
keyed by host and user, and the URI keeps only ``user@host``, so that neither
``str(uri)`` nor any message shows it. A URI pickled to another process
therefore carries no password there; use the environment variables instead.

Environment variables (upstream's ``LSST_`` names are accepted as fallbacks):

``SKYBUTLER_HTTP_AUTH_BEARER_TOKEN``
    A bearer token, or the path of a file holding one.
``SKYBUTLER_HTTP_AUTH_USER`` / ``SKYBUTLER_HTTP_AUTH_PASSWORD``
    Basic-auth credentials, used when the URI names none.
``SKYBUTLER_HTTP_CACERT_BUNDLE``
    A PEM file (or a directory of hashed certificates) of trusted CAs; then
    ``LSST_HTTP_CACERT_BUNDLE``, then ``SSL_CERT_FILE``; else the system's
    default trust store.
``SKYBUTLER_HTTP_TIMEOUT_CONNECT`` / ``SKYBUTLER_HTTP_TIMEOUT_READ``
    Seconds, defaults 60 and 1500 (as upstream: slow storage back ends
    may take long before the first byte of a large file).
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass

__all__ = [
    "AUTH_HELP",
    "AuthChoice",
    "Endpoint",
    "Settings",
    "choose_auth",
    "read_settings",
    "remember_password",
    "split_userinfo",
]

_log = logging.getLogger(__name__)

_passwords: dict[tuple[str, str], str] = {}
_passwords_lock = threading.Lock()

AUTH_HELP = (
    "Set SKYBUTLER_HTTP_AUTH_BEARER_TOKEN (a token, or a file holding one), or "
    "SKYBUTLER_HTTP_AUTH_USER and SKYBUTLER_HTTP_AUTH_PASSWORD, or give user:password in the URI."
)


@dataclass(frozen=True)
class Endpoint:
    """An HTTP server: the unit of connection pooling and WebDAV detection."""

    scheme: str
    """``http`` or ``https`` (``dav``/``davs`` already mapped)."""
    hostport: str
    """Host and optional port, without credentials."""

    @property
    def base(self) -> str:
        """The server's base URL, e.g. ``https://host:8443``."""
        return f"{self.scheme}://{self.hostport}"


@dataclass(frozen=True)
class Settings:
    """Client settings taken from the environment; a change makes a new client."""

    ca_bundle: str | None
    timeout_connect: float
    timeout_read: float


@dataclass(frozen=True)
class AuthChoice:
    """The credentials a request will carry, and how to describe them safely."""

    basic: tuple[str, str] | None
    bearer: str | None
    description: str
    """Human-readable, never including a password or token."""


def split_userinfo(netloc: str) -> tuple[str | None, str | None, str]:
    """Split ``user:password@hostport`` into its three parts (missing ones `None`)."""
    userinfo, sep, hostport = netloc.rpartition("@")
    if not sep:
        return None, None, netloc
    user, colon, password = userinfo.partition(":")
    return user, (password if colon else None), hostport


def remember_password(hostport: str, user: str, password: str) -> None:
    """Keep a password given in a URI for later requests to that host as that user."""
    with _passwords_lock:
        _passwords[hostport.lower(), user] = password


def _env(*names: str) -> str | None:
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return None


def _env_seconds(name: str, fallback: str, default: float) -> float:
    value = _env(name, fallback)
    if value is None:
        return default
    try:
        seconds = float(value)
    except ValueError:
        _log.warning("Ignoring %s=%r: not a number of seconds; using %s.", name, value, default)
        return default
    return seconds if seconds > 0 else default


def read_settings() -> Settings:
    """Return the client settings the environment asks for now."""
    return Settings(
        ca_bundle=_env("SKYBUTLER_HTTP_CACERT_BUNDLE", "LSST_HTTP_CACERT_BUNDLE", "SSL_CERT_FILE"),
        timeout_connect=_env_seconds(
            "SKYBUTLER_HTTP_TIMEOUT_CONNECT", "LSST_HTTP_TIMEOUT_CONNECT", 60.0
        ),
        timeout_read=_env_seconds("SKYBUTLER_HTTP_TIMEOUT_READ", "LSST_HTTP_TIMEOUT_READ", 1500.0),
    )


def _bearer_token() -> tuple[str, str] | None:
    """Return the token and a description of where it came from, if one is set."""
    for name in ("SKYBUTLER_HTTP_AUTH_BEARER_TOKEN", "LSST_HTTP_AUTH_BEARER_TOKEN"):
        value = os.environ.get(name, "").strip()
        if not value:
            continue
        if os.path.isfile(value):
            try:
                with open(value, encoding="utf-8") as stream:
                    token = stream.read().strip()
            except OSError as exc:
                _log.warning("Cannot read the bearer token file named by %s: %s.", name, exc)
                continue
            return token, f"a bearer token read from the file named by {name}"
        return value, f"the bearer token in {name}"
    return None


def choose_auth(hostport: str, uri_user: str | None) -> AuthChoice:
    """Pick the credentials for a request.

    Order: user and password from the URI; a bearer token from the
    environment; basic auth from the environment (the URI's user name, if it
    gives one, replaces ``SKYBUTLER_HTTP_AUTH_USER``).
    """
    if uri_user is not None:
        with _passwords_lock:
            password = _passwords.get((hostport.lower(), uri_user))
        if password is not None:
            return AuthChoice(
                (uri_user, password), None, f"basic auth as user {uri_user!r} from the URI"
            )
    token = _bearer_token()
    if token is not None:
        return AuthChoice(None, token[0], token[1])
    env_password = _env("SKYBUTLER_HTTP_AUTH_PASSWORD")
    user = uri_user or _env("SKYBUTLER_HTTP_AUTH_USER")
    if user is not None and env_password is not None:
        origin = "from the URI" if uri_user else "from SKYBUTLER_HTTP_AUTH_USER"
        return AuthChoice(
            (user, env_password),
            None,
            f"basic auth as user {user!r} ({origin}) "
            "with the password in SKYBUTLER_HTTP_AUTH_PASSWORD",
        )
    return AuthChoice(None, None, "no credentials")
