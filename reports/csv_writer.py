"""A donor report as CSV: one file per table, a manifest with the SHA-256 of every file, and a README.

Files are UTF-8 with a byte-order mark (so that spreadsheet programs read Turkish letters right), comma
separated, CRLF line ends, the machine column names in the header. Numbers are written plainly (counts
whole, shares to one decimal, rates to two), suppressed cells as the marker.

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage
return before one) as a formula: every text cell starting with one of those is neutralized with a
leading apostrophe (``neutralize``), as OWASP recommends for CSV injection. Numbers are never
neutralized (the report's numbers are never negative).

``manifest.json`` lists each file with its table, title, rows and SHA-256, plus the threshold and the
legend; ``SHA256SUMS`` has the same hashes in the format ``sha256sum -c`` checks.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

from reports.document import Cell, Kind, Report, ReportTable

DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")
ENCODING = "utf-8-sig"


def neutralize(text: str) -> str:
    """``text`` made inert for spreadsheet programs: a leading apostrophe if it could start a formula."""
    return "'" + text if text.startswith(DANGEROUS_START) else text


def format_cell(value: Cell, kind: Kind) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) and kind is not Kind.TEXT:
        return str(value)
    if isinstance(value, float) and kind is not Kind.TEXT:
        decimals = {Kind.COUNT: 0, Kind.INTEGER: 0, Kind.PERCENT: 1, Kind.RATE: 2}.get(kind, 2)
        return f"{value:.{decimals}f}"
    return neutralize(str(value))


def table_csv(table: ReportTable) -> bytes:
    """One table as CSV bytes."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralize(column.key) for column in table.columns])
    for r, row in enumerate(table.rows):
        writer.writerow([format_cell(value, table.kind(r, c)) for c, value in enumerate(row)])
    return buffer.getvalue().encode(ENCODING)


def file_names(report: Report) -> dict[str, str]:
    """``01_logframe.csv``, ``02_trend_yearly.csv``, ...: the report's order in the names."""
    width = max(2, len(str(len(report.tables))))
    return {table.name: f"{i:0{width}d}_{table.name}.csv" for i, table in enumerate(report.tables, start=1)}


def csv_files(report: Report) -> dict[str, bytes]:
    """Every file of the CSV release by name: tables, ``manifest.json``, ``SHA256SUMS``, ``README.txt``."""
    names = file_names(report)
    files = {names[table.name]: table_csv(table) for table in report.tables}
    readme = _readme(report, names).encode("utf-8")
    files["README.txt"] = readme
    entries = [
        {
            "file": names[table.name],
            "table": table.name,
            "title": table.title,
            "rows": len(table.rows),
            "columns": [column.key for column in table.columns],
            "sha256": hashlib.sha256(files[names[table.name]]).hexdigest(),
        }
        for table in report.tables
    ]
    entries.append({"file": "README.txt", "sha256": hashlib.sha256(readme).hexdigest()})
    manifest = {
        "title": report.title,
        "period": report.period,
        "threshold": report.threshold,
        "suppression_marker": "c",
        "legend_en": report.legend_en,
        "legend_tr": report.legend_tr,
        "encoding": "UTF-8 with byte-order mark; CRLF line ends",
        "files": entries,
    }
    files["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    sums = "".join(f"{hashlib.sha256(files[name]).hexdigest()}  {name}\n" for name in sorted(files))
    files["SHA256SUMS"] = sums.encode("utf-8")
    return files


def write_csv(report: Report, directory: Path) -> Path:
    """Write the CSV release into ``directory`` (created; must not hold other files of the same names)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, data in csv_files(report).items():
        (directory / name).write_bytes(data)
    return directory


def csv_zip_bytes(report: Report) -> bytes:
    """The CSV release as one ZIP archive (for a download), with fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in csv_files(report).items():
            info = zipfile.ZipInfo(f"{report.file_stem}-csv/{name}", date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def _readme(report: Report, names: dict[str, str]) -> str:
    lines = [report.title, report.subtitle, "", "Files:"]
    lines += [f"  {names[table.name]}: {table.title}" for table in report.tables]
    lines += ["", f"Legend: {report.legend_en}", f"Açıklama: {report.legend_tr}", ""]
    for table in report.tables:
        if table.notes:
            lines.append(f"{names[table.name]}:")
            lines += [f"  {note}" for note in table.notes if not note.startswith(("Legend:", "Açıklama:"))]
    lines.append("")
    lines.append("Text cells that began with = + - @, a tab or a carriage return start with an apostrophe.")
    return "\r\n".join(lines) + "\r\n"
