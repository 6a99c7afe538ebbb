"""Indicator reports: the donor report's released tables, exactly as ``taskforce report`` releases them.

The only page of donor accounts; coordinators and agency users see it too. It reads the ``reporting``
schema only (``reports/source.py``: on PostgreSQL with the role's own login, which for a donor can read
nothing else) and makes the report with the report command's own functions (``reports.report``), so
every figure shown has been through disclosure control and the attack audit, and the marker and legend
are the report's. The one choice is the report year, among the years the reporting schema publishes:
no province, sex or other filter that could difference out a hidden cell.

Downloads (XLSX, PDF, the CSV release as a ZIP) are offered to the roles allowed to export
(``gate.EXPORT_ROLES``). Each file is made when the button is clicked and handed over only after the
export (file name, report year) is written to the audit log. Showing the page is recorded too, before
any table is shown (a ``page_view`` with the rows shown).

Reports are cached per build, login and report year: a new build is read at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboards import audit, data, filters, gate, i18n
from reports.content import parse_request
from reports.disclosure import DisclosureError, legend
from reports.document import Kind, Report, ReportTable
from reports.report import FORMATS, MIME_TYPES, download_name, make_report, render
from reports.source import ReportDataError, Source, published_years, read_source
from taskforce.settings import Settings

PAGE = "reports"
YEAR_KEY = "report_year"

identity = gate.enter(PAGE)  # signed in, allowed on this page (dashboards/gate.py)
lang = filters.language()
tr = i18n.Translator(lang)
session = data.current_session()
assert session is not None  # gate.enter set it
settings = session.settings


# --- the report, cached per build and login -------------------------------------------------------------


@st.cache_data(ttl=data.CACHE_TTL_SECONDS, max_entries=16, show_spinner=False)
def _source(reader: str, build: str, _settings: Settings) -> Source:
    """What the report is made from (``reader`` and ``build`` key the cache; ``_settings`` reads)."""
    return read_source(_settings)


@st.cache_data(ttl=data.CACHE_TTL_SECONDS, max_entries=64, show_spinner=False)
def _report(reader: str, build: str, year: int, _settings: Settings) -> Report:
    return make_report(_source(reader, build, _settings), parse_request(year))


@st.cache_data(ttl=data.CACHE_TTL_SECONDS, max_entries=64, show_spinner=False)
def _file(reader: str, build: str, year: int, fmt: str, _settings: Settings) -> bytes:
    return render(_report(reader, build, year, _settings), fmt)


def _stop_with(show: Callable[[str], object], message: str) -> None:
    """The page's title and one message (``st.info`` or ``st.error``), then nothing more."""
    st.title(tr("title_reports"))
    show(message)
    st.stop()


# whose rights the report is read with (never shared between logins; no password in a cache key)
reader = hashlib.sha256(settings.warehouse_url.encode()).hexdigest()[:20]
try:
    build = data.build_key(settings)
    source = _source(reader, build, settings)
except data.WarehouseNotReady:
    _stop_with(st.info, tr("no_build"))
except ReportDataError as exc:
    _stop_with(st.info, tr("reports_unavailable", problem=exc))

years = published_years(source)
if not years:
    _stop_with(st.info, tr("no_data_yet"))
stored = st.session_state.get(YEAR_KEY)
year = st.sidebar.selectbox(
    tr("reports_year"),
    options=years,
    index=years.index(stored) if stored in years else len(years) - 1,
    help=tr("reports_year_help"),
    key=YEAR_KEY,
)
audit.note_filters(report_year=int(year))

try:
    report = _report(reader, build, int(year), settings)
except ReportDataError as exc:
    _stop_with(st.info, tr("reports_unavailable", problem=exc))
except DisclosureError:
    _stop_with(st.error, tr("reports_refused"))


# --- the tables, as released -------------------------------------------------------------------------------


def _cell(value: object, kind: Kind) -> str:
    """A released cell as text in the page's language: the marker as is, numbers as the report's formats
    (counts whole with thousands separators, shares one decimal, rates two)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if kind is Kind.COUNT:
        return tr.integer(value)
    if kind is Kind.INTEGER:
        return str(int(value))
    if kind is Kind.PERCENT:
        return tr.number(value, 1)
    if kind is Kind.RATE:
        return tr.number(value, 2)
    if kind is Kind.DECIMAL:
        return tr.number(value, 1 if round(float(value), 1) == round(float(value), 2) else 2)
    return str(value)


def shown(table: ReportTable) -> pd.DataFrame:
    """The table as the page shows it: the report's headings, every cell as text."""
    headers = [column.header for column in table.columns]
    if len(set(headers)) != len(headers):
        headers = [column.key for column in table.columns]
    rows = [
        [_cell(value, table.kind(r, c)) for c, value in enumerate(row)] for r, row in enumerate(table.rows)
    ]
    return pd.DataFrame(rows, columns=headers, dtype="string")


statistical = [table for table in report.tables if table.statistical]
documentation = [table for table in report.tables if not table.statistical]
try:  # recorded before anything of the report is shown, or nothing is shown
    audit.record_page_view(PAGE, rows=sum(len(table.rows) for table in report.tables))
except Exception as exc:
    audit.log.error("report page view by %s not recorded (%s)", identity.user.name, type(exc).__name__)
    _stop_with(st.error, audit.NOT_RECORDED)

st.title(tr("title_reports"))
if identity.user.role == "donor":
    st.info(tr("reports_donor_intro"))
st.subheader(report.title)
st.caption(
    tr(
        "reports_subtitle",
        year=report.period,
        build=report.summary.get("Build", "–"),
        threshold=report.threshold,
    )
)
st.markdown(tr("reports_legend", legend=legend(report.threshold, lang)))
if lang != "en":
    st.caption(tr("reports_language_note"))

st.subheader(tr("reports_downloads"))
if gate.may_export(identity.user.role):
    buttons = st.columns(len(FORMATS))
    for column, fmt in zip(buttons, FORMATS, strict=True):
        name = download_name(report.period, fmt)
        column.download_button(
            tr(f"reports_download_{fmt}"),
            data=audit.recorded_download(
                identity,
                settings,
                PAGE,
                name,
                {"report_year": report.period, "format": fmt},
                lambda fmt=fmt: _file(reader, build, report.period, fmt, settings),
            ),
            file_name=name,
            mime=MIME_TYPES[fmt],
            on_click="ignore",
            key=f"report_download_{fmt}",
        )
    st.caption(tr("reports_download_note"))
else:
    st.caption(tr("reports_no_export"))

for table in statistical:
    st.subheader(table.title)
    st.table(shown(table), hide_index=True)
    for note in table.notes:
        st.caption(note)

st.subheader(tr("reports_documentation"))
for table in documentation:
    with st.expander(table.title):
        st.table(shown(table), hide_index=True)
        for note in table.notes:
            st.caption(note)
