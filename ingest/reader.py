"""Agency file to chunks of text rows: decode strictly, find the header, stream the rows, count every
physical line.

Everything stays text here; types are parsed in ``validate`` with the contract's declared formats
(pandas type inference silently turns 03.04.1999 into 4 March and drops leading zeros). Title rows
above the header and total rows at the foot ("Toplam") are skipped and counted, and the physical lines
of the file are counted without the CSV parser, so a batch can prove read = loaded + quarantined +
skipped. Large CSV files stream through pyarrow in chunks (memory stays bounded); files with quoted
cells, where a cell may span lines, go through Python's csv module so every row keeps its line number.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ingest.contract import Contract
from ingest.errors import ExtractRejected
from ingest.pii import FIX_TEXT, is_identifying_label
from ingest.xlsx import cell_text, read_xlsx_cells

HEADER_SEARCH_ROWS = 20
# Rows per chunk: 100,000 rows of 11 columns are about 15 MB of text; 250,000 raised peak memory by
# 230 MB (both processes hold a chunk or two) and saved little time.
CHUNK_ROWS = 100_000
# pyarrow parses a CSV block by block and its buffers grow with the block (16 MB blocks held about
# 150 MB more than 4 MB blocks), so several small blocks make one chunk.
ARROW_BLOCK_BYTES = 4 << 20
SCAN_BLOCK = 16 << 20
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls

# Turkish letters folded explicitly: str.lower() maps İ to "i̇" and I to "i".
_TURKISH_FOLD = str.maketrans(
    {"İ": "i", "I": "i", "ı": "i", "Ş": "s", "ş": "s", "Ğ": "g", "ğ": "g",
     "Ü": "u", "ü": "u", "Ö": "o", "ö": "o", "Ç": "c", "ç": "c"}
)  # fmt: skip

Source = bytes | Path


@dataclass(frozen=True)
class Record:
    """A row that does not fit the header (too many or too few fields), kept whole for quarantine."""

    line: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Chunk:
    frame: pd.DataFrame  # text cells, contract column names in file order
    lines: np.ndarray  # physical line of each row of frame
    ragged: tuple[Record, ...] = ()
    formula_lines: frozenset[int] = frozenset()


@dataclass
class Extract:
    """An extract whose header was found and mapped; ``chunks()`` streams its rows once."""

    file_name: str
    contract: Contract
    encoding: str  # detected text encoding, or "xlsx"
    columns: tuple[str, ...]  # contract column names, in file order
    header_line: int
    title_rows: int
    _rows: Callable[[], Iterator[Chunk]]
    _physical_lines: int | None  # counted without the parser; None for xlsx
    footer_rows: int = 0
    blank_rows: int = 0
    data_rows: int = 0  # rows handed out, ragged ones included
    embedded_newlines: int = 0
    _done: bool = field(default=False, repr=False)

    @property
    def rows_skipped(self) -> int:
        return self.title_rows + self.footer_rows

    @property
    def rows_read(self) -> int:
        """Every non-blank row except the header: data rows plus skipped title and total rows."""
        return self.data_rows + self.rows_skipped

    def chunks(self) -> Iterator[Chunk]:
        if self._done:
            raise RuntimeError("an extract can be read once")
        markers = set(self.contract.footer_markers)
        for chunk in self._rows():
            chunk = self._drop_blank_and_footer(chunk, markers)
            self.data_rows += len(chunk.frame) + len(chunk.ragged)
            if len(chunk.frame) or chunk.ragged:
                yield chunk
        self._done = True
        if self.data_rows == 0:
            raise ExtractRejected(
                self.file_name,
                "the file has a header but no data rows.",
                "Send the extract with its rows, or tell the Task Force there is nothing to report.",
            )
        self._reconcile()

    def _drop_blank_and_footer(self, chunk: Chunk, markers: set[str]) -> Chunk:
        def is_footer(fields: tuple[str, ...]) -> bool:
            first = next((f.strip() for f in fields if f.strip()), "")
            return first.lower() in markers

        ragged = tuple(r for r in chunk.ragged if not is_footer(r.fields))
        self.footer_rows += len(chunk.ragged) - len(ragged)
        if len(ragged) != len(chunk.ragged):
            chunk = Chunk(chunk.frame, chunk.lines, ragged, chunk.formula_lines)
        frame = chunk.frame
        if frame.empty:
            return chunk
        first = _first_cells(frame)
        blank = first.eq("").to_numpy()
        footer = first.str.lower().isin(markers).to_numpy()
        self.blank_rows += int(blank.sum())
        self.footer_rows += int(footer.sum())
        keep = ~(blank | footer)
        if keep.all():
            return chunk
        return Chunk(frame[keep].reset_index(drop=True), chunk.lines[keep], chunk.ragged, chunk.formula_lines)

    def _reconcile(self) -> None:
        """The parser must account for every physical line, counted without it: each is the header, a
        title, data, total or blank row, or a break inside a quoted cell. Otherwise rows were swallowed."""
        if self._physical_lines is None:
            return
        accounted = (
            self.header_line + self.data_rows + self.footer_rows + self.blank_rows + self.embedded_newlines
        )
        if accounted != self._physical_lines:
            raise ExtractRejected(
                self.file_name,
                "its rows could not be counted consistently "
                f"({self._physical_lines} lines, {accounted} read).",
                "Check for an unclosed quote or a stray line break, then export again.",
            )


def _first_cells(frame: pd.DataFrame) -> pd.Series:
    """Each row's first non-empty cell, stripped ("" for a blank row). Later columns are looked at only
    for the rows whose earlier cells are all empty (few: the first column is nearly always filled)."""
    first = frame.iloc[:, 0].str.strip()
    empty = np.flatnonzero(first.eq("").to_numpy())
    if not len(empty) or frame.shape[1] == 1:
        return first
    found = first.iloc[empty]
    for column in frame.columns[1:]:
        found = found.where(found.ne(""), frame[column].iloc[empty].str.strip())
    first = first.copy()
    first.iloc[empty] = found.to_numpy()
    return first


def header_key(label: str) -> str:
    """Normalise a header label so 'Tespit Tarihi', 'TESPİT_TARİHİ' and 'tespit tarihi' match."""
    folded = unicodedata.normalize("NFC", label).strip().translate(_TURKISH_FOLD).lower()
    return "".join(ch for ch in folded if ch.isalnum())


def _blocks(source: Source) -> Iterator[bytes]:
    if isinstance(source, bytes):
        for start in range(0, len(source), SCAN_BLOCK):
            yield source[start : start + SCAN_BLOCK]
        return
    with source.open("rb") as handle:
        while block := handle.read(SCAN_BLOCK):
            yield block


def _open_binary(source: Source) -> io.BufferedIOBase:
    return io.BytesIO(source) if isinstance(source, bytes) else source.open("rb")


def _codec(encoding: str) -> str:
    return "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding


@dataclass(frozen=True)
class _Scan:
    encoding: str
    physical_lines: int
    has_quotes: bool
    head: bytes


def _scan(source: Source, contract: Contract, file_name: str) -> _Scan:
    """One pass per candidate encoding: strict decode, NUL bytes, quotes and physical lines."""
    for encoding in contract.encodings:
        decoder = codecs.getincrementaldecoder(_codec(encoding))("strict")
        newlines = quotes = 0
        pending_cr = False
        content = False
        last = b""
        head = b""
        try:
            for block in _blocks(source):
                if b"\x00" in block:
                    raise ExtractRejected(
                        file_name,
                        "the file contains NUL bytes, so it is not a plain-text CSV export.",
                        "Save it again as CSV from the spreadsheet program.",
                    )
                decoder.decode(block)
                if len(head) < (1 << 20):
                    head += block[: (1 << 20) - len(head)]
                content = content or bool(block.strip())
                crlf = block.count(b"\r\n") + (1 if pending_cr and block.startswith(b"\n") else 0)
                newlines += block.count(b"\n") + block.count(b"\r") - crlf
                pending_cr = block.endswith(b"\r")
                quotes += block.count(b'"')
                last = block[-1:]
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        if not content:
            raise ExtractRejected(file_name, "the file is empty.", "Export the extract again with its rows.")
        lines = newlines + (0 if last in (b"\n", b"\r") else 1)
        return _Scan(encoding, lines, quotes > 0, head)
    raise ExtractRejected(
        file_name,
        f"the file is not in any of the encodings this source may use ({', '.join(contract.encodings)}).",
        "Save it as CSV UTF-8 from the spreadsheet program.",
    )


def _alias_lookup(contract: Contract) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for col in contract.columns:
        for label in (col.name, *col.aliases):
            lookup[header_key(label)] = col.name
    return lookup


def map_header(labels: list[str], contract: Contract, file_name: str) -> tuple[str, ...]:
    """Map the file's header labels to contract column names, or reject with what is wrong."""
    lookup = _alias_lookup(contract)
    while labels and not labels[-1].strip():  # trailing empty header cells (spreadsheet exports)
        labels = labels[:-1]
    mapped: list[str] = []
    unknown: list[str] = []
    identifying: list[str] = []
    for position, label in enumerate(labels, start=1):
        name = lookup.get(header_key(label))
        if name is None:
            unknown.append(f"column {position} ('{label.strip()[:40]}')")
            if is_identifying_label(label):
                identifying.append(f"column {position} ('{label.strip()[:40]}')")
        else:
            mapped.append(name)
    if identifying:
        raise ExtractRejected(
            file_name,
            "the file contains personal data, so it was not loaded: the header says "
            f"{', '.join(identifying)} hold names, ID numbers, contact details or birth dates "
            "(rule identifying_column).",
            FIX_TEXT,
        )
    if unknown:
        raise ExtractRejected(
            file_name,
            f"the header has columns the {contract.source} contract does not know: {', '.join(unknown)}.",
            "Remove them or rename them as in docs/extract-spec.md.",
        )
    duplicated = sorted({n for n in mapped if mapped.count(n) > 1})
    if duplicated:
        raise ExtractRejected(
            file_name, f"these columns appear twice: {', '.join(duplicated)}.", "Keep one of each."
        )
    missing = [c.name for c in contract.columns if c.required and c.name not in mapped]
    if missing:
        raise ExtractRejected(
            file_name,
            f"required columns are missing: {', '.join(missing)}.",
            "Add them as described in docs/extract-spec.md.",
        )
    return tuple(mapped)


