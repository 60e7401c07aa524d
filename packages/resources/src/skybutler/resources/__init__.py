"""One URI API over local files, memory, package data, S3, GCS and HTTP/WebDAV.

`ResourcePath` is the only class most code needs: build one from a string
or path and call its methods; the scheme (``file``, ``mem``, ``resource``,
``s3``, ``gs``, ``http``/``https``, ``dav``/``davs``) picks the implementation.
Remote schemes are imported only when first used, so importing this package
stays cheap.

Examples
--------
>>> from skybutler.resources import ResourcePath
>>> root = ResourcePath("mem://demo/", forceDirectory=True)
>>> root.join("a/b.txt").write(b"hello")
>>> root.join("a/b.txt").read()
b'hello'
"""

from ._path import ResourceInfo, ResourcePath, ResourcePathExpression, TransactionProtocol
from ._schemes import ENTRY_POINT_GROUP, known_schemes
from .errors import (
    InvalidTransferModeError,
    InvalidURIError,
    ResourceError,
    ResourceExistsError,
    ResourceNotFoundError,
    ResourcePermissionError,
    ResourceUnavailableError,
    UnknownSchemeError,
    UnsupportedOperationError,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "InvalidTransferModeError",
    "InvalidURIError",
    "ResourceError",
    "ResourceExistsError",
    "ResourceInfo",
    "ResourceNotFoundError",
    "ResourcePath",
    "ResourcePathExpression",
    "ResourcePermissionError",
    "ResourceUnavailableError",
    "TransactionProtocol",
    "UnknownSchemeError",
    "UnsupportedOperationError",
    "known_schemes",
]
