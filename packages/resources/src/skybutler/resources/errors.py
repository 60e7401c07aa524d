"""Errors raised by ``skybutler.resources``.

Every error derives from `ResourceError` and from the built-in exception code
written against upstream already catches::

    ResourceError
    ├── InvalidURIError (ValueError)             a string that is not a usable URI
    ├── UnknownSchemeError (ValueError)          no plugin handles the scheme
    ├── InvalidTransferModeError (ValueError)    a transfer mode the scheme cannot do
    ├── ResourceNotFoundError (FileNotFoundError)
    ├── ResourceExistsError (FileExistsError)    refusing to overwrite
    ├── ResourcePermissionError (PermissionError) wrong or missing credentials, read-only scheme
    ├── ResourceUnavailableError (ConnectionError) server down, retries exhausted
    └── UnsupportedOperationError (NotImplementedError)
"""

from __future__ import annotations

__all__ = [
    "InvalidTransferModeError",
    "InvalidURIError",
    "ResourceError",
    "ResourceExistsError",
    "ResourceNotFoundError",
    "ResourcePermissionError",
    "ResourceUnavailableError",
    "UnknownSchemeError",
    "UnsupportedOperationError",
]


class ResourceError(Exception):
    """Root of every error raised by ``skybutler.resources``."""


class InvalidURIError(ResourceError, ValueError):
    """A URI is malformed or cannot be used the way it was asked to be."""


class UnknownSchemeError(ResourceError, ValueError):
    """No installed plugin handles the URI scheme."""


class InvalidTransferModeError(ResourceError, ValueError):
    """A transfer mode is unknown or not supported between two schemes."""


class ResourceNotFoundError(ResourceError, FileNotFoundError):
    """The resource does not exist."""


class ResourceExistsError(ResourceError, FileExistsError):
    """The destination exists and overwriting was not allowed."""


class ResourcePermissionError(ResourceError, PermissionError):
    """Access was refused: wrong credentials, no permission, or a read-only scheme."""


class ResourceUnavailableError(ResourceError, ConnectionError):
    """The server could not be reached or kept failing after retries."""


class UnsupportedOperationError(ResourceError, NotImplementedError):
    """The scheme cannot perform this operation."""
