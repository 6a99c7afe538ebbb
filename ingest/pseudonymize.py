"""Pseudonymization an agency runs on its own machine before sending an extract.

The raw identifier (T.C. Kimlik No, passport number, or name + birth date) never leaves the agency: it
is replaced by ``k<n>:<HMAC-SHA-256(key, normalized identifier)>``. The same person gets the same key in
every agency's file as long as all agencies use the same secret key, so the warehouse can link
identifications and returns without ever holding an ID. A keyed MAC, not a plain or salted hash: the
9×10⁸ valid TCKNs can be hashed in well under an hour, so an unkeyed hash is reversible (reliability.md
3.3).

The key is a pseudonymization secret: it is read from a file or an environment variable, kept out of
the repository and the warehouse, and never printed, logged or put into an error message (KVKK Board
decision 2018/10, 3(b): "Kriptografik anahtarların güvenli ve farklı ortamlarda tutulması").

CSV files are read and written with the ``csv`` module, never pandas, so no cell changes type: leading
zeros, "03.04.2008" and "1.234,56" come out exactly as they went in.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import hmac
import io
import os
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

KEY_ENV_VAR = "TASKFORCE_PSEUDONYMIZATION_KEY"
MIN_KEY_BYTES = 32  # 256 bits
PERSON_KEY_PATTERN = r"k[0-9]+:[0-9a-f]{64}"

_KEY_ID_RE = re.compile(r"k[0-9]+")
_HEX_RE = re.compile(r"[0-9a-fA-F]+")
_PRINTABLE_RE = re.compile(rb"[\x20-\x7e\t\r\n]+")
# Separators people type inside identifiers: any whitespace (also no-break space and tabs), dots and
# dashes of every kind (hyphen-minus, hyphen, non-breaking hyphen, figure dash, en and em dash, minus).
_SEPARATORS_RE = re.compile(r"[\s.\-\u2010\u2011\u2012\u2013\u2014\u2212]+")
# Parts of a combined identifier are joined with the ASCII unit separator. It is whitespace to Python,
# so normalize_identifier removes it from every part, and ("AB", "C") and ("A", "BC") never collide.
_PART_SEPARATOR = "\x1f"

# Turkish upper-casing first (i → İ, ı → I: str.upper() would turn i into I), then every Turkish
# letter and the circumflexed vowels to ASCII, so spellings typed on a non-Turkish keyboard match.
_TURKISH_UPPER = str.maketrans({"i": "İ", "ı": "I"})
_FOLD_TO_ASCII = str.maketrans(
    {"İ": "I", "Ş": "S", "Ğ": "G", "Ü": "U", "Ö": "O", "Ç": "C", "Â": "A", "Î": "I", "Û": "U"}
)


class PseudonymizeError(Exception):
    """Pseudonymization cannot go on. The message names the file, column or variable and what to do; it
    never contains a cell value or the key."""


@dataclass(frozen=True)
class PseudonymizeSummary:
    """What ``pseudonymize_csv`` did; safe to print (counts and names only)."""

    rows: int
    rows_without_identifier: int
    key_id: str
    encoding: str
    delimiter: str


# ---------------------------------------------------------------------------------------------------
# Identifiers and keys


def normalize_identifier(text: str) -> str:
    """Bring one identifier to a canonical form, so the same person gets the same key everywhere.

    The rule, in order:

    1. Unicode NFC (an "İ" typed as I + combining dot becomes one letter), and any combining dot above
       that is left dropped (Python's "İ".lower() gives "i" + combining dot);
    2. remove all whitespace, dots and dashes, also inside ("1729 171 6060", "AB-123.456");
    3. Turkish upper case: i → İ and ı → I, everything else with ``str.upper()``;
    4. fold to ASCII: İ → I, Ş → S, Ğ → G, Ü → U, Ö → O, Ç → C, Â → A, Î → I, Û → U.

    So " Çağlar ", "çağlar", "ÇAĞLAR" and "CAGLAR" are all "CAGLAR", and "Işık", "ışık" and "ISIK" are
    all "ISIK". Step 4 deliberately merges i/ı and the other Turkish letters with their ASCII look-alikes:
    registries, consulates and NGOs often type Turkish names on keyboards without them, and a missed link
    costs more here than two people whose names differ only in those letters (for names, combine with the
    birth date). Other scripts (Cyrillic, Georgian) are only upper-cased, never transliterated.
    """
    text = unicodedata.normalize("NFC", text).replace("\u0307", "")
    text = _SEPARATORS_RE.sub("", text)
    text = text.translate(_TURKISH_UPPER).upper()
    return unicodedata.normalize("NFC", text.translate(_FOLD_TO_ASCII))


def _combined(identifier: str | Sequence[str]) -> str:
    parts = [identifier] if isinstance(identifier, str) else list(identifier)
    return _PART_SEPARATOR.join(normalize_identifier(part) for part in parts)


def _check_key_id(key_id: str) -> None:
    if not _KEY_ID_RE.fullmatch(key_id):
        raise PseudonymizeError(
            "the key id must be 'k' followed by digits, such as k1 (it is written in front of every key)."
        )


def _check_key_length(key: bytes, where: str) -> None:
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymizeError(
            f"{where}: the key has {len(key) * 8} bits; at least {MIN_KEY_BYTES * 8} are needed. "
            "Make a new one with generate_key() (64 hexadecimal characters) and give the same key to every "
            "agency."
        )


def person_key(identifier: str | Sequence[str], key: bytes, key_id: str) -> str:
    """``<key_id>:<hex HMAC-SHA-256(key, normalized identifier)>``, matching ``^k[0-9]+:[0-9a-f]{64}$``.

    ``identifier`` is one value (a national ID) or several values combined in order (name, birth date);
    each part is normalized with ``normalize_identifier``. The key id says which secret made the key, so
    keys made after a rotation are never mistaken for keys of the same people made before it.
    """
    _check_key_id(key_id)
    _check_key_length(key, "person_key")
    text = _combined(identifier)
    if not text.replace(_PART_SEPARATOR, ""):
        raise ValueError("the identifier is empty after normalization")
    digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"{key_id}:{digest}"


def generate_key() -> str:
    """A new random 256-bit key as 64 hexadecimal characters, for a key file or the environment."""
    return secrets.token_hex(MIN_KEY_BYTES)


def _decode_key_text(data: bytes, where: str) -> bytes:
    """Hex text (as written by generate_key; surrounding whitespace ignored) or else raw random bytes.

    A file of printable text that is not valid hex is an error rather than a raw key: a typo in a copied
    hex key would otherwise give a different key that silently stops linking with other agencies.
    """
    stripped = data.strip()
    if _PRINTABLE_RE.fullmatch(stripped):
        text = stripped.decode("ascii")
        if len(text) % 2 or not _HEX_RE.fullmatch(text):
            raise PseudonymizeError(
                f"{where}: the file holds text that is not a hexadecimal key (an even number of 0-9, a-f)."
            )
        return bytes.fromhex(text)
    return data


def load_key(key_file: Path | None, env_var: str = KEY_ENV_VAR) -> bytes:
    """Read the secret key from ``key_file`` (raw bytes or hex text) or else from ``env_var`` (hex).

    Rejects keys shorter than 256 bits: a short or guessable key makes the person keys reversible.
    """
    if key_file is not None:
        where = f"key file {key_file}"
        try:
            data = Path(key_file).read_bytes()
        except OSError as exc:
            raise PseudonymizeError(f"{where}: cannot be read ({_reason(exc)}).") from None
        key = _decode_key_text(data, where)
    else:
        where = f"environment variable {env_var}"
        text = os.environ.get(env_var, "").strip()
        if not text:
            raise PseudonymizeError(
                f"no pseudonymization key: give a key file or set the environment variable {env_var} "
                "(64 hexadecimal characters, made once with generate_key() and shared by all agencies)."
            )
        if len(text) % 2 or not _HEX_RE.fullmatch(text):
            raise PseudonymizeError(f"{where}: the key must be written in hexadecimal characters (0-9, a-f).")
        key = bytes.fromhex(text)
    _check_key_length(key, where)
    return key


# ---------------------------------------------------------------------------------------------------
# CSV files


def _reason(exc: OSError) -> str:
    """The operating system's reason without the path or data it may quote."""
    return exc.strerror or exc.__class__.__name__


def _decode(data: bytes, path: Path, encoding: str | None) -> tuple[str, str]:
    """Decode strictly. Returns (text, Python codec for writing back the same way)."""
    bom = data.startswith(b"\xef\xbb\xbf")
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise PseudonymizeError(f"{path}: unknown encoding {encoding!r}.") from None
        candidates = ["utf-8-sig" if codec == "utf-8" and bom else codec]
    elif bom:
        candidates = ["utf-8-sig"]
    else:
        candidates = ["utf-8", "cp1254"]
    for codec in candidates:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    tried = " or ".join(candidates)
    raise PseudonymizeError(
        f"{path}: the file is not readable as {tried}. Save it as CSV UTF-8 and try again."
    )


def _detect_delimiter(text: str) -> str:
    """The delimiter that splits the header line into the most fields (';' wins ties: Turkish Excel)."""
    first_line = text.splitlines()[0] if text else ""
    best, best_fields = ";", 0
    for candidate in (";", ",", "\t"):
        fields = len(next(csv.reader([first_line], delimiter=candidate), []))
        if fields > best_fields:
            best, best_fields = candidate, fields
    return best


def _line_ending(text: str) -> str:
    newline = text.find("\n")
    return "\r\n" if newline > 0 and text[newline - 1] == "\r" else "\n"


def _find_columns(header: list[str], columns: Sequence[str], path: Path) -> list[int]:
    """Positions of the identifier columns, by exact label or else by Turkish-folded label."""
    if not columns:
        raise PseudonymizeError(f"{path}: name at least one identifier column.")
    if len({c.strip() for c in columns}) != len(columns):
        raise PseudonymizeError(f"{path}: an identifier column is named twice.")
    folded = [_fold_label(label) for label in header]
    positions: list[int] = []
    for column in columns:
        exact = [i for i, label in enumerate(header) if label.strip() == column.strip()]
        matches = exact or [i for i, label in enumerate(folded) if label == _fold_label(column)]
        if not matches:
            listed = ", ".join(f"'{label.strip()}'" for label in header)
            raise PseudonymizeError(
                f"{path}: there is no column '{column}' in the header (columns: {listed})."
            )
        if len(matches) > 1:
            raise PseudonymizeError(f"{path}: the header has more than one column named '{column}'.")
        positions.append(matches[0])
    return positions


def _fold_label(label: str) -> str:
    """Header labels compare like identifiers, so 'TC Kimlik No' finds 'T.C. KİMLİK NO'."""
    return normalize_identifier(label).replace("_", "")


def _output_row(row: list[str], positions: list[int], key_cell: str) -> list[str]:
    first, dropped = positions[0], set(positions)
    out: list[str] = []
    for index, cell in enumerate(row):
        if index == first:
            out.append(key_cell)
        elif index not in dropped:
            out.append(cell)
    return out


def pseudonymize_csv(
    in_path: Path,
    out_path: Path,
    columns: list[str],
    key: bytes,
    key_id: str,
    delimiter: str | None = None,
    encoding: str | None = None,
    output_column: str = "person_key",
) -> PseudonymizeSummary:
    """Replace the identifier column(s) of an agency CSV with one person-key column.

    The key column takes the place of the first identifier column; the other identifier columns are
    dropped; every other cell is copied as text. The output keeps the input's delimiter, encoding (BOM
    included) and line endings. A row whose identifier (or any part of a combined one) is empty gets an
    empty key: a key made from part of a name + birth date would link different people. A row with a
    different number of fields than the header stops the run, because its identifier may have moved
    into another column and would be sent unpseudonymized.

    The output is written next to ``out_path`` and renamed over it at the end, so a failed run never
    leaves a half-written file.
    """
    in_path, out_path = Path(in_path), Path(out_path)
    _check_key_id(key_id)
    _check_key_length(key, "pseudonymize_csv")
    if in_path.resolve() == out_path.resolve():
        raise PseudonymizeError(
            f"{in_path}: write the pseudonymized file to a new path, not over the original."
        )
    try:
        data = in_path.read_bytes()
    except OSError as exc:
        raise PseudonymizeError(f"{in_path}: cannot be read ({_reason(exc)}).") from None
    text, codec = _decode(data, in_path, encoding)
    delimiter = delimiter or _detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise PseudonymizeError(f"{in_path}: the file is empty.") from None
    except csv.Error as exc:
        raise PseudonymizeError(f"{in_path}: the header line cannot be read as CSV ({exc}).") from None
    positions = _find_columns(header, columns, in_path)
    if any(label.strip() == output_column for i, label in enumerate(header) if i not in positions):
        raise PseudonymizeError(f"{in_path}: the file already has a column '{output_column}'.")

    temporary = out_path.with_name(f".{out_path.name}.partial")
    rows = empty = 0
    try:
        with temporary.open("w", encoding=codec, newline="") as handle:
            writer = csv.writer(handle, delimiter=delimiter, lineterminator=_line_ending(text))
            writer.writerow(_output_row(header, positions, output_column))
            for row in reader:
                if not row:
                    writer.writerow(row)  # a blank line stays a blank line
                    continue
                if len(row) != len(header):
                    raise PseudonymizeError(
                        f"{in_path}: line {reader.line_num} has {len(row)} fields but the header has "
                        f"{len(header)}. Check that line for an unquoted '{delimiter}' and try again."
                    )
                rows += 1
                parts = [row[i] for i in positions]
                if any(not normalize_identifier(part) for part in parts):
                    empty += 1
                    key_cell = ""
                else:
                    key_cell = person_key(parts, key, key_id)
                writer.writerow(_output_row(row, positions, key_cell))
    except csv.Error as exc:
        temporary.unlink(missing_ok=True)
        raise PseudonymizeError(
            f"{in_path}: the CSV structure breaks near line {reader.line_num} ({exc})."
        ) from None
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise PseudonymizeError(f"{out_path}: cannot be written ({_reason(exc)}).") from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    os.replace(temporary, out_path)
    summary_encoding = {"utf-8-sig": "utf-8 with BOM", "cp1254": "windows-1254"}.get(codec, codec)
    return PseudonymizeSummary(rows, empty, key_id, summary_encoding, delimiter)
