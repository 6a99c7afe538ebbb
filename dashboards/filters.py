"""The one set of filters every page shares: period, NUTS-1 region / province, nationality, sex, age group and
form of exploitation, plus the language.

The filters live in the session (``st.session_state[STATE_KEY]``), not in the widgets: Streamlit forgets a
widget's value when the user switches pages, so each page's widgets are seeded from the session's filters
and write them back. They are also written to the URL (``st.query_params``), so a link or a reload restores
them; a new session reads them from the URL first. Values that are not valid options are dropped, never
passed on to a query.

``where()`` turns the filters into a SQL condition for a fact table, given which of its columns carry which
dimension (``Dims``); a filter a table has no column for is reported as not applied on that page.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import i18n
from dashboards.audit import note_filters
from dashboards.data import in_list

STATE_KEY = "taskforce_filters"
SEXES = ("female", "male", "unknown")
AGE_GROUPS = ("child", "adult", "unknown")
# widget keys; "years" is also what the audit log and the existing tests know the period by
WIDGET_KEYS = {
    "lang": "lang",
    "years": "years",
    "nuts1": "nuts1",
    "provinces": "provinces",
    "nationalities": "nationalities",
    "sexes": "sexes",
    "age_groups": "age_groups",
    "exploitation_types": "exploitation_types",
}
# URL parameter names
URL = {
    "lang": "lang",
    "first_year": "from",
    "last_year": "to",
    "nuts1": "region",
    "provinces": "province",
    "nationalities": "nationality",
    "sexes": "sex",
    "age_groups": "age",
    "exploitation_types": "exploitation",
}
LIST_FILTERS = ("provinces", "nationalities", "sexes", "age_groups", "exploitation_types")


@dataclass(frozen=True)
class Options:
    """What the filters can be set to, read from the warehouse (cached per build)."""

    years: list[int]
    provinces: pd.DataFrame  # province_plate_code, province_name, nuts1_code, latitude, longitude
    nationalities: list[str]  # ISO3 codes present among identified persons
    agencies: pd.DataFrame  # agency, agency_name_en, agency_name_tr

    @property
    def nuts1_codes(self) -> list[str]:
        return sorted(self.provinces["nuts1_code"].dropna().unique())

    def provinces_in(self, nuts1: str) -> list[int]:
        frame = self.provinces if not nuts1 else self.provinces[self.provinces["nuts1_code"] == nuts1]
        return [int(p) for p in frame.sort_values("province_name")["province_plate_code"]]

    @cached_property
    def _province_names(self) -> dict[int, str]:
        return {
            int(p): str(n)
            for p, n in zip(
                self.provinces["province_plate_code"], self.provinces["province_name"], strict=True
            )
        }

    def province_name(self, plate: int) -> str:
        return self._province_names.get(int(plate), str(plate))


@dataclass(frozen=True)
class Filters:
    lang: str = "en"
    first_year: int = 0
    last_year: int = 0
    nuts1: str = ""
    provinces: tuple[int, ...] = ()
    nationalities: tuple[str, ...] = ()
    sexes: tuple[str, ...] = ()
    age_groups: tuple[str, ...] = ()
    exploitation_types: tuple[str, ...] = ()
    # the plate codes the region and province filters leave (empty: every province)
    province_codes: tuple[int, ...] = field(default=(), compare=False)

    @property
    def years(self) -> tuple[int, int]:
        return (self.first_year, self.last_year)

    @property
    def has_place(self) -> bool:
        return bool(self.nuts1 or self.provinces)

    def span(self) -> int:
        return self.last_year - self.first_year + 1

    def previous(self) -> tuple[int, int]:
        """The period of the same length just before the selected one (for "change since")."""
        return (self.first_year - self.span(), self.first_year - 1)

    def active(self) -> dict[str, Any]:
        """The filters in force, for the audit log: the period always, the others when set."""
        noted: dict[str, Any] = {"years": [self.first_year, self.last_year]}
        if self.nuts1:
            noted["region"] = self.nuts1
        for name in LIST_FILTERS:
            values = getattr(self, name)
            if values:
                noted[name] = list(values)
        return noted


@dataclass(frozen=True)
class Dims:
    """Which columns of a fact carry which filter dimension (None: the fact has none). ``person`` names the
    person key column, through which nationality, sex and age group are read from ``marts.dim_person``
    and province and exploitation from the person's identification records, when the fact lacks them."""

    year: str | None = None
    province: str | None = None
    nationality: str | None = None
    sex: str | None = None
    age_group: str | None = None
    exploitation: str | None = None  # a comma-separated list column (fct_identifications)
    person: str | None = None


