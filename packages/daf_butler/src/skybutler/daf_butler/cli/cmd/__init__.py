"""The click commands that daf_butler adds to ``butler``.

Each command only parses its arguments, calls a plain function of
`skybutler.daf_butler.script` and prints the result. Modules here import
the script layer inside the command bodies, so loading a command (for its
``--help``) stays cheap.
"""

from __future__ import annotations

__all__: list[str] = []
