"""Logging set up by the ``butler`` global options.

``--log-level`` takes ``LEVEL`` (for the default loggers: ``skybutler`` and
those named in ``$DAF_BUTLER_ROOT_LOGGER``, a colon-separated list),
``COMPONENT=LEVEL`` for one logger, or ``.=LEVEL`` for the Python root
logger. Levels are upstream's: CRITICAL, ERROR, WARNING, INFO, VERBOSE,
DEBUG and TRACE. Labels given with ``--log-label`` are attached to every
record as ``record.MDC`` and shown by the long format and JSON files.
"""

from __future__ import annotations

__all__ = [
    "LEVELS",
    "LogSettings",
    "configure_logging",
    "default_loggers",
    "parse_labels",
    "parse_log_levels",
    "reset_logging",
]

import dataclasses
import logging
import os
import sys
from collections.abc import Iterable, Mapping

LEVELS: dict[str, int] = {
    "CRITICAL": logging.CRITICAL,
    "ERROR": logging.ERROR,
    "WARNING": logging.WARNING,
    "INFO": logging.INFO,
    "VERBOSE": 15,
    "DEBUG": logging.DEBUG,
    "TRACE": 5,
}
"""Level names accepted by ``--log-level``, upstream's set."""

_SHORT_FORMAT = "%(levelname)s %(name)s: %(message)s"
_LONG_FORMAT = (
    "%(levelname)s %(asctime)s %(name)s%(mdc_text)s (%(filename)s:%(lineno)d) - %(message)s"
)

_installed: list[logging.Handler] = []
_saved_levels: dict[str, int] = {}


def default_loggers() -> list[str]:
    """Return the loggers a bare ``--log-level LEVEL`` applies to."""
    extra = [n for n in os.environ.get("DAF_BUTLER_ROOT_LOGGER", "").split(":") if n]
    return list(dict.fromkeys(["skybutler", *extra]))


def _level(text: str, given: str) -> int:
    level = LEVELS.get(text.strip().upper())
    if level is None:
        raise ValueError(
            f"Unknown log level {text!r} in {given!r}; use one of {', '.join(LEVELS)}."
        )
    return level


def parse_log_levels(values: Iterable[str]) -> dict[str, int]:
    """Turn ``--log-level`` values into ``{logger name: level}``.

    The Python root logger is ``""``. Later values win.

    Raises
    ------
    ValueError
        An unknown level name.
    """
    levels: dict[str, int] = {}
    for given in values:
        component, sep, level_text = given.rpartition("=")
        if not sep:
            for name in default_loggers():
                levels[name] = _level(given, given)
            continue
        component = component.strip()
        levels["" if component in (".", "") else component] = _level(level_text, given)
    return levels


def parse_labels(values: Iterable[str]) -> dict[str, str]:
    """Turn ``--log-label KEY=VALUE`` values into a mapping.

    Raises
    ------
    ValueError
        A value without ``=`` or with an empty key.
    """
    labels = {}
    for given in values:
        key, sep, value = given.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"Log label {given!r} is not of the form KEY=VALUE.")
        labels[key.strip()] = value
    return labels


@dataclasses.dataclass(frozen=True)
class LogSettings:
    """What the global logging options asked for."""

    levels: Mapping[str, int] = dataclasses.field(default_factory=dict)
    long_log: bool = False
    files: tuple[str, ...] = ()
    tty: bool = True
    labels: Mapping[str, str] = dataclasses.field(default_factory=dict)

    @property
    def debug(self) -> bool:
        """Whether any logger was set to DEBUG or finer (tracebacks are then shown)."""
        return any(level <= logging.DEBUG for level in self.levels.values())


class _LabelFilter(logging.Filter):
    def __init__(self, labels: Mapping[str, str]) -> None:
        super().__init__()
        self._labels = dict(labels)
        text = ",".join(f"{k}={v}" for k, v in self._labels.items())
        self._text = f" {{{text}}}" if text else ""

    def filter(self, record: logging.LogRecord) -> bool:
        record.MDC = self._labels
        record.mdc_text = self._text
        return True


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        import datetime
        import json

        data = {
            "name": record.name,
            "levelname": record.levelname,
            "message": record.getMessage(),
            "asctime": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(),
            "filename": record.filename,
            "lineno": record.lineno,
            "process": record.process,
            "MDC": getattr(record, "MDC", {}),
        }
        if record.exc_info:
            data["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(data)


def configure_logging(settings: LogSettings) -> None:
    """Install handlers and levels for one ``butler`` invocation.

    Undo it with `reset_logging`; calling this again resets first.
    """
    reset_logging()
    root = logging.getLogger()
    levels = {"": logging.WARNING, **dict.fromkeys(default_loggers(), logging.INFO)}
    levels.update(settings.levels)
    for name, level in levels.items():
        logger = logging.getLogger(name)
        _saved_levels[name] = logger.level
        logger.setLevel(level)
    handlers: list[logging.Handler] = []
    if settings.tty:
        stream = logging.StreamHandler(sys.stderr)
        stream.setFormatter(logging.Formatter(_LONG_FORMAT if settings.long_log else _SHORT_FORMAT))
        handlers.append(stream)
    for path in settings.files:
        file_handler = logging.FileHandler(path, mode="a", encoding="utf-8")
        is_json = path.lower().endswith(".json")
        file_handler.setFormatter(_JsonFormatter() if is_json else logging.Formatter(_LONG_FORMAT))
        handlers.append(file_handler)
    label_filter = _LabelFilter(settings.labels)
    for handler in handlers:
        handler.addFilter(label_filter)
        root.addHandler(handler)
    _installed.extend(handlers)


def reset_logging() -> None:
    """Remove what `configure_logging` installed and restore the logger levels."""
    root = logging.getLogger()
    while _installed:
        handler = _installed.pop()
        root.removeHandler(handler)
        handler.close()
    for name, level in _saved_levels.items():
        logging.getLogger(name).setLevel(level)
    _saved_levels.clear()


for _name, _number in LEVELS.items():
    if logging.getLevelName(_number) != _name:
        logging.addLevelName(_number, _name)
