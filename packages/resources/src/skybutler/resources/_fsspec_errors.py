"""Turn failures of the fsspec object-store libraries into the `ResourceError` tree.

s3fs, gcsfs, botocore and aiohttp each report failures their own way; the
helpers here look at an exception, its causes, the HTTP status and the
store's error code (the scheme class extracts those two), and pick the
matching error with a message naming the URI, the endpoint and what to do.
Exception classes are recognised by name so that none of those libraries is
imported before it is used.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ._retry import retry_settings
from .errors import (
    ResourceError,
    ResourceExistsError,
    ResourceNotFoundError,
    ResourcePermissionError,
    ResourceUnavailableError,
)

if TYPE_CHECKING:
    from ._fsspec import FsspecResourcePath

__all__ = ["exception_chain", "is_connection_error", "is_transient", "translate"]

# Exception class names (anywhere in an exception's MRO or cause chain) that mean the
# server could not be reached or stopped answering. Names, not classes: botocore and
# aiohttp must stay unimported until used.
_CONNECTION_ERROR_NAMES = frozenset(
    {
        "ConnectionError",
        "ClientConnectionError",
        "ServerDisconnectedError",
        "EndpointConnectionError",
        "ConnectionClosedError",
        "ConnectTimeoutError",
        "ReadTimeoutError",
        "ServerTimeoutError",
        "TimeoutError",
    }
)

# Store error codes (and botocore exception names) that mean "who you are was not accepted".
_AUTH_CODES = frozenset(
    {
        "AccessDenied",
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
    }
)
_NO_CREDENTIALS_CODES = frozenset(
    {"NoCredentialsError", "PartialCredentialsError", "ProfileNotFound"}
)


def exception_chain(exc: BaseException) -> Iterator[BaseException]:
    """Yield an exception and the causes and contexts behind it."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < 20:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_connection_error(exc: BaseException) -> bool:
    """Whether a failure means the server could not be reached or did not answer."""
    return any(
        klass.__name__ in _CONNECTION_ERROR_NAMES
        for link in exception_chain(exc)
        if not isinstance(link, ResourceError)
        for klass in type(link).__mro__
    )


_TRANSIENT_CODES = frozenset({"SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable"})


def is_transient(exc: BaseException, status: int | None, code: str | None) -> bool:
    """Whether a failure is worth another attempt: no connection, 5xx, throttling."""
    if isinstance(exc, ResourceError):
        return False
    if is_connection_error(exc):
        return True
    if status is not None:
        return status >= 500 or status in (408, 429)
    return code in _TRANSIENT_CODES


def translate(uri: FsspecResourcePath, exc: BaseException, what: str) -> ResourceError:
    """Return the `ResourceError` for a failure while doing ``what`` to ``uri``."""
    prefix = f"Cannot {what} {uri}"
    text = str(exc).strip()
    detail = text.splitlines()[0] if text else type(exc).__name__
    endpoint = uri._endpoint_text()
    attempts = retry_settings()[0]
    if is_connection_error(exc):
        return ResourceUnavailableError(
            f"{prefix}: {endpoint} cannot be reached ({detail}) after {attempts} attempt(s). "
            "Check that the server is running and that the endpoint is right."
        )
    code = uri._error_code(exc)
    status = uri._server_status(exc)
    if isinstance(exc, FileExistsError) or code == "PreconditionFailed" or status == 412:
        return ResourceExistsError(f"{prefix}: it exists (use overwrite=True).")
    if code in _NO_CREDENTIALS_CODES:
        return ResourcePermissionError(
            f"{prefix}: no usable credentials were found ({detail}). {uri._credentials_help()}"
        )
    if (
        isinstance(exc, PermissionError)
        or status in (401, 403)
        or code in _AUTH_CODES
        or "Forbidden" in detail
    ):
        return ResourcePermissionError(
            f"{prefix}: {endpoint} refused access ({detail}): the credentials are wrong "
            f"or lack permission. {uri._credentials_help()}"
        )
    if isinstance(exc, FileNotFoundError) or code in ("NoSuchKey", "NoSuchBucket") or status == 404:
        if code == "NoSuchBucket" or "bucket does not exist" in detail:
            return ResourceNotFoundError(
                f"{prefix}: the bucket {uri.bucket!r} does not exist at {endpoint}; "
                "create it first or correct the URI."
            )
        return uri._not_found(what)
    if is_transient(exc, status, code):
        return ResourceUnavailableError(
            f"{prefix}: {endpoint} kept failing ({detail}) after {attempts} attempt(s); "
            "try later or raise SKYBUTLER_RESOURCES_RETRIES."
        )
    return ResourceError(f"{prefix}: {detail}")
