"""The ``butler`` command line.

`skybutler.daf_butler.cli.butler` holds the root click group and ``main``;
subcommands are found through the ``skybutler.butler.cli`` entry-point group
(see :doc:`/daf_butler/cli`) and imported only when used. Importing this
package stays cheap: no SQLAlchemy, astropy or pyarrow.
"""

from __future__ import annotations

__all__: list[str] = []