# --- reading and writing the state -------------------------------------------------------------------


def _split(value: Any) -> list[str]:
    if value is None:
        return []
    items = [str(v) for v in value] if isinstance(value, list | tuple) else str(value).split(",")
    return [item.strip() for item in items if item.strip()]


def _from_url(params: Mapping[str, Any], options: Options) -> Filters:
    def get(name: str) -> str:
        value = params.get(URL[name])
        return str(value[-1] if isinstance(value, list) else value) if value is not None else ""

    years = options.years
    first = int(get("first_year")) if get("first_year").isdigit() else years[0]
    last = int(get("last_year")) if get("last_year").isdigit() else years[-1]
    provinces = tuple(int(p) for p in _split(params.get(URL["provinces"])) if p.isdigit())
    return Filters(
        lang=get("lang") if get("lang") in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE,
        first_year=first,
        last_year=last,
        nuts1=get("nuts1"),
        provinces=provinces,
        nationalities=tuple(v.upper() for v in _split(params.get(URL["nationalities"]))),
        sexes=tuple(_split(params.get(URL["sexes"]))),
        age_groups=tuple(_split(params.get(URL["age_groups"]))),
        exploitation_types=tuple(_split(params.get(URL["exploitation_types"]))),
    )


def _valid(filters: Filters, options: Options) -> Filters:
    """Only values the widgets offer (a URL can hold anything)."""
    years = options.years
    first = filters.first_year if filters.first_year in years else years[0]
    last = filters.last_year if filters.last_year in years else years[-1]
    if first > last:
        first, last = last, first
    nuts1 = filters.nuts1 if filters.nuts1 in options.nuts1_codes else ""
    in_region = set(options.provinces_in(nuts1))
    exploitation = set(i18n.codes("exploitation_type"))
    return replace(
        filters,
        first_year=first,
        last_year=last,
        nuts1=nuts1,
        provinces=tuple(p for p in dict.fromkeys(filters.provinces) if p in in_region),
        nationalities=tuple(n for n in dict.fromkeys(filters.nationalities) if n in options.nationalities),
        sexes=tuple(s for s in SEXES if s in filters.sexes),
        age_groups=tuple(a for a in AGE_GROUPS if a in filters.age_groups),
        exploitation_types=tuple(e for e in dict.fromkeys(filters.exploitation_types) if e in exploitation),
    )


def _url_params(filters: Filters, options: Options) -> dict[str, str]:
    params: dict[str, str] = {}
    if filters.lang != i18n.DEFAULT_LANGUAGE:
        params[URL["lang"]] = filters.lang
    if filters.first_year != options.years[0]:
        params[URL["first_year"]] = str(filters.first_year)
    if filters.last_year != options.years[-1]:
        params[URL["last_year"]] = str(filters.last_year)
    if filters.nuts1:
        params[URL["nuts1"]] = filters.nuts1
    for name in LIST_FILTERS:
        values = getattr(filters, name)
        if values:
            params[URL[name]] = ",".join(str(v) for v in values)
    return params


def _write_url(filters: Filters, options: Options) -> None:
    wanted = _url_params(filters, options)
    current = {key: st.query_params.get(key) for key in st.query_params}
    ours = {key: value for key, value in current.items() if key in URL.values()}
    if ours != wanted:
        for key in ours:
            if key not in wanted:
                del st.query_params[key]
        for key, value in wanted.items():
            if current.get(key) != value:
                st.query_params[key] = value


def _stored() -> Filters | None:
    stored = st.session_state.get(STATE_KEY)
    return stored if isinstance(stored, Filters) else None