def _looks_like_header(fields: tuple[str, ...], lookup: dict[str, str]) -> bool:
    """At least two cells, and most non-empty cells, are known column names or aliases."""
    cells = [header_key(f) for f in fields if f.strip()]
    known = sum(cell in lookup for cell in cells)
    return known >= 2 and known * 2 >= len(cells)


def _reject_wrong_delimiter(
    fields: tuple[str, ...], lookup: dict[str, str], contract: Contract, file_name: str
) -> None:
    """A header that arrives as one cell, and splits into known names on another delimiter."""
    cells = [f for f in fields if f.strip()]
    if len(cells) != 1 or contract.file_format != "csv":
        return
    for other in (",", ";", "\t", "|"):
        if other != contract.delimiter and _looks_like_header(tuple(cells[0].split(other)), lookup):
            shown = "tab" if other == "\t" else f"'{other}'"
            raise ExtractRejected(
                file_name,
                f"the header has a single column: the file is delimited by {shown}, "
                f"but this source is delimited by '{contract.delimiter}'.",
                f"Export the file with '{contract.delimiter}' between columns.",
            )


def _find_header(
    rows: Iterator[tuple[int, tuple[str, ...]]], contract: Contract, file_name: str
) -> tuple[int, tuple[str, ...], int]:
    """(header line, mapped columns, title rows) from the first rows of the file."""
    lookup = _alias_lookup(contract)
    title_rows = 0
    for line, fields in rows:
        if _looks_like_header(fields, lookup):
            return line, map_header(list(fields), contract, file_name), title_rows
        _reject_wrong_delimiter(fields, lookup, contract, file_name)
        if any(f.strip() for f in fields):
            title_rows += 1
        if title_rows > HEADER_SEARCH_ROWS:
            break
    if title_rows == 0:
        raise ExtractRejected(file_name, "the file is empty.", "Export the extract again with its rows.")
    raise ExtractRejected(
        file_name,
        f"no header row with this source's column names in the first {HEADER_SEARCH_ROWS} rows.",
        "Put the column names listed in docs/extract-spec.md in one row above the data.",
    )


