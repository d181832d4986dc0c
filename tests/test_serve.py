"""`sentra serve` as an attack surface: the public tree only, only what the portal publishes, with safe headers.

Requests go out raw (http.client's putrequest, or a bare socket for bytes http.client refuses), so paths reach the
server exactly as written: a client library would tidy up "..", "//" and "\\" first. The crawler at the end runs
the real pipeline once and asks for every file of the data folder, every way we know.
"""

from __future__ import annotations

import csv
import html
import http.client
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import duckdb
import pytest
from browser import chromium, collect_errors, offline, requires_chromium
from conftest import Built
from tools import need_tool

from pipelines.publish.portal.serve import CONTENT_TYPES, CSP, Server, make_server

TIER = "pure"  # tests/conftest.py: the runner's tiers
GROUP = "month_run"  # on the worker that builds conftest.month_run, with the other module starting from it

ROOT = Path(__file__).resolve().parent.parent
SECRET = "top-secret-outside-publish"
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
    "content-security-policy": CSP,
}

Answer = tuple[int, dict[str, str], bytes]


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


@contextmanager
def running(publish: Path, host: str = "127.0.0.1") -> Iterator[Server]:
    """The server on a free port, in a thread, stopped (and its thread joined) at the end."""
    srv = make_server(publish, host, 0)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv
    finally:
        srv.shutdown()
        srv.server_close()
        thread.join(timeout=10)
        assert not thread.is_alive(), "the server did not stop"


def request(port: int, method: str, target: str, headers: Mapping[str, str] | None = None) -> Answer:
    """One request with `target` sent as given; (status, lower-cased headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest(method, target, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            conn.putheader(name, value)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def raw(port: int, data: bytes) -> Answer:
    """Bytes on a socket, everything the server answers until it closes: a body after HEAD would show here."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


def raw_get(port: int, target: bytes, method: bytes = b"GET") -> Answer:
    return raw(port, method + b" " + target + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")


# ---------------------------------------------------------------------------------------------
# A small public tree with traps in and around it
# ---------------------------------------------------------------------------------------------

DUCKDB_BYTES = b"\x00" * 8 + b"DUCK" + b"\x00" * 52  # a DuckDB file's header: its magic at bytes 8..12
PUBLIC_FILES = {
    "index.html": b"<!doctype html><title>Sentra</title>",
    "manifest.json": b'{"items": []}',
    "charts/c/latest/id/c.png": b"\x89PNG\r\n\x1a\n fake",
    "charts/c/latest/id/c.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
    "charts/c/latest/id/c.pdf": b"%PDF-1.4 fake",
    "charts/c/latest/id/c.html": b"<!doctype html><p>chart",
    "charts/c/latest/c.csv": b"tanggal,omzet\n2025-01-01,1\n",
    "charts/c/latest/c.xlsx": b"PK\x03\x04 fake",
    "charts/c/latest/metadata.json": b'{"id": "c"}',
    "reports/monthly/2025-01/index.html": b"<!doctype html><p>report",
    "evil.example/index.html": b"<!doctype html><p>a folder named like a host",
    "a b/index.html": b"<!doctype html><p>a folder with a space",
    "static/app.js": b"let x = 1;\n",
    "static/STYLE.CSS": b"body {}\n",
    "static/readme.txt": b"hello\n",
    "static/favicon.ico": b"\x00\x00\x01\x00",
    "static/p.jpg": b"\xff\xd8\xff fake",
    "static/p.jpeg": b"\xff\xd8\xff fake",
    "static/p.webp": b"RIFF fake WEBP",
    "static/f.woff2": b"wOF2 fake",
}
# Inside the root but never public: not allow-listed, hidden, or temporary.
REFUSED_INSIDE = {
    "snapshot/sentra.duckdb": DUCKDB_BYTES,
    "snapshot/sentra.duckdb.wal": SECRET.encode(),
    "snapshot/parquet/daily_turnover.parquet": b"PAR1" + SECRET.encode(),
    "archive.gz": SECRET.encode(),
    "notes": SECRET.encode(),
    "index.html.bak": SECRET.encode(),
    "charts/readme.md": SECRET.encode(),
    ".index.html.4242.0123abcd.tmp": SECRET.encode(),
    "charts/c/latest/.c.csv.4242.0123abcd.tmp": SECRET.encode(),
    ".hidden/page.html": SECRET.encode(),
    ".env": SECRET.encode(),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/publish with public files and traps, beside data/internal, data/landing and a warehouse."""
    data = tmp_path_factory.mktemp("serve") / "data"
    publish = data / "publish"
    for rel, content in {**PUBLIC_FILES, **REFUSED_INSIDE}.items():
        (publish / rel).parent.mkdir(parents=True, exist_ok=True)
        (publish / rel).write_bytes(content)
    (publish / "empty-dir").mkdir()
    (publish / "charts/c/index.htm").write_bytes(SECRET.encode())  # .htm is not on the list either
    os.mkfifo(publish / "pipe.csv")  # not a regular file: opening it would hang the answer
    # Outside the root.
    for rel in ("secret.txt", "internal/quality/runs/r1/quarantine_transactions.csv", "landing/producers/p.csv"):
        (data / rel).parent.mkdir(parents=True, exist_ok=True)
        (data / rel).write_text(SECRET, encoding="utf-8")
    (data / "warehouse.duckdb").write_bytes(DUCKDB_BYTES + SECRET.encode())
    (data / "publish-sibling").mkdir()  # the root's name as a prefix does not make a path inside it
    (data / "publish-sibling" / "x.txt").write_text(SECRET, encoding="utf-8")
    # Symlinks: out of the root (to a file, to folders) are refused; inside it, only to public files.
    (publish / "leak.txt").symlink_to(data / "secret.txt")
    (publish / "leak-internal").symlink_to(data / "internal")
    (publish / "charts/c/landing").symlink_to(data / "landing")
    (publish / "warehouse.csv").symlink_to(data / "warehouse.duckdb")
    (publish / "alias.csv").symlink_to(publish / "snapshot/sentra.duckdb")  # inside, but resolves to a .duckdb
    (publish / "alias-hidden.txt").symlink_to(publish / ".env")
    (publish / "dump.parquet").symlink_to(publish / "charts/c/latest/c.csv")  # judged on the name asked for too
    (publish / "loop.txt").symlink_to(publish / "loop.txt")
    (publish / "same.png").symlink_to(publish / "charts/c/latest/id/c.png")  # inside, to a public file: fine
    return publish


@pytest.fixture(scope="module")
def port(site: Path) -> Iterator[int]:
    with running(site) as srv:
        yield srv.server_address[1]


def _no_secret(status: int, body: bytes, what: object) -> None:
    assert status in (400, 403, 404), (what, status)
    assert SECRET.encode() not in body and b"root:" not in body and b"DUCK" not in body, what
    assert len(body) < 40, (what, body)  # a short phrase: nothing of the request echoed back


# ---------------------------------------------------------------------------------------------
# No way out of the public root
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        # ".." raw, percent-encoded (either case, "/" too), double-encoded, with backslashes
        "/../secret.txt",
        "/../../../../../../etc/passwd",
        "/charts/../../secret.txt",
        "/charts/c/../../../internal/quality/runs/r1/quarantine_transactions.csv",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/..%2fsecret.txt",
        "/charts/%2e%2e/%2e%2e/secret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/..\\secret.txt",
        "/..%5csecret.txt",
        "/%2e%2e%5csecret.txt",
        "/charts\\..\\..\\secret.txt",
        "/../publish-sibling/x.txt",
        # absolute paths and absolute-form request targets
        "/etc/passwd",
        "//etc/passwd",
        "{data}/secret.txt",
        "/{data}/secret.txt",
        "/%2F{data}/secret.txt",
        "http://evil.example/../secret.txt",
        "http://127.0.0.1/../secret.txt",
        "http://127.0.0.1{data}/secret.txt",
        # NUL bytes
        "/%00index.html",
        "/index.html%00.png",
        "/secret.txt%00",
        # symlinks out of the root: to a file, to folders
        "/leak.txt",
        "/leak-internal/quality/runs/r1/quarantine_transactions.csv",
        "/charts/c/landing/producers/p.csv",
        "/warehouse.csv",
        "/loop.txt",
    ],
)
def test_no_way_out(port: int, site: Path, target: str) -> None:
    target = target.replace("{data}", quote(str(site.parent)))
    _no_secret(*request(port, "GET", target)[::2], target)
    _no_secret(*request(port, "HEAD", target)[::2], target)


@pytest.mark.parametrize(
    "target", [b"/index.html\x00", b"/\x00../secret.txt", b"/../secret.txt\x00.html", b"/\xff\xfe", b"/a b"]
)
def test_bytes_no_client_would_send_are_refused(port: int, target: bytes) -> None:
    status, _, body = raw_get(port, target)
    assert status == 400 and SECRET.encode() not in body


def test_hidden_and_temporary_files_are_not_served(port: int) -> None:
    for target in (
        "/.index.html.4242.0123abcd.tmp",
        "/charts/c/latest/.c.csv.4242.0123abcd.tmp",
        "/.hidden/page.html",
        "/.hidden/",
        "/%2eenv",
        "/.env",
        "/./index.html",
        "/alias-hidden.txt",  # a public-looking name for a hidden file
    ):
        _no_secret(*request(port, "GET", target)[::2], target)


def test_only_allow_listed_extensions_even_inside_the_root(port: int) -> None:
    for rel in [
        *(r for r in REFUSED_INSIDE if not r.startswith(".")),
        "charts/c/index.htm",
        "alias.csv",
        "dump.parquet",
    ]:
        status, _, body = request(port, "GET", "/" + quote(rel))
        assert status == 404, rel
        assert SECRET.encode() not in body and b"DUCK" not in body and not body.startswith(b"PAR1"), rel
    assert request(port, "GET", "/pipe.csv")[0] == 404
    # A symlink inside the root to a public file is served like the file.
    assert request(port, "GET", "/same.png")[2] == PUBLIC_FILES["charts/c/latest/id/c.png"]


# ---------------------------------------------------------------------------------------------
# Methods, folders, headers
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND", "MKCOL"])
def test_only_get_and_head(port: int, method: str) -> None:
    for target in ("/index.html", "/../secret.txt", "/nothing"):
        status, headers, body = request(port, method, target)
        assert status == 405 and headers["allow"] == "GET, HEAD", (method, target)
        assert body == b"405 Method Not Allowed\n"


def test_folders_serve_their_index_or_nothing(port: int) -> None:
    assert request(port, "GET", "/empty-dir/")[0] == 404  # no listing
    assert request(port, "GET", "/charts/")[0] == 404
    assert request(port, "GET", "/charts/c/latest/")[0] == 404
    for target, location in [
        ("/charts", "/charts/"),
        ("//charts", "/charts/"),  # not the protocol-relative "//charts/"
        ("/reports/monthly/2025-01", "/reports/monthly/2025-01/"),
        ("//evil.example", "/evil.example/"),  # a folder named like a host stays a path on this server
        ("///evil.example", "/evil.example/"),
        ("/%2Fevil.example", "/evil.example/"),
        ("/a%20b", "/a%20b/"),
    ]:
        status, headers, body = request(port, "GET", target)
        assert status == 301 and headers["location"] == location, (target, status, headers)
        assert body == b""
    assert request(port, "GET", "http://evil.example/charts")[0] == 400  # absolute-form: refused outright
    status, headers, body = request(port, "GET", "/reports/monthly/2025-01/")
    assert status == 200 and body == PUBLIC_FILES["reports/monthly/2025-01/index.html"]
    assert headers["content-type"] == "text/html; charset=utf-8"
    status, headers, body = request(port, "GET", "/")
    assert status == 200 and body == PUBLIC_FILES["index.html"]
    assert request(port, "GET", "/?x=../../secret.txt")[2] == PUBLIC_FILES["index.html"]  # a query is ignored


def test_content_types_security_headers_and_head(port: int) -> None:
    assert set(CONTENT_TYPES) == {
        ".html", ".png", ".svg", ".pdf", ".csv", ".xlsx", ".json", ".js", ".css", ".txt",
        ".ico", ".jpg", ".jpeg", ".webp", ".woff2",
    }  # fmt: skip
    for rel, content in PUBLIC_FILES.items():
        status, headers, body = request(port, "GET", "/" + quote(rel))
        assert status == 200 and body == content, rel
        assert headers["content-type"] == CONTENT_TYPES[PurePosixPath(rel).suffix.lower()], rel
        assert {k: headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS, rel
        assert "server" not in headers  # no product or version advertised
        status, headers, body = raw_get(port, quote("/" + rel).encode(), method=b"HEAD")
        assert status == 200 and body == b"" and int(headers["content-length"]) == len(content), rel
        assert headers["content-type"] == CONTENT_TYPES[PurePosixPath(rel).suffix.lower()], rel
    # Errors carry the same headers and a short plain-text body that never echoes the path.
    status, headers, body = request(port, "GET", "/%3Cscript%3Ealert(1)%3C/script%3E.html")
    assert status == 404 and body == b"404 Not Found\n" and headers["content-type"] == "text/plain; charset=utf-8"
    assert {k: headers.get(k) for k in SECURITY_HEADERS} == SECURITY_HEADERS
    assert request(port, "GET", "/../x")[2] == b"404 Not Found\n"
    assert request(port, "GET", "/..\\x")[2] == request(port, "GET", "/%00x")[2] == b"400 Bad Request\n"


def test_the_csp_loads_nothing_from_another_origin() -> None:
    directives = dict(d.strip().partition(" ")[::2] for d in CSP.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["img-src"] == "'self' data: blob:"
    for name in ("object-src", "base-uri", "form-action", "frame-ancestors"):
        assert directives[name] == "'none'", name
    sources = " ".join(directives.values()).split()
    assert all(s.startswith("'") or s in ("data:", "blob:") for s in sources), "no host, scheme or wildcard"


def test_not_modified(port: int) -> None:
    _, headers, _ = request(port, "GET", "/manifest.json")
    status, again, body = request(port, "GET", "/manifest.json", {"If-Modified-Since": headers["last-modified"]})
    assert status == 304 and body == b"" and again["x-content-type-options"] == "nosniff"
    assert request(port, "GET", "/manifest.json", {"If-None-Match": headers["etag"]})[0] == 304
    assert request(port, "GET", "/manifest.json", {"If-None-Match": '"other"'})[0] == 200


# ---------------------------------------------------------------------------------------------
# Binding, Ctrl-C, the CLI
# ---------------------------------------------------------------------------------------------


def test_binds_localhost_by_default(site: Path) -> None:
    srv = make_server(site, port=0)
    try:
        assert srv.server_address[0] == "127.0.0.1" and srv.url == f"http://127.0.0.1:{srv.server_address[1]}"
        with pytest.raises(OSError):  # the port is taken: an OSError now, not uvicorn's sys.exit later
            make_server(site, port=srv.server_address[1])
    finally:
        srv.server_close()
    with pytest.raises(FileNotFoundError, match="publish folder not found"):
        make_server(site / "nope", port=0)


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_serve_warns_off_localhost_and_stops_on_ctrl_c(site: Path, host: str) -> None:
    code = "import sys; from pipelines.publish.portal.serve import serve; serve(sys.argv[1], sys.argv[2], 0)"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, str(site), host], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        first = proc.stdout.readline() if proc.stdout else ""
        found = re.search(rf"serving {re.escape(str(site))} on http://{re.escape(host)}:(\d+) \(read-only\)", first)
        assert found, first + (proc.stderr.read() if proc.poll() is not None and proc.stderr else "")
        port = int(found.group(1))
        assert request(port, "GET", "/index.html")[2] == PUBLIC_FILES["index.html"]
        # A browser's idle keep-alive connection does not hold up the stop.
        idle = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        idle.request("GET", "/manifest.json")
        idle.getresponse().read()
        started = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
        idle.close()
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0, err
    assert time.monotonic() - started < 10
    assert "Traceback" not in out + err
    warned = "is reachable from other machines on this network" in err
    assert warned == (host != "127.0.0.1"), err


def test_the_sentra_command_prints_its_threads_on_sigusr1_and_goes_on(tmp_path: Path) -> None:
    """`kill -USR1` of a `sentra` process that seems hung prints where every thread is (docs/OPERATIONS.md), and
    the process goes on: the scale tests rely on it to say where a hung run stood."""
    (tmp_path / "publish").mkdir()
    (tmp_path / "publish" / "index.html").write_bytes(PUBLIC_FILES["index.html"])
    sentra = Path(sys.executable).with_name("sentra")
    proc = subprocess.Popen(
        [str(sentra), "serve", "--port", "0", "--data-dir", str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    said: list[str] = []

    def read_stderr() -> None:
        for line in proc.stderr or ():
            said.append(line)

    reader = threading.Thread(target=read_stderr, daemon=True)
    try:
        first = proc.stdout.readline() if proc.stdout else ""
        found = re.search(r"on http://127\.0\.0\.1:(\d+) ", first)
        assert found, first + (proc.stderr.read() if proc.poll() is not None and proc.stderr else "")
        reader.start()
        proc.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 30
        # Not waiting for one function's name: the signal may come before the server loop is entered.
        while time.monotonic() < deadline and proc.poll() is None:
            if 'File "' in "".join(said).partition("Current thread 0x")[2]:
                break
            time.sleep(0.1)
        dumped = "".join(said)
        assert proc.poll() is None, dumped  # not killed by the signal
        assert 'File "' in dumped.partition("Current thread 0x")[2], dumped
        assert request(int(found.group(1)), "GET", "/index.html")[0] == 200  # still serving
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
        reader.join(timeout=10)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0


@pytest.fixture
def upgrade_lines(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """`pipelines.publish.layout.upgrade` replaced by one that records its calls."""
    import pipelines.publish.layout as layout

    calls: list[Any] = []

    def upgrade(settings: Any) -> list[str]:
        calls.append(settings)
        return ["moved publish/snapshot/ to internal/snapshot/ (an older Sentra's)"]

    monkeypatch.setattr(layout, "upgrade", upgrade)
    return calls


def test_cli_errors_are_one_line(isolated: Path, upgrade_lines: list[Any], capsys: pytest.CaptureFixture[str]) -> None:
    from pipelines.cli.main import main

    assert main(["serve", "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"sentra: error: {isolated / 'publish'}: nothing published yet") and err.count("\n") == 1
    assert upgrade_lines == []

    (isolated / "publish").mkdir()
    with socket.create_server(("127.0.0.1", 0)) as taken:
        busy = taken.getsockname()[1]
        assert main(["serve", "--port", str(busy)]) == 2
    out, err = capsys.readouterr()
    assert out == "moved publish/snapshot/ to internal/snapshot/ (an older Sentra's)\n"
    assert re.fullmatch(rf"sentra: error: cannot serve on 127\.0\.0\.1:{busy} \([^\n]+\)\n", err), err
    assert [s.publish for s in upgrade_lines] == [isolated / "publish"]


# ---------------------------------------------------------------------------------------------
# The crawler: a real data folder, every file, every way (issue 22's acceptance test)
# ---------------------------------------------------------------------------------------------

# Inside publish/ but internal by the layout's contract: where an older Sentra wrote the marts snapshot and the
# quality reports with quarantined rows, and where provenance with file names would go.
INTERNAL_IN_PUBLISH = ("snapshot/", "quality/runs/", "provenance/")


@dataclass
class RealData:
    data: Path
    exit_codes: dict[str, int]
    upgrade: list[str]  # what `upgrade` reported
    markers: dict[str, set[str]] = field(default_factory=dict)  # what no answer may contain, by kind

    @property
    def publish(self) -> Path:
        return self.data / "publish"


def _plant_what_an_older_sentra_left(data: Path) -> None:
    """Copies of internal files where an older Sentra wrote them inside publish/, and a half-written temp file."""
    publish = data / "publish"
    (publish / "snapshot/parquet").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(data / "warehouse.duckdb", publish / "snapshot/sentra.duckdb")
    for parquet in sorted((data / "internal").rglob("*.parquet"))[:1]:
        shutil.copyfile(parquet, publish / "snapshot/parquet" / parquet.name)
    runs = publish / "quality/runs/x"
    runs.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        con.sql("SELECT * FROM quarantine.transactions").pl().write_csv(runs / "quarantine_transactions.csv")
    finally:
        con.close()
    for report in sorted((data / "internal").rglob("quality/runs/*/index.html"))[:1]:
        shutil.copyfile(report, runs / "index.html")
    (publish / ".manifest.json.4242.0123abcd.tmp").write_bytes((runs / "quarantine_transactions.csv").read_bytes())


def _markers(data: Path) -> dict[str, set[str]]:
    """Producer ids, NIBs and names of the registry; ids of quarantined rows (at least 6 characters)."""
    ids, nibs, names = set(), set(), set()
    for registry in sorted((data / "landing/producers").glob("*.csv")):
        with registry.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                ids.add(row["producer_id"])
                nibs.add(row["nib"])
                names.add(row["name"])
    con = duckdb.connect(str(data / "warehouse.duckdb"), read_only=True)
    try:
        quarantined = {
            v
            for (v,) in con.execute(
                "SELECT transaction_id FROM quarantine.transactions UNION ALL SELECT peb_number FROM quarantine.exports"
            ).fetchall()
            if v and len(v.strip()) >= 6
        }
        ids |= {v for (v,) in con.execute("SELECT DISTINCT producer_id FROM quarantine.transactions").fetchall() if v}
    finally:
        con.close()
    return {"producer_id": ids, "nib": nibs, "producer name": names, "quarantined row": quarantined}


@pytest.fixture(scope="module")
def real_data(tmp_path_factory: pytest.TempPathFactory, month_run: Built) -> RealData:
    """A month of sample data run through the real pipeline (tests/conftest.py builds it once), copied here, with
    what an older Sentra left in publish/ planted, then moved out as `sentra serve` does before serving."""
    from pipelines.core.config import settings
    from pipelines.publish.layout import upgrade

    data = tmp_path_factory.mktemp("crawl") / "data"
    shutil.copytree(month_run.data, data)
    _plant_what_an_older_sentra_left(data)
    with pytest.MonkeyPatch.context() as mp:  # the autouse `isolated` is per test: point settings() here
        mp.setenv("SENTRA_DATA_DIR", str(data))
        moved = upgrade(settings())
    return RealData(data, dict(zip(("sample", "run"), month_run.codes, strict=True)), moved, _markers(data))


@pytest.mark.e2e
def test_the_pipeline_ran(real_data: RealData) -> None:
    assert real_data.exit_codes == {"sample": 0, "run": 0}
    assert real_data.markers["quarantined row"], "the sample quarantines rows: the crawler needs some to look for"


def _traversals(data: Path, path: Path) -> list[str]:
    """Ways to ask for `path` (anywhere under `data`) from the public root, which is `data`/publish."""
    rel = quote(path.relative_to(data).as_posix())
    absolute = quote(path.as_posix())
    return [
        f"/../{rel}",
        f"/charts/../../{rel}",
        f"/%2e%2e/{rel}",
        f"/%2E%2E%2F{rel.replace('/', '%2F')}",
        f"/%252e%252e/{rel}",
        f"/%252e%252e%252f{rel.replace('/', '%252f')}",
        f"/..%5c{rel.replace('/', '%5c')}",
        f"/..\\{rel.replace('/', chr(92))}",
        absolute,
        f"/{absolute}",
        f"http://127.0.0.1/../{rel}",
    ]


def _text(name: str, body: bytes) -> str:
    """What a reader could find in an answer: the bytes as text, entities decoded, PDFs and XLSX unpacked."""
    suffix = PurePosixPath(name).suffix.lower()
    text = body.decode("utf-8", errors="replace")
    if suffix == ".pdf":
        pdftotext = need_tool("pdftotext")
        text += subprocess.run([pdftotext, "-", "-"], input=body, capture_output=True, check=True).stdout.decode()
    elif suffix == ".xlsx":
        with zipfile.ZipFile(io.BytesIO(body)) as book:
            text += "".join(book.read(n).decode("utf-8", errors="replace") for n in book.namelist())
    return text + html.unescape(text)


def _leaks(name: str, body: bytes, markers: dict[str, set[str]]) -> list[str]:
    found = []
    if body[8:12] == b"DUCK":
        found.append("a DuckDB file")
    if body.startswith(b"PAR1"):
        found.append("a Parquet file")
    text = _text(name, body)
    for kind, values in markers.items():
        hits = sorted(v for v in values if v in text or json.dumps(v)[1:-1] in text)
        if hits:
            found.append(f"{kind}s {hits[:5]}" + (f" and {len(hits) - 5} more" if len(hits) > 5 else ""))
    return found


@pytest.mark.e2e
def test_a_crawler_gets_the_public_tree_and_nothing_else(real_data: RealData) -> None:
    data, publish = real_data.data, real_data.publish
    files = sorted(p for p in data.rglob("*") if p.is_file())
    assert any(p.is_relative_to(data / "internal") for p in files) or any(
        p.is_relative_to(publish / "snapshot") for p in files
    ), "the run wrote no snapshot anywhere: the crawler would prove little"
    problems: dict[str, list[str]] = {"refused public file": [], "internal or hidden file served": [], "leak": []}
    served = 0
    with running(publish) as srv:
        port = srv.server_address[1]
        for path in files:
            answers: list[tuple[str, Answer]] = []
            if path.is_relative_to(publish):
                rel = path.relative_to(publish).as_posix()
                answer = request(port, "GET", "/" + quote(rel))
                public = (
                    not any(part.startswith(".") for part in PurePosixPath(rel).parts)
                    and PurePosixPath(rel).suffix.lower() in CONTENT_TYPES
                    and not rel.startswith(INTERNAL_IN_PUBLISH)
                )
                if public and answer[0] != 200:
                    problems["refused public file"].append(f"{rel}: {answer[0]}")
                if not public and answer[0] == 200:
                    problems["internal or hidden file served"].append(rel)
                answers.append((rel, answer))
            for target in _traversals(data, path):
                answer = request(port, "GET", target)
                if answer[0] == 200:
                    problems["internal or hidden file served"].append(target)
                answers.append((target, answer))
            for target, (status, _, body) in answers:
                if status == 200:
                    served += 1
                    if leaks := _leaks(path.name, body, real_data.markers):
                        problems["leak"].append(f"{target}: {', '.join(leaks)}")
                else:
                    assert len(body) < 40, target  # errors never echo the path or anything else
    assert served >= 20, "the public tree answered almost nothing: the crawler proves little"
    report = {kind: found for kind, found in problems.items() if found}
    assert not report, json.dumps({"upgrade": real_data.upgrade, **report}, indent=1)


@requires_chromium
def test_every_real_page_renders_under_the_csp(real_data: RealData) -> None:
    """The real portal, charts, reports and quality summary through the server: nothing blocked by the CSP, no
    console error, and the interactive chart draws and answers the pointer with its tooltip."""
    publish = real_data.publish
    pages = [p for p in sorted(publish.rglob("*.html")) if "/latest/" in p.as_posix() or "charts" not in p.parts]
    pages = [p for p in pages if not p.relative_to(publish).as_posix().startswith(INTERNAL_IN_PUBLISH)]
    assert (publish / "index.html") in pages and any("charts" in p.parts for p in pages)
    with running(publish) as srv, chromium() as browser:
        context = browser.new_context()
        blocked = offline(context)
        page = context.new_page()
        errors = collect_errors(page)
        for path in pages:
            rel = path.relative_to(publish).as_posix()
            page.goto(f"{srv.url}/{quote(rel)}", wait_until="load")
            if "charts" in path.parts:
                page.wait_for_selector("#vis svg, #vis canvas", state="attached", timeout=15_000)
            page.wait_for_load_state("networkidle")
            assert errors == [] and blocked == [], rel
        chart = next(p for p in pages if p.name == "daily_turnover.html")
        page.goto(f"{srv.url}/{quote(chart.relative_to(publish).as_posix())}")
        box = page.locator("#vis canvas, #vis svg").first.bounding_box()
        assert box is not None
        tooltip = page.locator("#vg-tooltip-element.visible")
        for i in range(1, 20):  # sweep the plot: the hover rule answers anywhere along the time axis
            page.mouse.move(box["x"] + box["width"] * i / 20, box["y"] + box["height"] / 2)
            if tooltip.count():
                break
        assert tooltip.count() == 1, "the chart did not answer the pointer"
        assert errors == [] and blocked == []
        context.close()
