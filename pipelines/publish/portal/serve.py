"""`sentra serve`: the public tree (publish/) over HTTP, read-only, for a laptop or the office network.

The portal works from disk as well; HTTP is for browsers that restrict file:// pages and for sharing on a LAN.
Beside publish/ the data folder holds what must never leave the office (internal/: the marts snapshot,
quarantined rows, provenance; landing/: the producers' own files; the warehouse), so the server is narrow.
starlette's StaticFiles, under uvicorn, serves the files (HEAD, Last-Modified/ETag and 304, ranges) and keeps
requests inside the folder: its `lookup_path` takes the real path (symlinks resolved) and refuses one outside
the root. On top of it:

* GET and HEAD only: 405 with `Allow: GET, HEAD`;
* the path is checked before it touches the disk: not absolute-form, no backslash or NUL (400), no segment
  starting with "." (404: "..", and hidden or temporary files such as those `write_atomic` renames into
  place). uvicorn decodes it once, so "%2e%2e" is caught and "%252e%252e" is only a name that does not exist;
* only files with a public extension (CONTENT_TYPES) are served, judged on the name asked for and on the file
  it resolves to: a warehouse, Parquet or WAL file is 404 even inside publish/;
* no listings: a directory serves its index.html or 404; "/charts" redirects to "/charts/" by a relative
  Location built from the checked segments (starlette's own redirect is absolute, from the Host header);
* our own Content-Type per extension (not the host's mimetypes), nosniff, no-referrer, no-cache and a CSP on
  every answer; errors are short plain text and never echo the path;
* binds 127.0.0.1 unless told otherwise, and warns when other machines can reach it.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import stat
import sys
import threading
from collections.abc import Mapping
from http import HTTPStatus
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import anyio.to_thread
import uvicorn
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, PlainTextResponse, RedirectResponse, Response
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Receive, Scope, Send

# The allow-list of what publish/ may hand out, and the type each is sent as.
CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".json": "application/json",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".ico": "image/x-icon",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
}
INDEX = "index.html"
# Nothing loads from another origin. The chart pages inline Vega (Altair's inline=True), whose expression
# parser compiles with Function(): inline script and 'unsafe-eval'. Reports and chart pages carry <style>, and
# Vega styles its tooltips inline. Reports embed their figures as data: PNGs. The portal adds its own stricter
# <meta> policy (hashes), and a browser enforces both.
CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
HEADERS = [
    ("Cache-Control", "no-cache"),  # the pipeline replaces files in place: always revalidate
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Content-Security-Policy", CSP),
]


def _public(relative: str) -> bool:
    """A name publish/ may hand out: no hidden segment, an allow-listed extension."""
    path = PurePosixPath(relative)
    return not any(part.startswith(".") for part in path.parts) and path.suffix.lower() in CONTENT_TYPES


def _error(status: int, headers: Mapping[str, str] | None = None) -> Response:
    return PlainTextResponse(f"{status} {HTTPStatus(status).phrase}\n", status, headers=headers)


class PublicFiles(StaticFiles):
    """StaticFiles narrowed to what the portal publishes (see the module's docstring)."""

    def __init__(self, root: Path) -> None:
        # follow_symlink=False (the default) is what makes lookup_path compare real paths: keep it.
        super().__init__(directory=root)
        self.root = os.path.realpath(root)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # lifespan is off and websockets are not loaded: nothing else comes
            return
        try:
            response = await self.get_response(self.get_path(scope), scope)
        except HTTPException as exc:  # outside a Starlette app nothing turns these into answers
            response = _error(exc.status_code, exc.headers)
        await response(scope, receive, send)

    def get_path(self, scope: Scope) -> str:
        """The checked segments of the path asked for, joined by "/" ("" for the root)."""
        if scope["method"] not in ("GET", "HEAD"):
            raise HTTPException(405, headers={"Allow": "GET, HEAD"})
        path: str = scope["path"]
        # h11 leaves an absolute-form target ("GET http://host/x") as is: it does not start with "/".
        if not path.startswith("/") or "\\" in path or "\x00" in path:
            raise HTTPException(400)
        parts = [part for part in path.split("/") if part]  # "//x" is "/x"
        if any(part.startswith(".") for part in parts):
            raise HTTPException(404)
        return "/".join(parts)

    async def get_response(self, path: str, scope: Scope) -> Response:
        full_path, stat_result = await anyio.to_thread.run_sync(self.lookup_path, path)
        if stat_result is not None and stat.S_ISDIR(stat_result.st_mode):
            if not scope["path"].endswith("/"):  # so the index's relative links resolve inside the folder
                return RedirectResponse("/" + "".join(quote(part) + "/" for part in path.split("/")), 301)
            path = f"{path}/{INDEX}" if path else INDEX
            full_path, stat_result = await anyio.to_thread.run_sync(self.lookup_path, path)
        if stat_result is None or not stat.S_ISREG(stat_result.st_mode):  # missing, a directory, a FIFO
            raise HTTPException(404)
        if not (_public(path) and _public(os.path.relpath(full_path, self.root))):
            raise HTTPException(404)
        return self.file_response(full_path, stat_result, scope)

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        try:
            return super().lookup_path(path)
        except (OSError, ValueError):  # a name too long, no permission: as if absent
            return "", None

    def file_response(
        self, full_path: str | os.PathLike[str], stat_result: os.stat_result, scope: Scope, status_code: int = 200
    ) -> Response:
        media_type = CONTENT_TYPES[PurePosixPath(full_path).suffix.lower()]
        response = FileResponse(full_path, status_code, media_type=media_type, stat_result=stat_result)
        if self.is_not_modified(response.headers, Headers(scope=scope)):
            return NotModifiedResponse(response.headers)
        return response


class Server:
    """uvicorn serving PublicFiles on a socket bound here; socketserver's method names, which callers use."""

    def __init__(self, root: Path, sock: socket.socket, log_config: dict[str, Any] | None) -> None:
        self.root = root
        self.socket = sock
        self.server_address: tuple[Any, ...] = sock.getsockname()
        config = uvicorn.Config(
            PublicFiles(root),
            http="h11",  # the same parser on every machine (httptools, when installed, reads targets its own way)
            loop="asyncio",
            ws="none",
            lifespan="off",
            interface="asgi3",
            proxy_headers=False,  # nothing in front: a client's X-Forwarded-For must not change the logged address
            server_header=False,
            headers=HEADERS,  # uvicorn adds them to every answer, its own 500 and 503 included
            limit_concurrency=100,  # an office, not the internet: beyond this, 503 rather than unbounded open files
            timeout_graceful_shutdown=5,  # how long Ctrl-C waits for downloads in progress
            log_config=log_config,
        )
        self._server = uvicorn.Server(config)
        self._stopped = threading.Event()
        self._stopped.set()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def serve_forever(self) -> None:
        """Serve until `shutdown` (from another thread) or, in the main thread, Ctrl-C or SIGTERM."""
        self._stopped.clear()
        try:
            self._server.run(sockets=[self.socket])
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        self._server.should_exit = True
        self._stopped.wait()

    def server_close(self) -> None:
        self.socket.close()


def make_server(
    publish: Path, host: str = "127.0.0.1", port: int = 8080, *, log_config: dict[str, Any] | None = None
) -> Server:
    """A bound, not yet running server for `publish`; port 0 picks a free port (see `server_address`).

    The socket is bound here, not by uvicorn, which logs a port in use and calls sys.exit: an OSError here is
    what the CLI turns into its one-line error. Without `log_config` the process's logging is left alone.
    """
    root = Path(publish).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"serve: publish folder not found: {root}")
    sock = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    return Server(root, sock, log_config)


def _loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def serve(publish: Path, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serve `publish` read-only until Ctrl-C."""
    server = make_server(publish, host, port, log_config=uvicorn.config.LOGGING_CONFIG)
    print(f"serving {server.root} on {server.url} (read-only); Ctrl-C to stop", flush=True)
    if not _loopback(server.server_address[0]):
        print(f"warning: {server.url} is reachable from other machines on this network", file=sys.stderr, flush=True)
    if not (server.root / INDEX).is_file():
        print(f"note: no {INDEX} yet in {server.root}; write the portal first", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass  # uvicorn has already shut down gracefully, then raised the signal again for its caller
    finally:
        server.server_close()
