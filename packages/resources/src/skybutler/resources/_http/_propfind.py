"""WebDAV PROPFIND: the request body and the parsing of the ``207 Multi-Status`` answer."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

__all__ = ["PROPFIND_BODY", "DavEntry", "http_date", "parse_multistatus"]

PROPFIND_BODY = (
    b'<?xml version="1.0" encoding="utf-8"?>'
    b'<D:propfind xmlns:D="DAV:"><D:prop>'
    b"<D:resourcetype/><D:getcontentlength/><D:getlastmodified/><D:getetag/>"
    b"</D:prop></D:propfind>"
)
"""Ask only for the properties we use: cheaper than ``allprop`` on most servers."""

_DAV = "{DAV:}"


@dataclass(frozen=True)
class DavEntry:
    """One resource described in a PROPFIND answer."""

    path: str
    """Unquoted path on the server, without a trailing ``/`` (``""`` for the root)."""
    is_dir: bool
    size: int
    last_modified: float | None
    etag: str | None

    @property
    def name(self) -> str:
        """The last component of the path."""
        return self.path.rsplit("/", 1)[-1]


def _status_ok(text: str | None) -> bool:
    # "HTTP/1.1 200 OK"; a propstat without a status is taken as found.
    if not text:
        return True
    parts = text.split()
    return len(parts) > 1 and parts[1] == "200"


def http_date(text: str | None) -> float | None:
    """Return an HTTP date (RFC 9110) as a POSIX timestamp; `None` if absent or malformed."""
    if not text:
        return None
    import email.utils

    try:
        return email.utils.parsedate_to_datetime(text).timestamp()
    except (TypeError, ValueError):
        return None


def parse_multistatus(body: bytes) -> list[DavEntry]:
    """Return the resources a ``207 Multi-Status`` PROPFIND answer describes, in its order.

    Raises
    ------
    ValueError
        The body is not a WebDAV multistatus document.
    """
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise ValueError(f"not XML ({exc})") from None
    if root.tag != _DAV + "multistatus":
        raise ValueError(f"the root element is {root.tag!r}, not DAV:multistatus")
    entries = []
    for response in root.iter(_DAV + "response"):
        href = response.findtext(_DAV + "href")
        if not href:
            continue
        is_dir = False
        size = 0
        last_modified = None
        etag = None
        found = False
        for propstat in response.iter(_DAV + "propstat"):
            prop = propstat.find(_DAV + "prop")
            if prop is None or not _status_ok(propstat.findtext(_DAV + "status")):
                continue
            found = True
            kind = prop.find(_DAV + "resourcetype")
            if kind is not None and kind.find(_DAV + "collection") is not None:
                is_dir = True
            length = (prop.findtext(_DAV + "getcontentlength") or "").strip()
            if length.isdigit():
                size = int(length)
            last_modified = http_date(prop.findtext(_DAV + "getlastmodified")) or last_modified
            etag = prop.findtext(_DAV + "getetag") or etag
        if not found and not _status_ok(response.findtext(_DAV + "status")):
            continue
        path = unquote(urlsplit(href.strip()).path).rstrip("/")
        entries.append(DavEntry(path, is_dir, 0 if is_dir else size, last_modified, etag))
    return entries
