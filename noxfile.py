"""Developer sessions: ``nox -s lint typecheck imports tests docs bench demo``.

Every session runs in the workspace's own environment (``.venv``, made by
``uv sync`` from the committed ``uv.lock``), so the tools and the code under
test are exactly the locked versions. ``python3 dev.py`` prepares that
environment on a fresh machine and then calls these sessions.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).parent
VENV_BIN = ROOT / ".venv" / "bin"
PACKAGES = sorted(p.name for p in (ROOT / "packages").iterdir() if (p / "pyproject.toml").exists())
SOURCES = [str(ROOT / "packages" / name / "src" / "skybutler") for name in PACKAGES]

nox.options.default_venv_backend = "none"
nox.options.sessions = ["lint", "typecheck", "imports", "tests", "docs"]
nox.options.error_on_missing_interpreters = True


def _tool(name: str) -> str:
    return str(VENV_BIN / name)


def _sync(session: nox.Session) -> None:
    """Bring .venv in line with uv.lock (fast when it already is)."""
    uv = shutil.which("uv") or str(ROOT / ".tools" / "bin" / "uv")
    if not Path(uv).exists():
        session.error("uv is not installed: run 'python3 dev.py' once, or 'pip install uv'.")
    env = {"UV_PYTHON_DOWNLOADS": "never"}
    session.run(uv, "sync", "--frozen", "--all-packages", "--quiet", env=env)


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and formatting with ruff."""
    _sync(session)
    session.run(_tool("ruff"), "check", ".")
    session.run(_tool("ruff"), "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check every package's sources with mypy (strict)."""
    _sync(session)
    session.run(_tool("mypy"), *SOURCES)


@nox.session
def imports(session: nox.Session) -> None:
    """Check that packages depend only downward (import-linter layers contract)."""
    _sync(session)
    session.run(_tool("lint-imports"))


@nox.session
def tests(session: nox.Session) -> None:
    """Run the whole test suite with branch coverage; extra arguments go to pytest."""
    _sync(session)
    args = session.posargs or []
    session.run(
        _tool("pytest"),
        "--cov",
        "--cov-report=term:skip-covered",
        "--cov-report=json:.coverage.json",
        *args,
    )
    session.run(
        _tool("python"),
        str(ROOT / ".ci" / "coverage_by_package.py"),
        ".coverage.json",
        "--fail-under",
        "85",
    )


@nox.session
def docs(session: nox.Session) -> None:
    """Build the Sphinx documentation; warnings are errors."""
    _sync(session)
    out = ROOT / "docs" / "_build" / "html"
    session.run(_tool("sphinx-build"), "-W", "--keep-going", "-q", "-b", "html", "docs", str(out))
    session.log(f"Documentation written to {out}/index.html")


@nox.session
def bench(session: nox.Session) -> None:
    """Run every benchmark in benchmarks/ and print its figures."""
    _sync(session)
    chosen = session.posargs or sorted(p.name for p in (ROOT / "benchmarks").glob("bench_*.py"))
    for name in chosen:
        session.log(f"--- {name}")
        session.run(_tool("python"), str(ROOT / "benchmarks" / name))


@nox.session
def demo(session: nox.Session) -> None:
    """Run the main job on the embedded default: see examples/demo.py."""
    _sync(session)
    session.run(_tool("python"), str(ROOT / "examples" / "demo.py"), *session.posargs)
