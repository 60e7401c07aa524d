"""Sphinx configuration for the skybutler documentation."""

from __future__ import annotations

import sys
from pathlib import Path

# Local extensions (the butler command reference is generated from the click commands).
sys.path.insert(0, str(Path(__file__).parent / "_ext"))

project = "skybutler"
author = "the skybutler developers"
copyright = "2026, the skybutler developers"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "butler_cli",
]
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
autodoc_typehints = "description"
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": True}
nitpicky = False
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_title = "skybutler"
suppress_warnings = ["ref.python"]
