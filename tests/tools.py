"""External programs some tests need (Chromium, pdftotext): skip without them locally, fail under CI=true.

On a developer's machine a missing tool skips the one assertion block that needs it, with the reason and the
package to install. Under CI=true a missing tool fails the test, so CI can never pass without running every
check (`.ci/run` installs the tools; tests/conftest.py also turns any other skip into a failure under CI).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

# Debian package that provides each tool (`.ci/run` installs them).
PACKAGES = {"pdftotext": "poppler-utils", "pdftoppm": "poppler-utils", "chromium": "chromium"}


def in_ci() -> bool:
    """CI is set to anything but an explicit no ("", "0", "false", "no")."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing(what: str) -> None:
    """Skip the calling test with `what` as the reason, or fail it under CI=true."""
    if in_ci():
        pytest.fail(f"{what} (CI=true: a missing tool fails the run)", pytrace=False)
    pytest.skip(what)


def need_tool(name: str) -> str:
    """The full path of program `name` on PATH; skips the calling test without it (fails under CI=true)."""
    path = shutil.which(name)
    if path is None:
        package = PACKAGES.get(name)
        missing(f"{name} not found on PATH" + (f": install Debian's {package} package" if package else ""))
    return str(path)


def need_executable(path: Path, package: str) -> Path:
    """`path` if it is an executable file; skips the calling test otherwise (fails under CI=true)."""
    if not os.access(path, os.X_OK):
        missing(f"{path} not found: install Debian's {package} package")
    return path
