"""Reading one landing file as the pipeline does, for tests of the readers (no warehouse)."""

from __future__ import annotations

from pathlib import Path

from models.contracts import Contract
from pipelines.ingest import layouts, read
from pipelines.ingest.landing import LandingFile
from pipelines.ingest.settings import IngestSettings


def read_file(path: Path, contract: Contract, limits: IngestSettings | None = None) -> read.Table:
    st = path.stat()
    lf = LandingFile(contract.source, path, st.st_size, st.st_mtime)
    return read.read(lf, layouts.for_source(contract.source), limits or IngestSettings())
