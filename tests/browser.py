"""A real browser for tests: the system Chromium driven by Playwright, with no network beyond localhost.

Playwright's own browser downloads are not used (no internet in CI); Debian's `chromium` package is.
Tests that need it are marked `requires_chromium` (or call `need_chromium`, or just open `chromium()`) and skip,
with the reason, when it is absent — except under CI=true, where a missing browser fails the run (tests/tools.py).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from tools import in_ci, need_executable

if TYPE_CHECKING:  # playwright is a dev dependency; import it only when a browser is launched
    from playwright.sync_api import Browser, BrowserContext, Page, Request

CHROMIUM = Path(os.environ.get("SENTRA_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI containers run as root, where Chromium's sandbox cannot start
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",  # small /dev/shm in containers makes tabs crash
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

MISSING = f"{CHROMIUM} not found: install Debian's chromium package to run the browser tests"
# On a developer's machine without Chromium the browser tests skip; under CI=true a missing browser fails
# the run instead (the marker does not apply, and `chromium()` / `need_chromium` fail), so CI can never pass
# without them.
_SKIP = not os.access(CHROMIUM, os.X_OK) and not in_ci()


def requires_chromium(test: Callable[..., None]) -> Callable[..., None]:
    """A test of the `browser` tier, skipped without Chromium (failed under CI=true)."""
    return pytest.mark.browser(pytest.mark.skipif(_SKIP, reason=MISSING)(test))


def need_chromium() -> None:
    """Inside a test: skip without Chromium, or fail under CI=true."""
    need_executable(CHROMIUM, "chromium")


@contextmanager
def chromium() -> Iterator[Browser]:
    """The system Chromium, headless; closed on exit. Skips without it (fails under CI=true)."""
    from playwright.sync_api import sync_playwright

    need_chromium()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=30_000)
        try:
            yield browser
        finally:
            browser.close()


def offline(context: BrowserContext) -> list[str]:
    """Abort every request that is not to localhost or a local file; return the list of blocked URLs.

    Blocking (rather than only watching) proves the page works without internet: anything it needed
    from outside would be missing and the test's assertions would fail, on top of the list being non-empty.
    """
    blocked: list[str] = []

    def route(r) -> None:  # type: ignore[no-untyped-def]
        url = r.request.url
        parts = urlsplit(url)
        if parts.scheme in ("file", "data", "blob") or parts.hostname in LOCAL_HOSTS:
            r.continue_()
        else:
            blocked.append(url)
            r.abort()

    context.route("**/*", route)
    return blocked


def _cancelled_image(request: Request) -> bool:
    """An image load the browser itself gave up on, because the page no longer shows it.

    Switching language hides one language's images: Chromium then cancels a lazy load still in
    flight (net::ERR_ABORTED). That is not a fault of the page. A missing image is still caught: a
    404 is a console error, and offline()'s blocked requests fail with net::ERR_FAILED.
    """
    return request.resource_type == "image" and request.failure == "net::ERR_ABORTED"


def collect_errors(page: Page) -> list[str]:
    """Console errors, uncaught exceptions and failed requests of `page`, as they happen."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))

    def failed(request: Request) -> None:
        if not _cancelled_image(request):
            errors.append(f"requestfailed: {request.url} {request.failure}")

    page.on("requestfailed", failed)
    # A script injected through a title would most likely call alert(); fail loudly if anything does.
    page.on("dialog", lambda dialog: (errors.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    return errors


@contextmanager
def serving(folder: Path) -> Iterator[str]:
    """`sentra serve`'s server (uvicorn) for `folder` on a free port, in a thread; yields its base URL."""
    from pipelines.publish.portal.serve import make_server

    srv = make_server(folder, "127.0.0.1", 0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv.url
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=10)
