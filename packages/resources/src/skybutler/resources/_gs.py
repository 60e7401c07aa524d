"""The ``gs`` scheme: objects in Google Cloud Storage buckets, through gcsfs.

``STORAGE_EMULATOR_HOST`` (e.g. ``http://127.0.0.1:4443``) sends every
request to an emulator, anonymously. Otherwise gcsfs finds Google's default
credentials (``GOOGLE_APPLICATION_CREDENTIALS``, ``gcloud auth
application-default login``, the metadata server). The project is taken from
``GOOGLE_CLOUD_PROJECT`` when set.

Presigned URLs need credentials that can sign (a service-account key). With
an emulator, a service-account key file named by
``GOOGLE_APPLICATION_CREDENTIALS`` is used for signing only.

gcsfs' own retry loop (six attempts, up to 30 s of back-off) is replaced by
a single attempt, so that `call_with_retries` alone decides, with the
attempt count and back-off from the environment.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from ._fsspec import FsspecResourcePath
from ._fsspec_errors import exception_chain
from .errors import ResourceError, UnsupportedOperationError

# gcsfs 2026.x otherwise asks the storage-control gRPC API about every bucket's layout
# first, which hangs for a minute per call against emulators. Read when gcsfs is imported.
os.environ.setdefault("GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT", "false")

__all__ = ["GSResourcePath"]

_filesystems: dict[tuple[Any, ...], Any] = {}
_filesystem_class: type | None = None
_lock = threading.Lock()
_SETTING_VARIABLES = (
    "STORAGE_EMULATOR_HOST",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GOOGLE_CLOUD_PROJECT",
)
# Methods gcsfs wraps in its own retry decorator; the unwrapped versions make one attempt.
_RETRIED_METHODS = ("_request", "_get_file_request", "_get_file_concurrent")


def _emulator() -> str | None:
    host = os.environ.get("STORAGE_EMULATOR_HOST")
    if not host:
        return None
    return host.rstrip("/") if "://" in host else f"http://{host.rstrip('/')}"


def _gcsfs_class() -> type:
    global _filesystem_class
    if _filesystem_class is None:
        os.environ.setdefault("GCSFS_EXPERIMENTAL_ZB_HNS_SUPPORT", "false")
        from gcsfs.core import GCSFileSystem

        attributes = {
            name: getattr(GCSFileSystem, name).__wrapped__
            for name in _RETRIED_METHODS
            if hasattr(getattr(GCSFileSystem, name, None), "__wrapped__")
        }
        _filesystem_class = type("SingleAttemptGCSFileSystem", (GCSFileSystem,), attributes)
    return _filesystem_class


def _filesystem_for_environment() -> Any:
    settings = tuple(os.environ.get(name) for name in _SETTING_VARIABLES)
    cache_key = (settings, os.getpid())
    found = _filesystems.get(cache_key)
    if found is not None:
        return found
    with _lock:
        found = _filesystems.get(cache_key)
        if found is None:
            endpoint = _emulator()
            kwargs: dict[str, Any] = {
                "use_listings_cache": False,  # other writers must be seen at once
                "skip_instance_cache": True,  # cached here instead, keyed by settings
                "project": os.environ.get("GOOGLE_CLOUD_PROJECT") or ("test" if endpoint else None),
            }
            if endpoint:
                kwargs.update(endpoint_url=endpoint, token="anon")
            found = _filesystems[cache_key] = _gcsfs_class()(**kwargs)
    return found


class GSResourcePath(FsspecResourcePath):
    """An object (or prefix) in a Google Cloud Storage bucket: ``gs://bucket/key``."""

    __slots__ = ()

    def _filesystem(self) -> Any:
        return _filesystem_for_environment()

    def _endpoint_text(self) -> str:
        endpoint = _emulator()
        if endpoint:
            return f"the GCS emulator at {endpoint} (from STORAGE_EMULATOR_HOST)"
        return "Google Cloud Storage"

    def _credentials_help(self) -> str:
        return (
            "Credentials are Google's default ones: the key file named by "
            "GOOGLE_APPLICATION_CREDENTIALS, else `gcloud auth application-default login`, "
            "else the metadata server."
        )

    @classmethod
    def _server_status(cls, exc: BaseException) -> int | None:
        for link in exception_chain(exc):
            for attribute in ("code", "status"):
                value = getattr(link, attribute, None)
                if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
                    return int(value)
        return None

    def _checksums(self, info: dict[str, Any]) -> dict[str, str]:
        return {
            name: str(info[field])
            for name, field in (("md5", "md5Hash"), ("crc32c", "crc32c"))
            if info.get(field)
        }

    # ------------------------------------------------------------ presigned URLs

    def _signing_credentials(self) -> Any:
        """Return credentials able to sign URLs, or raise saying why there are none."""
        fs = self._filesystem()
        if _emulator():
            key_file = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
            if not key_file:
                raise UnsupportedOperationError(
                    f"Cannot presign {self}: requests go anonymously to {self._endpoint_text()}, "
                    "and anonymous credentials cannot sign. Set GOOGLE_APPLICATION_CREDENTIALS "
                    "to a service-account key file to sign URLs."
                )
            from google.oauth2 import service_account

            try:
                return service_account.Credentials.from_service_account_file(key_file)  # type: ignore[no-untyped-call]
            except (OSError, ValueError) as exc:
                raise UnsupportedOperationError(
                    f"Cannot presign {self}: GOOGLE_APPLICATION_CREDENTIALS={key_file!r} is not "
                    f"a usable service-account key file ({exc})."
                ) from exc
        credentials = getattr(getattr(fs, "credentials", None), "credentials", None)
        if credentials is None or not hasattr(credentials, "sign_bytes"):
            raise UnsupportedOperationError(
                f"Cannot presign {self}: the Google credentials in use "
                f"({type(credentials).__name__}) cannot sign URLs; use a service-account key "
                "(GOOGLE_APPLICATION_CREDENTIALS)."
            )
        return credentials

    def _presign(self, method: str, expiration_time_seconds: int) -> str:
        if self.dirLike:
            raise ResourceError(f"Cannot presign {self}: it is a directory.")
        import datetime

        from google.cloud import storage  # type: ignore[import-untyped]

        credentials = self._signing_credentials()
        endpoint = _emulator() or "https://storage.googleapis.com"
        client = storage.Client(project="presign", credentials=credentials)
        blob = client.bucket(self.bucket).blob(self._key)
        url = blob.generate_signed_url(
            version="v4",
            expiration=datetime.timedelta(seconds=int(expiration_time_seconds)),
            method=method,
            api_access_endpoint=endpoint,
            credentials=credentials,
        )
        return str(url)

    def generate_presigned_get_url(self, *, expiration_time_seconds: int) -> str:
        """Return a V4 signed URL that GETs this object until it expires."""
        return self._presign("GET", expiration_time_seconds)

    def generate_presigned_put_url(self, *, expiration_time_seconds: int) -> str:
        """Return a V4 signed URL that PUTs this object until it expires."""
        return self._presign("PUT", expiration_time_seconds)