def _state(options: Options) -> Filters:
    stored = _stored()
    if stored is not None:
        return _valid(stored, options)
    return _valid(_from_url(st.query_params, options), options)


def reset() -> None:
    """The "reset filters" button: every filter back to its default (the language stays); the widgets
    forget their values, so they start again from the filters."""
    stored = _stored()
    st.session_state[STATE_KEY] = Filters(lang=stored.lang if stored else i18n.DEFAULT_LANGUAGE)
    for name, key in WIDGET_KEYS.items():
        if name != "lang" and key in st.session_state:
            del st.session_state[key]


# --- the sidebar -------------------------------------------------------------------------------------
#
# Each widget's default is the session's filter, and what it returns becomes the session's filter. On the
# same page a widget keeps its own value; on another page (a new widget) it starts from the filters.


def language() -> str:
    """The language switch, first in the sidebar: every label below depends on it."""
    stored = _stored()
    if stored is not None:
        current = stored.lang
    else:
        value = st.query_params.get(URL["lang"])
        current = value if value in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
    codes = list(i18n.LANGUAGES)
    chosen = st.sidebar.radio(
        i18n.LANGUAGE_SWITCH_LABEL,
        options=codes,
        index=codes.index(current),
        format_func=lambda code: i18n.LANGUAGES[code],
        horizontal=True,
        key=WIDGET_KEYS["lang"],
    )
    return chosen if chosen in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


def render(options: Options, lang: str) -> Filters:
    """The filter widgets in the sidebar; returns the filters in force, remembered for the session and the
    URL, and noted for the audit log."""
    tr = i18n.Translator(lang)
    state = replace(_state(options), lang=lang)
    keys = WIDGET_KEYS
    sidebar = st.sidebar
    sidebar.header(tr("filters"))

    first, last = sidebar.select_slider(
        tr("period"), options=options.years, value=(state.first_year, state.last_year), key=keys["years"]
    )
    regions = ["", *options.nuts1_codes]
    nuts1 = sidebar.selectbox(
        tr("region"),
        options=regions,
        index=regions.index(state.nuts1) if state.nuts1 in regions else 0,
        format_func=lambda code: tr("all_regions") if not code else f"{code} {i18n.region_name(code, lang)}",
        key=keys["nuts1"],
    )

    def multiselect(name: str, label: str, choices: list[Any], show: Callable[[Any], str]) -> tuple[Any, ...]:
        picked = sidebar.multiselect(
            label,
            options=choices,
            default=[v for v in getattr(state, name) if v in choices],
            format_func=show,
            key=keys[name],
            placeholder=tr("all"),
        )
        return tuple(v for v in picked if v in choices)

    provinces = multiselect(
        "provinces", tr("provinces"), options.provinces_in(nuts1), lambda p: options.province_name(p)
    )
    nationalities = multiselect(
        "nationalities",
        tr("nationality"),
        sorted(options.nationalities, key=lambda code: i18n.label("country", code, lang)),
        lambda code: i18n.label("country", code, lang),
    )
    sexes = multiselect("sexes", tr("sex"), list(SEXES), lambda code: i18n.label("sex", code, lang))
    ages = multiselect(
        "age_groups", tr("age_group"), list(AGE_GROUPS), lambda c: i18n.label("age_group", c, lang)
    )
    forms = multiselect(
        "exploitation_types",
        tr("exploitation_type"),
        i18n.codes("exploitation_type"),
        lambda code: i18n.label("exploitation_type", code, lang),
    )
    sidebar.button(tr("reset_filters"), on_click=reset, key="reset_filters")

    chosen = Filters(
        lang=lang,
        first_year=int(first),
        last_year=int(last),
        nuts1=nuts1 or "",
        provinces=tuple(int(p) for p in provinces),
        nationalities=nationalities,
        sexes=sexes,
        age_groups=ages,
        exploitation_types=forms,
    )
    codes = tuple(chosen.provinces) or (tuple(options.provinces_in(chosen.nuts1)) if chosen.nuts1 else ())
    chosen = replace(chosen, province_codes=codes)
    st.session_state[STATE_KEY] = chosen
    _write_url(chosen, options)
    note_filters(**chosen.active())
    return chosen


