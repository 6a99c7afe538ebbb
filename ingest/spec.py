"""Render the agencies' extract specification (docs/extract-spec.md) from the source contracts, so the
document can never disagree with what ingestion enforces. ``taskforce spec`` writes it; a test checks
the committed file is current."""

from __future__ import annotations

from ingest.contract import AGENCY_FROM_FILE_NAME, Column, Contract, code_list

PERIOD_GROUP = r"(?P<period>\d{4}(-\d{2})?)"
AGENCY_GROUP = r"(?P<agency>[a-z0-9]+)"

INTRO = """# Extract specification for agencies

This document is generated from the source contracts in `ingest/sources/` by `taskforce spec`; do not
edit it by hand. It tells an agency focal point what a file must look like to be accepted.

## Rules for every file

- **One file per source and reporting period.** The file name says which: see each source below.
  A second file for the same source and period replaces the first one (a correction). Sending the very
  same file twice changes nothing.
- **No names, ID numbers, phone numbers, addresses or exact birth dates.** People are identified only by
  the pseudonymous person key made on your own computer with `taskforce pseudonymize` and the Task
  Force's key. The same person gets the same key at every agency.
- **A header row** with the column names below, in any order. English names or the Turkish names given
  in brackets are both accepted; upper or lower case and Turkish letters do not matter.
- **Plain CSV**, delimited as stated for the source, in one of the encodings listed for it. Excel's
  "CSV UTF-8" is always safe where UTF-8 is listed. Sources marked **Excel workbook** are sent as
  `.xlsx` instead: title rows above the header and a total row at the foot are allowed and skipped.
- **Dates** exactly in the format stated for each column (DD.MM.YYYY means day first: 03.04.2008 is
  3 April 2008).
- **Codes** exactly as listed. Several codes in one cell are separated as stated for that column.

## Before you send: pseudonymize and check, on your own computer

1. Replace the identifier column(s) with person keys. The Task Force gives you its key file (keep it
   secret, never e-mail it with the extract):

   ```sh
   taskforce pseudonymize export.csv tnp_identifications_2008.csv --columns "TC Kimlik No" \
       --output-column "Kişi Anahtarı" --key-file taskforce.key
   ```

   Several columns can be combined (`--columns "Adı,Soyadı,Doğum Tarihi"`); the identifiers are
   normalised first (spaces, dots, dashes, upper/lower case, Turkish letters), so the same person gets
   the same key at every agency. The identifier columns are removed from the output.
2. Check the file: `taskforce check tnp_identifications_2008.csv`. It reads the file exactly as the
   warehouse will, touches no database, and lists what would be loaded, quarantined or rejected, and why.
   It ends with a non-zero exit code when the file would be rejected.

## What happens to your file

- If the file cannot be read as a whole (empty, wrong delimiter, unknown or missing columns, wrong
  encoding), it is **rejected** and nothing from it is loaded. The message says what to fix.
- If the file holds **personal data** anywhere (a Turkish ID number, a foreigner's ID number, a phone
  number, an e-mail address, an IBAN, an exact date outside the date columns, or a column headed like
  names or ID numbers), it is **rejected whole**. The report names the column and the rule and counts
  the cells; it never repeats a value.
- Otherwise every row is checked. Rows that pass are loaded. Rows that break a rule are **quarantined**:
  kept aside with their line number, column and rule, for you to correct and send again. The report
  never repeats the values of a row.
- Rows read = rows loaded + rows quarantined + title and total rows skipped, always: nothing is
  dropped silently.
- A period whose data the warehouse has destroyed under the Task Force's retention policy, or that ended
  longer ago than that policy's period, is **rejected**: send only periods the policy still keeps.

"""


def _readable(fmt: str) -> str:
    for code, label in (("%d", "DD"), ("%m", "MM"), ("%Y", "YYYY"), ("%H", "hh"), ("%M", "mm"), ("%S", "ss")):
        fmt = fmt.replace(code, label)
    return fmt


def _codes(col: Column) -> str:
    if col.codes is None:
        return ""
    if col.codes == code_list("countries.iso3"):  # compared by content: a long own list is still listed
        return "ISO 3166-1 alpha-3 country code (e.g. MDA, UKR, RUS)"
    return ", ".join(f"`{c}`" for c in sorted(col.codes))


