"""Make a donor report: read the warehouse, protect and audit, then write XLSX, PDF and/or CSV.

* ``generate_report(settings, request)``: the ``Report`` (raises ``DisclosureError`` if any released
  table fails the audit, ``ReportDataError`` if the warehouse cannot give a correct report);
* ``write_report(report, out_dir, formats)``: the files, each written to a temporary name first and
  renamed, so a failed run leaves no half-written file;
* ``build_report_bytes(settings, period, fmt)``: one format in memory, for a dashboard download
  (CSV comes as a ZIP archive of the CSV release); ``render(report, fmt)`` does the same for a
  ``Report`` already made (the dashboard makes it once and offers every format).

Nothing is written before the whole report has passed disclosure control and the audit.

The generated-at time is the only thing that differs between two runs on the same warehouse; set
``SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds convention) to fix it too.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from reports.content import ReportRequest, build_report, parse_request
from reports.csv_writer import csv_zip_bytes, write_csv
from reports.disclosure import DEFAULT_THRESHOLD, ZeroRule
from reports.document import Report
from reports.pdf_writer import pdf_bytes
from reports.source import Source, read_source
from reports.xlsx_writer import xlsx_bytes
from taskforce.settings import Settings

FORMATS = ("xlsx", "pdf", "csv")
MIME_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "application/zip",
}


def generated_at() -> str:
    """Now in UTC (or ``SOURCE_DATE_EPOCH``), to the second, ISO 8601."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch else datetime.now(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def software_version() -> str:
    try:
        return metadata.version("taskforce-warehouse")
    except metadata.PackageNotFoundError:
        return "unknown"


def generate_report(settings: Settings, request: ReportRequest) -> Report:
    return make_report(read_source(settings), request)


def make_report(source: Source, request: ReportRequest) -> Report:
    """The report of ``request`` from a source already read (the dashboard reads it once per build)."""
    return build_report(source, request, generated_at=generated_at(), software_version=software_version())


def file_name(report: Report, fmt: str) -> str:
    """Name of a format's output: ``donor-report-2009.xlsx``, ``.pdf`` or ``-csv`` (a folder)."""
    return {
        "xlsx": f"{report.file_stem}.xlsx",
        "pdf": f"{report.file_stem}.pdf",
        "csv": f"{report.file_stem}-csv",
    }[fmt]


def expand_formats(fmt: str | Iterable[str]) -> list[str]:
    wanted = [fmt] if isinstance(fmt, str) else list(fmt)
    if "all" in wanted:
        return list(FORMATS)
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise ValueError(f"unknown report format(s) {unknown!r}; choose from {(*FORMATS, 'all')!r}")
    return [f for f in FORMATS if f in wanted]


def write_report(report: Report, out_dir: Path, formats: str | Iterable[str] = "all") -> list[Path]:
    """Write the report in each format into ``out_dir``; replaces earlier files of the same names."""
    out_dir.mkdir(parents=True, exist_ok=True)
    made = {fmt: render(report, fmt) for fmt in expand_formats(formats) if fmt != "csv"}
    written = []
    for fmt in expand_formats(formats):
        target = out_dir / file_name(report, fmt)
        if fmt == "csv":
            staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=out_dir))
            try:
                write_csv(report, staging)
                staging.chmod(0o755)
                for path in staging.iterdir():
                    path.chmod(0o644)
                if target.exists():
                    shutil.rmtree(target)
                staging.rename(target)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
        else:
            handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=out_dir)
            try:
                with os.fdopen(handle, "wb") as stream:
                    stream.write(made[fmt])
                os.chmod(temporary, 0o644)  # mkstemp makes 0600; a released report is for sharing
                os.replace(temporary, target)
            finally:
                if os.path.exists(temporary):
                    os.unlink(temporary)
        written.append(target)
    return written


def build_report_bytes(
    settings: Settings,
    period: int | str,
    fmt: str,
    *,
    date_from: str | None = None,
    date_to: str | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    zero_rule: ZeroRule | str = ZeroRule.SMALL_MARGIN,
) -> bytes:
    """One format of the report in memory, for a download button (``MIME_TYPES[fmt]``; csv is a ZIP)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; choose from {FORMATS!r}")
    request = parse_request(period, date_from, date_to, threshold, zero_rule)
    return render(generate_report(settings, request), fmt)


def download_name(
    period: int | str, fmt: str, date_from: str | None = None, date_to: str | None = None
) -> str:
    """File name for ``build_report_bytes``' result (``donor-report-2009.pdf``, ``...-csv.zip``)."""
    stem = parse_request(period, date_from, date_to).file_stem
    return {"xlsx": f"{stem}.xlsx", "pdf": f"{stem}.pdf", "csv": f"{stem}-csv.zip"}[fmt]


def render(report: Report, fmt: str) -> bytes:
    """One format of a made report in memory (``MIME_TYPES[fmt]``; csv is a ZIP of the CSV release)."""
    if fmt == "xlsx":
        return xlsx_bytes(report)
    if fmt == "pdf":
        return pdf_bytes(report)
    if fmt == "csv":
        return csv_zip_bytes(report)
    raise ValueError(f"unknown report format {fmt!r}")