def _frame(rows: list[tuple[str, ...]], columns: tuple[str, ...]) -> pd.DataFrame:
    return (
        pd.DataFrame(rows, columns=list(columns), dtype="str")
        if rows
        else pd.DataFrame({c: pd.Series([], dtype="str") for c in columns})
    )


def _split_ragged(
    numbered: list[tuple[int, tuple[str, ...]]], width: int
) -> tuple[list[tuple[str, ...]], list[int], list[Record]]:
    rows, lines, ragged = [], [], []
    for line, fields in numbered:
        if len(fields) > width and not any(f.strip() for f in fields[width:]):
            fields = fields[:width]  # empty trailing cells beyond the header
        if len(fields) == width:
            rows.append(fields)
            lines.append(line)
        elif any(f.strip() for f in fields):
            ragged.append(Record(line, fields))
        else:
            rows.append(("",) * width)  # blank line: counted as blank by the extract
            lines.append(line)
    return rows, lines, ragged


def _python_csv_chunks(extract: Extract, source: Source, chunk_rows: int) -> Iterator[Chunk]:
    """Rows via Python's csv module: slower, but exact line numbers when quoted cells span lines."""
    binary = _open_binary(source)
    text = io.TextIOWrapper(binary, encoding=_codec(extract.encoding), newline="")
    reader = csv.reader(text, delimiter=extract.contract.delimiter)
    width = len(extract.columns)
    start = 1
    pending: list[tuple[int, tuple[str, ...]]] = []
    try:
        for row in reader:
            line, start = start, reader.line_num + 1
            if line <= extract.header_line:
                continue
            extract.embedded_newlines += reader.line_num - line
            pending.append((line, tuple(row)))
            if len(pending) >= chunk_rows:
                rows, lines, ragged = _split_ragged(pending, width)
                yield Chunk(_frame(rows, extract.columns), np.asarray(lines, dtype=np.int64), tuple(ragged))
                pending = []
    except csv.Error as exc:
        raise ExtractRejected(
            extract.file_name,
            f"the CSV structure breaks near line {reader.line_num} ({exc}).",
            "Check for an unclosed quote in that line.",
        ) from exc
    finally:
        text.close()
    rows, lines, ragged = _split_ragged(pending, width)
    yield Chunk(_frame(rows, extract.columns), np.asarray(lines, dtype=np.int64), tuple(ragged))


