"""What every page does the same way: the gate, the language and the filters, the title, and each chart as
one block (title, figure, definition, table, CSV download, or a clear empty state).

A page starts with ``page = ui.start("<name>")`` (which passes the gate first: ``dashboards/gate.py``),
reads its data in one ``data.fetch`` batch, and shows each chart with ``page.chart(...)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboards import data, filters, i18n
from dashboards.audit import export_callback
from dashboards.filters import Dims, Filters, Options
from dashboards.gate import enter

OPTIONS_SQL = {
    # the span of years with data: min and max (a scan) rather than the distinct years (a sort or hash of
    # every row, half a second at a million rows on PostgreSQL); the identifications from their cells
    "years": (
        """
        select min(first_year) as first_year, max(last_year) as last_year from (
            select min(identification_year) as first_year, max(identification_year) as last_year
            from marts.fct_identification_cells
            union all select min(return_year), max(return_year) from marts.fct_returns
            union all select min(referral_year), max(referral_year) from marts.fct_referrals
            union all select min(filing_year), max(filing_year) from marts.fct_defendant_cells
            union all select min(call_year), max(call_year) from marts.fct_helpline_call_cells
            union all select min(period_year), max(period_year) from marts.fct_extract_reporting
        ) as spans
        """,
        {},
    ),
    "provinces": (
        "select province_plate_code, province_name, nuts1_code, latitude, longitude "
        "from marts.dim_province order by province_plate_code",
        {},
    ),
    "nationalities": (
        "select distinct nationality_iso3 from marts.fct_identification_cells "
        "where nationality_iso3 is not null order by 1",
        {},
    ),
    "agencies": ("select agency, agency_name_en, agency_name_tr from marts.dim_agency order by agency", {}),
    "catalogue": (
        "select indicator_id, indicator_name_en, indicator_name_tr, definition, unit, factor, "
        "logframe_level, target_direction, baseline_year, baseline_value, target_year, target_value, "
        "indicator_sort_order from reporting.rpt_indicator_catalogue order by indicator_sort_order",
        {},
    ),
}


def load_options() -> tuple[Options, pd.DataFrame]:
    frames = data.fetch(OPTIONS_SQL)
    span = frames["years"].dropna()
    years = (
        list(range(int(span["first_year"].iloc[0]), int(span["last_year"].iloc[0]) + 1)) if len(span) else []
    )
    options = Options(
        years=years,
        provinces=frames["provinces"],
        nationalities=[str(c) for c in frames["nationalities"]["nationality_iso3"]],
        agencies=frames["agencies"],
    )
    return options, frames["catalogue"]


@dataclass
class Page:
    name: str
    filters: Filters
    tr: i18n.Translator
    options: Options
    catalogue: pd.DataFrame
    defined: set[str] = field(default_factory=set)  # indicators whose definition the page has shown

    @property
    def lang(self) -> str:
        return self.filters.lang

    # --- text ---------------------------------------------------------------------------------------

    def definition(self, indicator: str | None, key: str | None = None) -> str:
        """A chart's definition: the indicator catalogue's (in English; in Turkish from
        ``dashboards/i18n.py``) where the chart counts what an indicator counts, the first time the page
        shows it, then only the indicator's name; plus the chart's own note ``key``."""
        note = self.tr(key) if key else ""
        if not indicator:
            return note
        if indicator in self.defined:
            text = self.tr("see_indicator", indicator=indicator, name=self.indicator_name(indicator))
        else:
            self.defined.add(indicator)
            text = f"{indicator}: {self.tr('ind_' + indicator)}"
            if self.lang == "en":
                row = self.catalogue[self.catalogue["indicator_id"] == indicator]
                if len(row) and isinstance(row["definition"].iloc[0], str):
                    text = f"{indicator}: {row['definition'].iloc[0]}"
        return f"{text} {note}".strip()

    def indicator_name(self, indicator: str) -> str:
        row = self.catalogue[self.catalogue["indicator_id"] == indicator]
        if not len(row):
            return indicator
        return str(row[f"indicator_name_{self.lang}"].iloc[0])

    def agency(self, code: Any) -> str:
        return i18n.agency_label(code, self.lang, self.options.agencies)

    def labels(self, frame: pd.DataFrame, column: str, domain: str) -> pd.Series:
        if domain == "agency":
            return frame[column].map(self.agency)
        if domain == "province":
            return frame[column].map(lambda p: self.options.province_name(int(p)) if pd.notna(p) else "–")
        return frame[column].map(lambda code: i18n.label(domain, code, self.lang))

    def scope(self, *dims: Dims) -> None:
        """Say which of the filters that are set this page cannot apply."""
        missing: list[str] = []
        for dim in dims:
            for name in filters.set_but_not_applicable(self.filters, dim):
                if name not in missing:
                    missing.append(name)
        if missing:
            names = ", ".join(self.tr(f"filter_{name}") for name in missing)
            st.caption(self.tr("filters_not_applied", names=names))

    # --- blocks -------------------------------------------------------------------------------------

    def empty(self) -> None:
        st.info(self.tr("empty"))

    def chart(
        self,
        key: str,
        title: str,
        figure: go.Figure | None,
        table: pd.DataFrame | None,
        definition: str,
        columns: Mapping[str, str] | None = None,
        show_table: bool = False,
    ) -> None:
        """One chart: subheader, figure, definition, its data as a table (in an expander unless
        ``show_table``) and as a CSV download recorded in the audit log; or the empty state."""
        st.subheader(title)
        if table is None or table.empty or figure is None:
            self.empty()
            if definition:
                st.caption(definition)
            return
        st.plotly_chart(figure, width="stretch", key=f"chart_{key}", config={"displaylogo": False})
        if definition:
            st.caption(definition)
        shown = table.rename(columns=dict(columns or {}))
        if show_table:
            st.dataframe(shown, hide_index=True, width="stretch")
        else:
            with st.expander(self.tr("show_table")):
                st.dataframe(shown, hide_index=True, width="stretch")
        self.download(key, shown)

    def table(
        self, key: str, title: str, table: pd.DataFrame | None, definition: str, columns: Mapping[str, str]
    ) -> None:
        """A table without a chart, with its CSV download; or the empty state."""
        st.subheader(title)
        if table is None or table.empty:
            self.empty()
            if definition:
                st.caption(definition)
            return
        shown = table.rename(columns=dict(columns))
        st.dataframe(shown, hide_index=True, width="stretch")
        if definition:
            st.caption(definition)
        self.download(key, shown)

    def download(self, key: str, table: pd.DataFrame, file_name: str | None = None) -> None:
        name = file_name or f"{self.name}_{key}_{self.filters.first_year}_{self.filters.last_year}.csv"
        st.download_button(
            self.tr("download_csv"),
            table.to_csv(index=False).encode("utf-8"),
            file_name=name,
            mime="text/csv",
            key=f"download_{key}",
            on_click=export_callback(self.name, name),
        )

    # --- numbers ------------------------------------------------------------------------------------

    def count(self, value: Any) -> str:
        return self.tr.integer(value)

    def share(self, value: float | None) -> str:
        return self.tr.percent(value)


def start(name: str) -> Page:
    """Gate, language, filters and title of a page; stops with a clear message when there is nothing to
    show yet."""
    enter(name)  # signed in, allowed on this page, every query recorded (dashboards/gate.py)
    lang = filters.language()
    tr = i18n.Translator(lang)
    try:
        options, catalogue = load_options()
    except data.WarehouseNotReady:
        st.title(tr(f"title_{name}"))
        st.info(tr("no_build"))
        st.stop()
        raise  # not reached
    if not options.years:
        st.title(tr(f"title_{name}"))
        st.info(tr("no_data_yet"))
        st.stop()
    chosen = filters.render(options, lang)
    st.title(tr(f"title_{name}"))
    return Page(name=name, filters=chosen, tr=tr, options=options, catalogue=catalogue)


def value(frame: pd.DataFrame | None, column: str, row: int = 0) -> Any:
    """One cell of a small result, or None."""
    if frame is None or frame.empty or column not in frame.columns:
        return None
    cell = frame[column].iloc[row]
    return None if pd.isna(cell) else cell


def ratio(numerator: Any, denominator: Any) -> float | None:
    if numerator is None or denominator in (None, 0) or pd.isna(denominator) or not denominator:
        return None
    return float(numerator) / float(denominator)


def share_by_year(
    frame: pd.DataFrame, first: int, last: int, part: str, whole: str, share: str
) -> pd.DataFrame:
    """One row per year from ``first`` to ``last`` (missing years as zeros), with ``share`` = 100 ×
    part / whole, None where the whole is zero; the counts as integers."""
    years = pd.DataFrame({"year": range(first, last + 1)})
    by_year = years.merge(frame.assign(year=frame["year"].astype(int)), on="year", how="left").fillna(0)
    by_year[[part, whole]] = by_year[[part, whole]].astype(int)
    by_year[share] = [100 * p / w if w else None for p, w in zip(by_year[part], by_year[whole], strict=True)]
    return by_year


def ordered(frame: pd.DataFrame, column: str, order: Sequence[str]) -> pd.DataFrame:
    """Rows in a fixed code order (codes outside it last)."""
    rank = {code: i for i, code in enumerate(order)}
    return (
        frame.assign(_rank=frame[column].map(lambda c: rank.get(c, len(rank))))
        .sort_values("_rank")
        .drop(columns="_rank")
    )


def progress(
    direction: str | None, baseline: float | None, latest: float | None, target: float | None
) -> str:
    """Where an indicator stands: against its target when the plan sets one, else against its baseline in
    the direction the plan wants; ``monitor`` for indicators the plan only watches."""
    if latest is None:
        return "no_data"
    if target is not None and direction in ("increase", "decrease", "maintain"):
        met = latest >= target if direction != "decrease" else latest <= target
        return "target_met" if met else "target_not_met"
    if direction not in ("increase", "decrease") or baseline is None:
        return "monitor"
    if latest == baseline:
        return "unchanged"
    better = latest > baseline if direction == "increase" else latest < baseline
    return "improved" if better else "worsened"
