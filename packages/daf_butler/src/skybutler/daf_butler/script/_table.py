"""`Table`: rows of text that the script functions return and the CLI prints."""

from __future__ import annotations

__all__ = ["Cell", "Table"]

import dataclasses

Cell = str | tuple[str, ...]
"""A cell: one text, or several (printed one per line, kept as a list in JSON)."""


@dataclasses.dataclass(frozen=True)
class Table:
    """Named columns and rows of cells, in display order."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...] = ()

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(f"Row {row!r} does not have the {len(self.columns)} columns.")

    def column(self, name: str) -> list[Cell]:
        """Return the cells of one column."""
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def as_dicts(self) -> list[dict[str, Cell]]:
        """Return the rows as ``{column: cell}`` mappings."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]
