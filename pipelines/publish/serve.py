"""A small read-only web server for the publish folder, for viewing the portal on a laptop or LAN.

The portal works from disk as well; serving it over HTTP is for browsers that restrict file:// pages
and for sharing the folder on a local network. Only the stdlib is used (http.server), and only what
the portal needs is allowed:

* GET and HEAD; every other method answers 405 with `Allow: GET, HEAD`;
* files inside the publish folder only: ".." segments (also percent-encoded), hidden files (such as
  the temporary files `write_atomic` renames into place), and symlinks resolving outside the folder
  answer 403 or 404;
* no directory listings: a directory serves its `index.html`, or 404;
* an explicit Content-Type per extension (not the host's mimetypes table, which differs between
  machines), with `X-Content-Type-Options: nosniff`;
* binds to 127.0.0.1 unless a host is given.
"""

from __future__ import annotations

import email.utils
import functools
import http.server
import ipaddress
import os
import shutil
import socket
import sys
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".pdf": "application/pdf",
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".json": "application/json",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".ico": "image/x-icon",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"
ALLOWED_METHODS = ("GET", "HEAD")
INDEX = "index.html"
CHUNK = 64 * 1024


def content_type(path: Path) -> str:
    """The Content-Type the server sends for `path` (by extension, case-insensitive)."""
    return CONTENT_TYPES.get(path.suffix.lower(), DEFAULT_CONTENT_TYPE)


class PublishHandler(http.server.BaseHTTPRequestHandler):
    """Serves files from `root` (set through functools.partial in `make_server`)."""

    # Not SimpleHTTPRequestHandler: it lists directories and maps paths with less care than we want.
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "Sentra"  # no Python version in the Server header

    def __init__(self, *args: Any, root: Path, **kwargs: Any) -> None:
        self.root = root
        super().__init__(*args, **kwargs)

    # -- methods -------------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._serve(body=True)

    def do_HEAD(self) -> None:
        self._serve(body=False)

    def __getattr__(self, name: str) -> Any:
        # http.server looks up do_<METHOD> and answers 501 when missing; any method other than GET
        # and HEAD is a well-formed request we refuse, which is 405 with the allowed list.
        if name.startswith("do_"):
            return self._method_not_allowed
        raise AttributeError(name)

    def _method_not_allowed(self) -> None:
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, {"Allow": ", ".join(ALLOWED_METHODS)})

    # -- mapping a URL to a file ---------------------------------------------------------------

    def _resolve(self) -> tuple[Path | None, HTTPStatus | None, str | None]:
        """(file, None, None) to serve, (None, status, None) to refuse, (None, None, url) to redirect."""
        raw_path = urlsplit(self.path).path  # also handles absolute-form targets: GET http://h/x
        if not raw_path.startswith("/"):
            return None, HTTPStatus.BAD_REQUEST, None
        # Decode first, then split: "%2e%2e" and "%2f" cannot smuggle a ".." or "/" past the check.
        decoded = unquote(raw_path, errors="strict") if "%" in raw_path else raw_path
        if "\x00" in decoded or "\\" in decoded:
            return None, HTTPStatus.BAD_REQUEST, None
        parts = [p for p in decoded.split("/") if p not in ("", ".")]
        if any(p == ".." for p in parts):
            return None, HTTPStatus.FORBIDDEN, None
        if any(p.startswith(".") for p in parts):
            return None, HTTPStatus.NOT_FOUND, None  # hidden and temporary files are not published

        root = self.root
        candidate = root.joinpath(*parts)
        try:
            resolved = candidate.resolve(strict=True)
        except (OSError, RuntimeError):  # missing, or a symlink loop
            return None, HTTPStatus.NOT_FOUND, None
        if not resolved.is_relative_to(root):
            return None, HTTPStatus.FORBIDDEN, None  # a symlink pointing outside the folder

        if resolved.is_dir():
            if not raw_path.endswith("/"):
                # Redirect /charts -> /charts/ so the index's relative links resolve inside it. Built
                # from the checked parts, so "//host" cannot turn into an off-site redirect.
                return None, None, "/" + "".join(quote(p) + "/" for p in parts)
            index = (candidate / INDEX).resolve()
            if not index.is_file() or not index.is_relative_to(root):
                return None, HTTPStatus.NOT_FOUND, None  # no listings
            resolved = index
        if not resolved.is_file():
            return None, HTTPStatus.NOT_FOUND, None  # sockets, devices and the like
        return resolved, None, None

    # -- responses -----------------------------------------------------------------------------

    def _serve(self, body: bool) -> None:
        try:
            path, status, redirect = self._resolve()
        except UnicodeDecodeError:
            path, status, redirect = None, HTTPStatus.BAD_REQUEST, None
        if redirect is not None:
            self._error(HTTPStatus.MOVED_PERMANENTLY, {"Location": redirect})
            return
        if path is None:
            self._error(status or HTTPStatus.NOT_FOUND)
            return
        try:
            fh = path.open("rb")
        except OSError:
            self._error(HTTPStatus.NOT_FOUND)
            return
        with fh:
            stat = os.fstat(fh.fileno())
            modified = email.utils.formatdate(stat.st_mtime, usegmt=True)
            since = self.headers.get("If-Modified-Since")
            if since and since == modified:
                self.send_response(HTTPStatus.NOT_MODIFIED)
                self._common_headers()
                self.send_header("Last-Modified", modified)
                self.end_headers()
                return
            self.send_response(HTTPStatus.OK)
            self._common_headers()
            self.send_header("Content-Type", content_type(path))
            self.send_header("Content-Length", str(stat.st_size))
            self.send_header("Last-Modified", modified)
            self.end_headers()
            if body:
                try:
                    shutil.copyfileobj(fh, self.wfile, CHUNK)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the browser went away mid-download; nothing to do

    def _common_headers(self) -> None:
        # Published files are replaced in place by the pipeline: always revalidate.
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")

    def _error(self, status: HTTPStatus, headers: dict[str, str] | None = None) -> None:
        """A short plain-text error (send_error's HTML page would echo the request path back)."""
        payload = f"{status.value} {status.phrase}\n".encode()
        self.send_response(status)
        self._common_headers()
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        # One short line per request; no timestamps (a service manager adds its own).
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # Ctrl-C does not wait for browsers holding keep-alive connections


class _Server6(_Server):
    address_family = socket.AF_INET6


def make_server(publish: Path, host: str = "127.0.0.1", port: int = 8080) -> http.server.ThreadingHTTPServer:
    """A bound, not yet running server for `publish`; port 0 picks a free port (see server.server_address)."""
    root = Path(publish).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"serve: publish folder not found: {root}")
    handler = functools.partial(PublishHandler, root=root)
    server_class = _Server6 if ":" in host else _Server
    return server_class((host, port), handler)


def _url(server: http.server.ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    host = host.decode() if isinstance(host, bytes) else str(host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(publish: Path, host: str = "127.0.0.1", port: int = 8080) -> None:
    """Serve `publish` read-only until Ctrl-C."""
    server = make_server(publish, host, port)
    root = Path(publish).resolve()
    print(f"serving {root} on {_url(server)} (read-only); Ctrl-C to stop", flush=True)
    try:
        if not ipaddress.ip_address(host).is_loopback:
            print("warning: reachable from other machines on this network", file=sys.stderr, flush=True)
    except ValueError:
        pass  # a host name rather than an address: the operator chose it deliberately
    if not (root / INDEX).is_file():
        print(f"note: no {INDEX} yet in {root}; write the portal first", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
