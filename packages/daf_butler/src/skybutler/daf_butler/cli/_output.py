"""Print `~skybutler.daf_butler.script.Table` results as aligned text, JSON or CSV."""

from __future__ import annotations

__all__ = ["FORMATS", "echo_table", "echo_tables", "format_option", "render_table"]

import csv
import io
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from ..script import Table

FORMATS = ("table", "json", "csv")
"""Choices of ``--format``."""

_F = TypeVar("_F", bound=Callable[..., Any])


def format_option() -> Callable[[_F], _F]:
    """Add ``--format table|json|csv`` (aligned text by default) to a query command."""
    return click.option(
        "--format",
        "output_format",
        type=click.Choice(FORMATS, case_sensitive=False),
        default="table",
        show_default=True,
        help="How to print the results: aligned columns, JSON (a list of objects) or CSV.",
    )


def _lines(cell: str | tuple[str, ...]) -> list[str]:
    if isinstance(cell, str):
        return [cell]
    return list(cell) or [""]


def _aligned(table: Table) -> str:
    # A cell holding several values takes one line per value; other cells stay blank there.
    lines: list[list[str]] = []
    for row in table.rows:
        cells = [_lines(cell) for cell in row]
        lines.extend(
            [c[i] if i < len(c) else "" for c in cells] for i in range(max(len(c) for c in cells))
        )
    widths = [
        max([len(name)] + [len(line[i]) for line in lines]) for i, name in enumerate(table.columns)
    ]

    def join(parts: list[str]) -> str:
        return " ".join(p.ljust(w) for p, w in zip(parts, widths, strict=True)).rstrip()

    out = [join(list(table.columns)), join(["-" * w for w in widths])]
    out.extend(join(line) for line in lines)
    return "\n".join(out)


def render_table(table: Table, output_format: str = "table") -> str:
    """Return the text of a table in one of `FORMATS`.

    An empty table in the ``table`` format gives an empty string, so that
    callers can print a message instead.
    """
    fmt = output_format.lower()
    if fmt == "json":
        rows = [
            {k: (v if isinstance(v, str) else list(v)) for k, v in row.items()}
            for row in table.as_dicts()
        ]
        return json.dumps(rows, indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(table.columns)
        writer.writerows(
            [cell if isinstance(cell, str) else ",".join(cell) for cell in row]
            for row in table.rows
        )
        return buffer.getvalue().rstrip("\n")
    if fmt != "table":
        raise ValueError(f"Unknown output format {output_format!r}; use one of {FORMATS}.")
    return _aligned(table) if table.rows else ""


def echo_table(table: Table, output_format: str = "table", empty: str = "") -> None:
    """Print a table; in the ``table`` format print ``empty`` instead when it has no rows."""
    text = render_table(table, output_format)
    if text:
        click.echo(text)
    elif empty:
        click.echo(empty)


def echo_tables(tables: Sequence[Table], output_format: str = "table") -> None:
    """Print several tables: one after the other, or one JSON list of every row.

    Aligned and CSV tables are separated by a blank line; in JSON the rows of
    every table form one list (their keys may differ).
    """
    if output_format.lower() == "json":
        rows = [json.loads(render_table(table, "json")) for table in tables]
        click.echo(json.dumps([row for part in rows for row in part], indent=2))
        return
    texts = [render_table(table, output_format) for table in tables]
    click.echo("\n\n".join(text for text in texts if text))