def _arrow_chunks(extract: Extract, source: Source, chunk_rows: int) -> Iterator[Chunk]:
    """Rows via pyarrow's streaming CSV reader: one line per row (the file has no quotes), so a row's
    line is its position; rows of the wrong width come back through the invalid-row handler."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    width = len(extract.columns)
    names = [f"c{i}" for i in range(width)]
    ragged: dict[int, Record] = {}

    def on_invalid(row: pacsv.InvalidRow) -> str:
        fields = tuple(row.text.split(extract.contract.delimiter))
        ragged[int(row.number)] = Record(int(row.number), fields)
        return "skip"

    reader = pacsv.open_csv(
        _open_binary(source),
        read_options=pacsv.ReadOptions(
            column_names=names,
            skip_rows=extract.header_line,
            use_threads=False,
            encoding=_codec(extract.encoding),
            block_size=ARROW_BLOCK_BYTES,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=extract.contract.delimiter, quote_char=False, ignore_empty_lines=False,
            invalid_row_handler=on_invalid,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False
        ),
    )  # fmt: skip
    next_line = extract.header_line + 1
    handed: set[int] = set()
    batches: list[pa.RecordBatch] = []
    lines: list[np.ndarray] = []
    records: list[Record] = []

    def chunk() -> Chunk:
        frame = pa.Table.from_batches(batches, schema=reader.schema).to_pandas()
        frame.columns = list(extract.columns)
        return Chunk(frame.astype("str"), np.concatenate(lines), tuple(records))

    for batch in reader:
        skipped = np.fromiter((n for n in ragged if n >= next_line), dtype=np.int64)
        candidates = np.arange(next_line, next_line + batch.num_rows + len(skipped), dtype=np.int64)
        batch_lines = candidates[~np.isin(candidates, skipped)][: batch.num_rows]
        next_line = int(batch_lines[-1]) + 1 if len(batch_lines) else next_line
        new = [r for n, r in sorted(ragged.items()) if n < next_line and n not in handed]
        handed.update(r.line for r in new)
        batches.append(batch)
        lines.append(batch_lines)
        records.extend(new)
        if sum(b.num_rows for b in batches) >= chunk_rows:
            yield chunk()
            batches, lines, records = [], [], []
    if batches:
        yield chunk()
    leftover = [r for n, r in sorted(ragged.items()) if n not in handed]
    if leftover:
        yield Chunk(_frame([], extract.columns), np.empty(0, dtype=np.int64), tuple(leftover))


def _open_csv(source: Source, contract: Contract, file_name: str, chunk_rows: int) -> Extract:
    magic = source[:8] if isinstance(source, bytes) else _head_bytes(source)
    if magic.startswith((XLSX_MAGIC, OLE_MAGIC)):
        raise ExtractRejected(
            file_name,
            "this is an Excel workbook, but this source is sent as CSV.",
            "Save it from Excel as 'CSV UTF-8'.",
        )
    scan = _scan(source, contract, file_name)
    head_text = scan.head.decode(_codec(scan.encoding), errors="ignore")
    head_reader = csv.reader(io.StringIO(head_text, newline=""), delimiter=contract.delimiter)

    def head_rows() -> Iterator[tuple[int, tuple[str, ...]]]:
        start = 1
        for row in head_reader:
            yield start, tuple(row)
            start = head_reader.line_num + 1

    header_line, columns, title_rows = _find_header(head_rows(), contract, file_name)
    extract = Extract(
        file_name,
        contract,
        scan.encoding,
        columns,
        header_line,
        title_rows,
        lambda: iter(()),
        scan.physical_lines,
    )
    reader = _python_csv_chunks if scan.has_quotes else _arrow_chunks
    extract._rows = lambda: reader(extract, source, chunk_rows)
    return extract


def _head_bytes(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(8)


def _open_xlsx(source: Source, contract: Contract, file_name: str, chunk_rows: int) -> Extract:
    data = source if isinstance(source, bytes) else source.read_bytes()
    if not data.startswith(XLSX_MAGIC):
        raise ExtractRejected(
            file_name,
            "this source is sent as an Excel .xlsx workbook, but the file is not one.",
            "Save it from Excel as 'Excel Workbook (.xlsx)'.",
        )
    cells, formula_lines, epoch_year = read_xlsx_cells(data, contract, file_name)
    sep = contract.decimal_separator
    as_text = [(line, tuple(cell_text(v, None, epoch_year, sep) for v in values)) for line, values in cells]
    header_line, columns, title_rows = _find_header(iter(as_text), contract, file_name)
    by_name = {c.name: c for c in contract.columns}
    typed_cols = [by_name[c] for c in columns]
    numbered = []
    for line, values in cells[header_line:]:
        rendered = tuple(
            cell_text(v, typed_cols[i] if i < len(typed_cols) else None, epoch_year, sep)
            for i, v in enumerate(values)
        )
        numbered.append((line, rendered))

    def rows() -> Iterator[Chunk]:
        for start in range(0, max(len(numbered), 1), chunk_rows):
            part, lines, ragged = _split_ragged(numbered[start : start + chunk_rows], len(columns))
            yield Chunk(
                _frame(part, columns),
                np.asarray(lines, dtype=np.int64),
                tuple(ragged),
                frozenset(formula_lines),
            )

    return Extract(file_name, contract, "xlsx", columns, header_line, title_rows, rows, None)


def open_extract(source: Source, contract: Contract, file_name: str, chunk_rows: int = CHUNK_ROWS) -> Extract:
    """Check the file as a whole (encoding, header) and prepare its rows for streaming."""
    empty = not source.strip() if isinstance(source, bytes) else source.stat().st_size == 0
    if empty:
        raise ExtractRejected(file_name, "the file is empty.", "Export the extract again with its rows.")
    opener = _open_xlsx if contract.file_format == "xlsx" else _open_csv
    return opener(source, contract, file_name, chunk_rows)


@dataclass(frozen=True)
class ParsedExtract:
    """A small extract read whole (for checks and tests): the chunks and the counts."""

    encoding: str
    columns: tuple[str, ...]
    chunks: tuple[Chunk, ...]
    rows_read: int
    rows_skipped: int


def read_extract(
    data: Source, contract: Contract, file_name: str, chunk_rows: int = CHUNK_ROWS
) -> ParsedExtract:
    extract = open_extract(data, contract, file_name, chunk_rows)
    chunks = tuple(extract.chunks())
    return ParsedExtract(extract.encoding, extract.columns, chunks, extract.rows_read, extract.rows_skipped)
