"""Pooled httpx clients, retried requests, and HTTP failures turned into resource errors.

One `httpx.Client` (a thread-safe connection pool) serves each endpoint for
as long as the settings in the environment stay the same. Every request goes
through `request` (or `call` for one that streams its body), which retries
transient failures with `call_with_retries` and raises the package's errors:
401/403 become `ResourcePermissionError` saying which credentials were sent,
404 `ResourceNotFoundError`, and an endpoint that cannot be reached
`ResourceUnavailableError`.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Collection, Iterator
from typing import TYPE_CHECKING, TypeVar

from .._retry import call_with_retries, retry_settings
from ..errors import (
    ResourceError,
    ResourceNotFoundError,
    ResourcePermissionError,
    ResourceUnavailableError,
)
from ._config import AUTH_HELP, AuthChoice, Endpoint, Settings, choose_auth, read_settings

if TYPE_CHECKING:
    import ssl

    import httpx

__all__ = ["Content", "call", "is_webdav", "request", "send_once"]

_T = TypeVar("_T")

TRANSIENT_STATUS = frozenset({429, 500, 502, 503, 504})
"""Answers worth another attempt: throttling and overloaded or restarting servers."""

# Methods whose redirects are safe to follow (no body to send again elsewhere).
_FOLLOW = frozenset({"GET", "HEAD", "OPTIONS", "PROPFIND"})

Content = bytes | Callable[[], bytes | Iterator[bytes]]
"""A request body, or a function making it anew for each attempt (for streams)."""

_clients: dict[tuple[int, Endpoint, Settings], httpx.Client] = {}
_clients_lock = threading.Lock()
_webdav: dict[Endpoint, bool] = {}


class _TransientStatusError(Exception):
    """A retryable HTTP answer; becomes `ResourceUnavailableError` when retries run out."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(f"HTTP {status} {reason}")
        self.status = status


def _ssl_context(endpoint: Endpoint, settings: Settings) -> ssl.SSLContext | bool:
    bundle = settings.ca_bundle
    if endpoint.scheme != "https" or not bundle:
        return True
    import ssl

    try:
        if os.path.isdir(bundle):
            return ssl.create_default_context(capath=bundle)
        return ssl.create_default_context(cafile=bundle)
    except (OSError, ssl.SSLError) as exc:
        raise ResourceError(
            f"Cannot load the CA bundle {bundle!r} (from SKYBUTLER_HTTP_CACERT_BUNDLE, "
            f"LSST_HTTP_CACERT_BUNDLE or SSL_CERT_FILE) to talk to {endpoint.base}: {exc}. "
            "Point the variable at a PEM file or a directory of CA certificates."
        ) from exc


def client_for(endpoint: Endpoint) -> httpx.Client:
    """Return the shared client for an endpoint under the current settings."""
    settings = read_settings()
    key = (os.getpid(), endpoint, settings)
    client = _clients.get(key)
    if client is not None:
        return client
    import httpx

    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            # Clients made before a fork share sockets with the parent: forget, never close them.
            for stale in [k for k in _clients if k[0] != key[0]]:
                del _clients[stale]
            client = httpx.Client(
                verify=_ssl_context(endpoint, settings),
                timeout=httpx.Timeout(
                    connect=settings.timeout_connect,
                    read=settings.timeout_read,
                    write=settings.timeout_read,
                    pool=settings.timeout_read,
                ),
                limits=httpx.Limits(max_connections=64, max_keepalive_connections=32),
                headers={"User-Agent": "skybutler-resources"},
            )
            _clients[key] = client
    return client


def _status_error(
    response: httpx.Response, method: str, where: str, auth: AuthChoice
) -> ResourceError:
    status = response.status_code
    if status in (401, 403):
        return ResourcePermissionError(
            f"{method} {where} was refused with HTTP {status} {response.reason_phrase}; "
            f"the request carried {auth.description}. {AUTH_HELP}"
        )
    if status in (404, 410):
        return ResourceNotFoundError(f"{where} does not exist (HTTP {status} to {method}).")
    detail = re.sub(r"<[^>]*>|\s+", " ", response.text).strip()
    detail = re.sub(r"\s{2,}", " ", detail)[:200]
    return ResourceError(
        f"{method} {where} failed with HTTP {status} {response.reason_phrase}"
        + (f": {detail}" if detail else ".")
    )