# --- filters as SQL ----------------------------------------------------------------------------------


@dataclass
class Condition:
    sql: str
    params: dict[str, Any]
    applied: list[str]  # filter names applied
    not_applied: list[str]  # filter names set but not applicable to this fact


def _like_any(column: str, values: tuple[str, ...], name: str) -> tuple[str, dict[str, Any]]:
    """A comma-separated list column holding any of ``values`` (delimiters on both sides, so that no code
    matches inside another)."""
    params = {f"{name}{i}": f"%,{value},%" for i, value in enumerate(values)}
    tests = [f"',' || {column} || ',' like :{key}" for key in params]
    return "(" + " or ".join(tests) + ")", params


def where(
    filters: Filters,
    dims: Dims,
    alias: str = "",
    years: tuple[int, int] | None = None,
    prefix: str = "f",
) -> Condition:
    """The filters as a condition on a fact (``alias.column``), with parameters named ``<prefix>_*``.
    ``years`` overrides the period (e.g. the previous period)."""
    col = (lambda c: f"{alias}.{c}") if alias else (lambda c: c)
    parts: list[str] = []
    params: dict[str, Any] = {}
    applied: list[str] = []
    not_applied: list[str] = []
    first, last = years or filters.years
    if dims.year:
        parts.append(f"{col(dims.year)} between :{prefix}_first and :{prefix}_last")
        params.update({f"{prefix}_first": first, f"{prefix}_last": last})
        applied.append("years")

    person_parts: list[str] = []  # read through dim_person
    ident_parts: list[str] = []  # read through the person's identification records

    def add(name: str, column: str | None, values: tuple[Any, ...], via: list[str], via_column: str) -> None:
        if not values:
            return
        if column:
            sql, p = in_list(col(column), values, f"{prefix}_{name}")
            parts.append(sql)
        elif dims.person:
            sql, p = in_list(via_column, values, f"{prefix}_{name}")
            via.append(sql)
        else:
            not_applied.append(name)
            return
        params.update(p)
        applied.append(name)

    add("province", dims.province, filters.province_codes, ident_parts, "i.province_plate_code")
    add("nationality", dims.nationality, filters.nationalities, person_parts, "p.nationality_iso3")
    add("sex", dims.sex, filters.sexes, person_parts, "p.sex")
    add("age_group", dims.age_group, filters.age_groups, person_parts, "p.age_group")
    if filters.exploitation_types:
        if dims.exploitation:
            sql, p = _like_any(col(dims.exploitation), filters.exploitation_types, f"{prefix}_ex")
            parts.append(sql)
            params.update(p)
            applied.append("exploitation_type")
        elif dims.person:
            sql, p = _like_any("i.exploitation_types", filters.exploitation_types, f"{prefix}_ex")
            ident_parts.append(sql)
            params.update(p)
            applied.append("exploitation_type")
        else:
            not_applied.append("exploitation_type")
    if person_parts and dims.person:
        parts.append(
            f"{col(dims.person)} in (select p.person_key from marts.dim_person as p "
            f"where {' and '.join(person_parts)})"
        )
    if ident_parts and dims.person:
        parts.append(
            f"{col(dims.person)} in (select i.person_key from marts.fct_identifications as i "
            f"where {' and '.join(ident_parts)})"
        )
    return Condition(" and ".join(parts) or "1 = 1", params, applied, not_applied)


def set_but_not_applicable(filters: Filters, dims: Dims) -> list[str]:
    """The filters the user set that a fact has no way to apply (named by i18n key)."""
    return where(filters, dims).not_applied


def session_language() -> str:
    """The language of this session (the app's navigation is drawn before the page's switch)."""
    chosen = st.session_state.get(WIDGET_KEYS["lang"])
    if chosen in i18n.LANGUAGES:
        return chosen
    stored = _stored()
    if stored is not None:
        return stored.lang
    value = st.query_params.get(URL["lang"])
    return value if value in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE
