"""The ``s3`` scheme: objects in S3-protocol stores, through s3fs.

``s3://bucket/key`` uses the default endpoint: the first of
``S3_ENDPOINT_URL``, ``AWS_ENDPOINT_URL_S3`` and ``AWS_ENDPOINT_URL`` that is
set, else AWS itself. Credentials are found the usual AWS way
(``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``/``AWS_SESSION_TOKEN``, then
``AWS_PROFILE`` in the shared credentials and config files).

``s3://profile@bucket/key`` names a profile: its endpoint is the URL in
``SKYBUTLER_RESOURCES_S3_PROFILE_<profile>`` (or upstream's
``LSST_RESOURCES_S3_PROFILE_<profile>``), e.g. ``https://key:secret@host:port``;
credentials in that URL win, otherwise the ``[profile]`` section of the AWS
credentials file is used. Without such a variable the default endpoint is
used with that AWS profile.

One s3fs file system is kept per endpoint, profile and credential settings
(and process), shared by all threads.
"""

from __future__ import annotations

import os
import threading
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

from ._fsspec import FsspecResourcePath
from ._fsspec_errors import exception_chain
from ._path import ResourcePath
from .errors import InvalidURIError, ResourceError

__all__ = ["S3ResourcePath"]

ENDPOINT_VARIABLES = ("S3_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")
"""Environment variables giving the default endpoint, first set wins."""
PROFILE_PREFIXES = ("SKYBUTLER_RESOURCES_S3_PROFILE_", "LSST_RESOURCES_S3_PROFILE_")
"""Prefixes of the variables that give a named profile's endpoint URL."""

# Settings botocore reads from the environment when it looks for credentials: a change
# to any of them must give a new file system, not a cached one with old credentials.
_CREDENTIAL_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_PROFILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_CONFIG_FILE",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
)
_CONNECT_TIMEOUT = 10.0
_READ_TIMEOUT = 120.0
_LIST_THRESHOLD = 8
"""Siblings asked about at once from which `mexists` lists their directory instead."""


class _Settings(NamedTuple):
    endpoint_url: str | None
    endpoint_source: str
    key: str | None
    secret: str | None
    aws_profile: str | None
    uri_profile: str | None


def _default_endpoint() -> tuple[str | None, str]:
    for name in ENDPOINT_VARIABLES:
        value = os.environ.get(name)
        if value:
            return value.rstrip("/"), name
    return None, "AWS default; set " + ", ".join(ENDPOINT_VARIABLES) + " for another server"


def _settings(profile: str | None) -> _Settings:
    if not profile:
        endpoint, source = _default_endpoint()
        return _Settings(endpoint, source, None, None, None, None)
    for prefix in PROFILE_PREFIXES:
        value = os.environ.get(prefix + profile)
        if not value:
            continue
        parts = urlsplit(value)
        if not parts.scheme or not parts.hostname:
            raise InvalidURIError(
                f"{prefix}{profile}={value!r} is not an endpoint URL; "
                "write e.g. https://host:port or https://key:secret@host:port."
            )
        host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
        key = unquote(parts.username) if parts.username else None
        secret = unquote(parts.password) if parts.password else None
        return _Settings(
            f"{parts.scheme}://{host}",
            prefix + profile,
            key,
            secret,
            None if key else profile,
            profile,
        )
    endpoint, source = _default_endpoint()
    return _Settings(endpoint, source, None, None, profile, profile)


_filesystems: dict[tuple[Any, ...], Any] = {}
_lock = threading.Lock()


def _filesystem_for(settings: _Settings) -> Any:
    cache_key = (settings, os.getpid(), tuple(os.environ.get(n) for n in _CREDENTIAL_VARIABLES))
    found = _filesystems.get(cache_key)
    if found is not None:
        return found
    with _lock:
        found = _filesystems.get(cache_key)
        if found is None:
            found = _filesystems[cache_key] = _make_filesystem(settings)
    return found


def _make_filesystem(settings: _Settings) -> Any:
    import s3fs

    config = {
        # Retries happen in one place, call_with_retries, with attempts from the environment.
        "retries": {"total_max_attempts": 1},
        "connect_timeout": _CONNECT_TIMEOUT,
        "read_timeout": _READ_TIMEOUT,
        # Presigned URLs must be SigV4: botocore picks legacy SigV2 for some endpoints.
        "signature_version": "s3v4",
        "max_pool_connections": 64,
    }
    kwargs: dict[str, Any] = {
        "endpoint_url": settings.endpoint_url,
        "key": settings.key,
        "secret": settings.secret,
        "config_kwargs": config,
        "use_listings_cache": False,  # other writers must be seen at once
        "skip_instance_cache": True,  # cached here instead, keyed by settings
        "max_concurrency": 4,
    }
    if settings.aws_profile:
        kwargs["profile"] = settings.aws_profile
    fs = s3fs.S3FileSystem(**kwargs)
    fs.retries = 1
    return fs


def _client_error_response(exc: BaseException) -> dict[str, Any] | None:
    for link in exception_chain(exc):
        response = getattr(link, "response", None)
        if isinstance(response, dict) and ("Error" in response or "ResponseMetadata" in response):
            return response
    return None


class S3ResourcePath(FsspecResourcePath):
    """An object (or prefix) in an S3 bucket: ``s3://[profile@]bucket/key``."""

    __slots__ = ()

    @property
    def bucket(self) -> str:
        """The bucket name (without any ``profile@``)."""
        return self.netloc.rpartition("@")[2]

    @property
    def profile(self) -> str | None:
        """The profile named in the URI (``s3://profile@bucket/...``), if any."""
        return self.netloc.rpartition("@")[0] or None

    def _settings(self) -> _Settings:
        return _settings(self.profile)

    def _filesystem(self) -> Any:
        return _filesystem_for(self._settings())

    def _endpoint_text(self) -> str:
        settings = self._settings()
        if settings.endpoint_url is None:
            return f"AWS S3 ({settings.endpoint_source})"
        return f"the S3 server at {settings.endpoint_url} (from {settings.endpoint_source})"

    def _credentials_help(self) -> str:
        settings = self._settings()
        if settings.key:
            return f"The key and secret come from the URL in {settings.endpoint_source}."
        where = (
            f"the [{settings.aws_profile}] section of the AWS credentials file"
            if settings.aws_profile
            else "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (with AWS_SESSION_TOKEN), else the "
            "AWS_PROFILE section of AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials)"
        )
        return f"Credentials are read from {where}."

    @classmethod
    def _server_status(cls, exc: BaseException) -> int | None:
        response = _client_error_response(exc)
        if response is None:
            return None
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return int(status) if status else None

    @classmethod
    def _error_code(cls, exc: BaseException) -> str | None:
        response = _client_error_response(exc)
        if response is not None:
            code = response.get("Error", {}).get("Code")
            return str(code) if code else None
        for link in exception_chain(exc):
            if type(link).__module__.startswith("botocore"):
                return type(link).__name__
        return None

    def _checksums(self, info: dict[str, Any]) -> dict[str, str]:
        etag = str(info.get("ETag") or "").strip('"')
        return {"etag": etag} if etag else {}

    # ------------------------------------------------------------ presigned URLs

    def _presign(self, client_method: str, expiration_time_seconds: int) -> str:
        if self.dirLike:
            raise ResourceError(f"Cannot presign {self}: it is a directory.")
        fs = self._filesystem()
        path = self._fs_path()
        url = self._call(
            "presign",
            lambda: fs.url(path, expires=int(expiration_time_seconds), client_method=client_method),
        )
        return str(url)

    def generate_presigned_get_url(self, *, expiration_time_seconds: int) -> str:
        """Return a SigV4 URL that GETs this object until it expires (no request is made)."""
        return self._presign("get_object", expiration_time_seconds)

    def generate_presigned_put_url(self, *, expiration_time_seconds: int) -> str:
        """Return a SigV4 URL that PUTs this object until it expires (no request is made)."""
        return self._presign("put_object", expiration_time_seconds)

    # ------------------------------------------------------------ bulk existence

    @classmethod
    async def _alist_resolve(
        cls, fs: Any, uris: list[FsspecResourcePath]
    ) -> dict[ResourcePath, bool]:
        """Answer many URIs at once from listings instead of one HEAD each.

        First, a directory with at least `_LIST_THRESHOLD` URIs asked about is
        listed one level deep. Then the URIs still open in a bucket, if there
        are enough, are answered from one recursive listing under their common
        prefix. Each listing stops after ``max(4 * asked, 1000)`` entries, so
        a huge directory costs a few pages at most. Names seen are answered;
        names not seen are missing only if the listing was complete, otherwise
        they are left for single requests.
        """
        siblings: dict[tuple[str, str], list[FsspecResourcePath]] = {}
        for uri in uris:
            key = uri._key.rstrip("/")
            if key:
                parent = key.rpartition("/")[0]
                siblings.setdefault((uri.bucket, f"{parent}/" if parent else ""), []).append(uri)
        answers: dict[ResourcePath, bool] = {}
        batches = [
            (where, group, False)
            for where, group in siblings.items()
            if len(group) >= _LIST_THRESHOLD
        ]
        await _answer_from_listings(fs, batches, answers)
        rest: dict[str, list[FsspecResourcePath]] = {}
        for (bucket, _), group in siblings.items():
            rest.setdefault(bucket, []).extend(uri for uri in group if uri not in answers)
        batches = [
            ((bucket, _common_directory(group)), group, True)
            for bucket, group in rest.items()
            if len(group) >= _LIST_THRESHOLD
        ]
        await _answer_from_listings(fs, batches, answers)
        return answers


def _common_directory(uris: list[FsspecResourcePath]) -> str:
    """Return the deepest directory prefix (``a/b/`` or empty) holding all the URIs."""
    common: list[str] | None = None
    for uri in uris:
        parts = uri._key.rstrip("/").split("/")[:-1]
        if common is None:
            common = parts
            continue
        size = 0
        while size < min(len(common), len(parts)) and common[size] == parts[size]:
            size += 1
        del common[size:]
    return "".join(f"{part}/" for part in common or [])


async def _answer_from_listings(
    fs: Any,
    batches: list[tuple[tuple[str, str], list[FsspecResourcePath], bool]],
    answers: dict[ResourcePath, bool],
) -> None:
    import asyncio

    listings = await asyncio.gather(
        *(
            _list_under(fs, bucket, prefix, recursive, max(4 * len(group), 1000))
            for (bucket, prefix), group, recursive in batches
        )
    )
    for ((_, prefix), group, _), (files, dirs, complete) in zip(batches, listings, strict=True):
        for uri in group:
            name = uri._key[len(prefix) :].rstrip("/")
            if uri.dirLike is None:
                found = name in files or name in dirs
            else:
                found = name in (dirs if uri.dirLike else files)
            if found or complete:
                answers[uri] = found


async def _list_under(
    fs: Any, bucket: str, prefix: str, recursive: bool, limit: int
) -> tuple[set[str], set[str], bool]:
    """List below a prefix: file and directory paths relative to it, and whether that was all.

    One level deep unless ``recursive``; a recursive listing reports every
    directory implied by the keys it saw.
    """
    files: set[str] = set()
    dirs: set[str] = set()
    token: str | None = None
    while True:
        kwargs: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix, "MaxKeys": min(limit, 1000)}
        if not recursive:
            kwargs["Delimiter"] = "/"
        if token:
            kwargs["ContinuationToken"] = token
        page = await fs._call_s3("list_objects_v2", **kwargs)
        for item in page.get("Contents", []):
            rel = item["Key"][len(prefix) :]
            head, _, tail = rel.rpartition("/")
            if tail:
                files.add(rel)
            while head:
                dirs.add(head)
                head = head.rpartition("/")[0]
        dirs.update(
            item["Prefix"][len(prefix) :].rstrip("/") for item in page.get("CommonPrefixes", [])
        )
        token = page.get("NextContinuationToken")
        if not page.get("IsTruncated") or not token:
            return files, dirs, True
        if len(files) + len(dirs) >= limit:
            return files, dirs, False