def _rule(col: Column, separator: str = ".") -> str:
    parts: list[str] = []
    if col.type == "date":
        parts.append(f"date as {_readable(col.format or '')}")
    elif col.type == "datetime":
        parts.append(f"date and time as {_readable(col.format or '')}")
    elif col.type in ("integer", "decimal"):
        bounds = []
        if col.minimum is not None:
            bounds.append(f"from {col.minimum}")
        if col.maximum is not None:
            bounds.append(f"to {col.maximum}")
        kind = "whole number" if col.type == "integer" else f"number (decimal mark `{separator}`)"
        parts.append(" ".join([kind, *bounds]))
    elif col.type == "code":
        parts.append("one of: " + _codes(col))
    elif col.type == "code_set":
        parts.append(f"one or more, separated by `{col.separator}`, of: " + _codes(col))
    else:
        parts.append("text")
    if col.pattern:
        parts.append(f"matching `{col.pattern}`")
    if col.unique:
        parts.append("unique in the file")
    return "; ".join(parts)


def _cell(text: str) -> str:
    """Table cell text: a bare ``|`` (as in a list of keys or a pattern) would split the Markdown row."""
    return text.replace("|", "\\|")


def _sender(contract: Contract) -> str:
    if contract.agency == AGENCY_FROM_FILE_NAME:
        return (
            f"- Sent by: {contract.agency_name}; the file name starts with the sending agency's code "
            "from the agency registry (`AGENCY` below)"
        )
    return f"- Sent by: {contract.agency_name} (agency code `{contract.agency}`)"


def _layout(contract: Contract) -> list[str]:
    """How the file is laid out: CSV delimiter and encodings, or the workbook's sheet and total rows."""
    lines = []
    if contract.file_format == "xlsx":
        sheet = f"the sheet named `{contract.sheet}`" if contract.sheet else "the first sheet"
        totals = ", ".join(f"`{m}`" for m in contract.footer_markers)
        lines.append(
            f"- **Excel workbook** (.xlsx), data on {sheet}. Title rows above the header are allowed; a "
            f"total row whose first cell is one of {totals} (any case) is skipped. Dates may be date cells."
        )
    else:
        lines.append(
            f"- Delimiter: `{contract.delimiter}`; encodings accepted: {', '.join(contract.encodings)}"
        )
    if contract.decimal_separator != ".":
        lines.append(
            f"- Decimal numbers are written with `{contract.decimal_separator}` as the decimal mark."
        )
    return lines


def _source_section(contract: Contract) -> str:
    example = contract.name_pattern.pattern.strip("^$").replace(PERIOD_GROUP, "YYYY")
    example = example.replace(AGENCY_GROUP, "AGENCY").replace("\\.", ".")
    extension = example.rsplit(".", 1)[-1]
    lines = [
        f"## {contract.source}: {contract.description}",
        "",
        _sender(contract),
        f"- File name: `{example}` for a year, or with `-MM` after the year for a month "
        f"(e.g. `...2008.{extension}`, `...2008-03.{extension}`)",
        *_layout(contract),
        f"- Optionally, the date you made the extract before the extension: `..._20090115.{extension}`. "
        "A file made earlier than the one already loaded for the same period is then refused.",
        f"- Every row's `{contract.period_column}` must fall in the period named in the file name.",
        f"- Contract version {contract.version}",
        "",
        "| column | required | what to write | meaning |",
        "|---|---|---|---|",
    ]
    for col in contract.columns:
        name = f"`{col.name}`" + (f" ({', '.join(col.aliases)})" if col.aliases else "")
        rule = _rule(col, contract.decimal_separator)
        required = "yes" if col.required else "no"
        lines.append(f"| {name} | {required} | {_cell(rule)} | {_cell(col.description)} |")
    return "\n".join(lines) + "\n"


def render_spec(registry: dict[str, Contract]) -> str:
    sections = [_source_section(registry[name]) for name in sorted(registry)]
    return INTRO + "\n".join(sections)
