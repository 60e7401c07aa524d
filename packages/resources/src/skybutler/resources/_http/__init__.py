"""The ``http``, ``https``, ``dav`` and ``davs`` schemes, on httpx (imported on first request)."""

from ._resource import DavResourcePath, HttpResourcePath

__all__ = ["DavResourcePath", "HttpResourcePath"]
