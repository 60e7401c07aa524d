"""One URI API over local files, memory, S3, GCS and HTTP/WebDAV.

Nothing is implemented in this package yet.
"""

__all__: list[str] = []