def send_once(
    endpoint: Endpoint,
    method: str,
    url: str,
    *,
    where: str,
    user: str | None,
    headers: dict[str, str] | None = None,
    content: Content | None = None,
    accept: Collection[int] = (),
    stream: bool = False,
) -> httpx.Response:
    """Make one attempt at a request.

    Parameters
    ----------
    endpoint
        The server; picks the pooled client.
    method, url
        The request; ``url`` carries no credentials.
    where
        The URI to name in messages (without credentials).
    user
        User name from the URI, if any; see `choose_auth`.
    headers, content
        Extra headers and the body.
    accept
        Non-2xx statuses the caller handles itself.
    stream
        Leave the body unread; the caller must close the response.

    Returns
    -------
    response : `httpx.Response`
        A 2xx answer or one with a status in ``accept``.

    Raises
    ------
    ResourceError
        A permanent failure, as the subclass that fits the status.
    """
    client = client_for(endpoint)
    auth = choose_auth(endpoint.hostport, user)
    all_headers = dict(headers or {})
    if auth.bearer is not None:
        all_headers["Authorization"] = f"Bearer {auth.bearer}"
    body = content() if callable(content) else content
    built = client.build_request(method, url, headers=all_headers, content=body)
    response = client.send(
        built, auth=auth.basic, stream=stream, follow_redirects=method in _FOLLOW
    )
    status = response.status_code
    if 200 <= status < 300 or status in accept:
        return response
    try:
        response.read()
    finally:
        response.close()
    if status in TRANSIENT_STATUS:
        raise _TransientStatusError(status, response.reason_phrase)
    raise _status_error(response, method, where, auth)


def _is_certificate_error(exc: BaseException) -> bool:
    import ssl

    seen: BaseException | None = exc
    for _ in range(8):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY_FAILED" in str(
            seen
        ):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _is_transient(exc: BaseException) -> bool:
    import httpx

    if isinstance(exc, _TransientStatusError):
        return True
    if isinstance(exc, httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError):
        return not _is_certificate_error(exc)
    return False


def call(fn: Callable[[], _T], *, endpoint: Endpoint, what: str) -> _T:
    """Call ``fn`` (one attempt at a request) with retries, translating transport failures.

    Parameters
    ----------
    fn
        Makes the request, usually through `send_once`; it must be safe to repeat.
    endpoint
        The server, named in messages.
    what
        ``METHOD uri`` for messages and the log.
    """
    import httpx

    try:
        return call_with_retries(fn, is_transient=_is_transient, what=what)
    except _TransientStatusError as exc:
        attempts = retry_settings()[0]
        raise ResourceUnavailableError(
            f"{endpoint.base} kept answering {exc} to {what} ({attempts} attempts); "
            "the server is overloaded or failing: try again later."
        ) from None
    except httpx.TransportError as exc:
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if _is_certificate_error(exc):
            raise ResourceUnavailableError(
                f"Cannot verify the TLS certificate of {endpoint.base} for {what} ({reason}). "
                "Set SKYBUTLER_HTTP_CACERT_BUNDLE to a PEM file of the CA that signed it."
            ) from exc
        if not isinstance(
            exc, httpx.TimeoutException | httpx.NetworkError | httpx.RemoteProtocolError
        ):
            raise ResourceError(f"{what} failed: {reason}.") from exc
        attempts = retry_settings()[0]
        raise ResourceUnavailableError(
            f"Cannot reach {endpoint.base} for {what} after {attempts} attempts ({reason}); "
            "check that the server is up and the URI's host and port are right."
        ) from exc


def request(
    endpoint: Endpoint,
    method: str,
    url: str,
    *,
    where: str,
    user: str | None,
    headers: dict[str, str] | None = None,
    content: Content | None = None,
    accept: Collection[int] = (),
) -> httpx.Response:
    """Make a request with retries and return the fully read answer; see `send_once`."""
    return call(
        lambda: send_once(
            endpoint,
            method,
            url,
            where=where,
            user=user,
            headers=headers,
            content=content,
            accept=accept,
        ),
        endpoint=endpoint,
        what=f"{method} {where}",
    )


def is_webdav(endpoint: Endpoint, user: str | None) -> bool:
    """Return whether the server speaks WebDAV: asked once per endpoint with OPTIONS."""
    known = _webdav.get(endpoint)
    if known is not None:
        return known
    # Permission errors and transient failures are raised, never remembered as "not WebDAV".
    accept = frozenset(range(300, 600)) - {401, 403} - TRANSIENT_STATUS
    response = request(
        endpoint,
        "OPTIONS",
        endpoint.base + "/",
        where=endpoint.base + "/",
        user=user,
        accept=accept,
    )
    classes = {token.strip() for token in response.headers.get("DAV", "").split(",")}
    found = response.is_success and "1" in classes
    _webdav[endpoint] = found
    return found
