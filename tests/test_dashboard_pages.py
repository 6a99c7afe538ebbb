"""Every dashboard page, run headless with Streamlit's AppTest against the demo warehouse as a deployment
serves it (signed in as a coordinator; on PostgreSQL with the coordinator role's own login), on both engines.

* the numbers each page shows equal the marts, counted here with plain SQL, for a given filter;
* the filters come from the URL, follow the user from page to page, and go back into the URL;
* the language switch leaves no English label on the Turkish side and no Turkish label on the English side,
  on every page with the app's sidebar (sign-in status, sign-out), and on the sign-in screen, where the
  switch works before signing in and the pages open in the language chosen there;
* a filter with no data gives a clear empty state, never an exception;
* a new build changes the cache key (so cached results are never those of an old build).

``expected_metrics`` is shared with tests/test_browser_pages.py, which checks the same numbers in Chromium.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from functools import cache, partial
from pathlib import Path
from typing import Any

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboards import auth, i18n
from taskforce.settings import PROJECT_ROOT, Settings, load_settings
from taskforce.warehouse import connect
from tests.test_dashboard_login import DashboardWarehouse, sign_in, use_env

APP = str(PROJECT_ROOT / "dashboards" / "app.py")
PAGES = (
    "overview",
    "identifications",
    "pathway",
    "justice",
    "returns",
    "prevention",
    "coordination",
    "data_health",
)
# the filter the number tests use: a span of years and a person filter (pages without one say so)
FILTER = {"from": "2007", "to": "2009", "sex": "female"}
FIRST, LAST = 2007, 2009


# --- driving the app -----------------------------------------------------------------------------------


def open_page(
    warehouse: DashboardWarehouse,
    monkeypatch: pytest.MonkeyPatch,
    page: str = "overview",
    query: dict[str, str] | None = None,
    role: str = "coordinator",
) -> AppTest:
    """A new session: the URL's query string, the sign-in, then ``page`` (through the app's navigation)."""
    use_env(warehouse, monkeypatch)
    app = AppTest.from_file(APP, default_timeout=120)
    app.query_params.update(query or {})
    app.run()
    user = warehouse.user(role)
    sign_in(app, user, warehouse.passwords[user])
    if page != "overview":
        app.switch_page(f"pages/{page}.py").run()
    assert not app.exception, app.exception
    assert app.title and app.title[0].value != "Sign in"
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def scalar(settings: Settings, sql: str, params: tuple[Any, ...] = ()) -> Any:
    """One value from the marts, as the warehouse owner."""
    with connect(settings, read_only=settings.engine == "duckdb") as wh:
        value = wh.frame(sql, params).iloc[0, 0]
    return 0 if value is None else value


def table(settings: Settings, sql: str) -> list[tuple[Any, ...]]:
    """Rows from the marts, as the warehouse owner."""
    with connect(settings, read_only=settings.engine == "duckdb") as wh:
        return [tuple(row) for row in wh.frame(sql).itertuples(index=False)]


# --- what each page must show, from the marts -----------------------------------------------------------

FEMALE_PERSONS = "select person_key from marts.dim_person where sex = 'female'"


def expected_metrics(settings: Settings, page: str, first: int = FIRST, last: int = LAST) -> dict[str, str]:
    """The English metric labels and values a page shows for ``FILTER`` (years first..last, sex female;
    the pages whose facts have no sex show the years only)."""
    years = (first, last)

    def count(sql: str) -> str:
        return f"{int(scalar(settings, sql, years)):,}"

    identified = count(
        "select count(distinct person_key) from marts.fct_identifications where identification_status = "
        "'identified' and identification_year between ? and ? and sex = 'female'"
    )
    returns = count(
        "select count(*) from marts.fct_returns where return_year between ? and ? and sex = 'female'"
    )
    pages: dict[str, Callable[[], dict[str, str]]] = {
        "overview": lambda: {"Victims identified": identified, "Assisted returns": returns},
        "identifications": lambda: {
            "Victims identified": identified,
            "Identification records": count(
                "select count(*) from marts.fct_identifications "
                "where identification_year between ? and ? and sex = 'female'"
            ),
        },
        "pathway": lambda: {
            "Persons identified": count(
                "select count(*) from marts.fct_victim_pathway where person_identification_status = "
                f"'identified' and identification_year between ? and ? and person_key in ({FEMALE_PERSONS})"
            )
        },
        "justice": lambda: {
            "Persons prosecuted": count(
                "select count(distinct defendant_key) from marts.fct_prosecutions where filing_year between "
                "? and ?"
            ),
            "Suspects detained": count(
                "select count(distinct suspect_key) from marts.fct_suspects where detention_year between ? "
                "and ?"
            ),
        },
        "returns": lambda: {
            "Assisted returns": returns,
            "Persons returned": count(
                "select count(distinct person_key) from marts.fct_returns "
                "where return_year between ? and ? and sex = 'female'"
            ),
        },
        "prevention": lambda: {
            "Helpline calls": count(
                "select count(*) from marts.fct_helpline_calls where call_year between ? and ?"
            ),
            "People trained": count(
                "select coalesce(sum(participants_total), 0) from marts.fct_trainings "
                "where training_year between ? and ?"
            ),
        },
        "coordination": lambda: {
            "Referrals": count(
                "select count(*) from marts.fct_referrals "
                f"where referral_year between ? and ? and person_key in ({FEMALE_PERSONS})"
            )
        },
        "data_health": lambda: {
            "Periods received / expected": count(
                "select sum(actual_reports) from marts.fct_extract_reporting where period_year between ? "
                "and ?"
            )
            + " / "
            + count(
                "select sum(expected_reports) from marts.fct_extract_reporting where period_year between ? "
                "and ?"
            )
        },
    }
    return pages[page]()


# --- the numbers ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_each_page_shows_the_marts_numbers_for_a_filter(
    page: str, served: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_page(served, monkeypatch, page, FILTER)
    shown = metrics(app)
    for label, value in expected_metrics(served.settings, page).items():
        assert shown[label] == value, (page, label)
    assert not app.error
    assert app.download_button, "every chart's data can be downloaded"
    if page in ("justice", "prevention", "data_health"):  # no sex on these facts: the page says so
        assert any("do not apply" in c.value and "sex" in c.value for c in app.caption)


def test_overview_trend_and_logframe_follow_the_marts(
    served: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_page(served, monkeypatch, "overview", FILTER)
    trend = app.dataframe[0].value
    assert list(trend["Year"]) == [2007, 2008, 2009]
    by_year = [
        int(
            scalar(
                served.settings,
                "select count(distinct person_key) from marts.fct_identifications where "
                "identification_status "
                "= 'identified' and identification_year = ? and sex = 'female'",
                (year,),
            )
        )
        for year in (2007, 2008, 2009)
    ]
    assert list(trend["Victims identified"]) == by_year
    logframe = app.dataframe[1].value
    v1 = logframe[logframe["Indicator"].str.startswith("V1 ")].iloc[0]
    national_2009 = scalar(
        served.settings,
        "select value from marts.fct_indicator_values where indicator_id = 'V1' and period_type = 'year' "
        "and is_total and period_id = '2009'",
    )
    assert (v1["Latest year"], v1["Latest value"]) == ("2009", f"{int(national_2009):,}")
    # the change since the previous period of the same length (2004-2006 is before the data: no delta)
    app.select_slider(key="years").set_value((2009, 2010)).run()
    before = scalar(
        served.settings,
        "select count(distinct person_key) from marts.fct_identifications where identification_status = "
        "'identified' and identification_year between 2007 and 2008 and sex = 'female'",
    )
    now = scalar(
        served.settings,
        "select count(distinct person_key) from marts.fct_identifications where identification_status = "
        "'identified' and identification_year between 2009 and 2010 and sex = 'female'",
    )
    delta = next(m.delta for m in app.metric if m.label == "Victims identified")
    assert delta == f"{'+' if now > before else '-' if now < before else '±'}{abs(int(now - before)):,}"


@pytest.mark.parametrize("granularity", ["quarter", "month"])
def test_overview_trend_by_quarter_and_month_follows_the_marts(
    served: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch, granularity: str
) -> None:
    app = open_page(served, monkeypatch, "overview", FILTER)
    app.radio(key="granularity").set_value(granularity).run()
    assert not app.exception
    trend = app.dataframe[0].value
    parts = 4 if granularity == "quarter" else 12
    assert len(trend) == parts * (LAST - FIRST + 1)
    expected = {
        (int(year), int(part)): int(persons)
        for year, part, persons in table(
            served.settings,
            f"select d.year, d.{granularity}, count(distinct i.person_key) "
            "from marts.fct_identifications as i "
            "join marts.dim_date as d on d.date_day = i.identified_on "
            "where i.identification_status = 'identified' and i.sex = 'female' "
            f"and i.identification_year between {FIRST} and {LAST} group by d.year, d.{granularity}",
        )
    }
    assert sum(expected.values()) > 0
    shown = list(trend["Victims identified"])
    keys = [(year, part) for year in range(FIRST, LAST + 1) for part in range(1, parts + 1)]
    assert shown == [expected.get(key, 0) for key in keys]


def test_identifications_by_sex_and_region_follow_the_marts(
    served: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_page(served, monkeypatch, "identifications", {"from": "2008", "to": "2010", "region": "TR1"})
    istanbul = scalar(
        served.settings,
        "select count(distinct i.person_key) from marts.fct_identifications as i join marts.dim_province as "
        "p "
        "on p.province_plate_code = i.province_plate_code where i.identification_status = 'identified' "
        "and i.identification_year between 2008 and 2010 and p.nuts1_code = 'TR1'",
    )
    assert metrics(app)["Victims identified"] == f"{int(istanbul):,}"
    by_sex = app.dataframe[0].value
    female = scalar(
        served.settings,
        "select count(distinct i.person_key) from marts.fct_identifications as i join marts.dim_province as "
        "p "
        "on p.province_plate_code = i.province_plate_code where i.identification_status = 'identified' "
        "and i.identification_year between 2008 and 2010 and p.nuts1_code = 'TR1' and i.sex = 'female'",
    )
    assert int(by_sex.loc[by_sex["Code"] == "female", "Persons"].iloc[0]) == int(female)


def test_justice_conviction_rate_is_the_indicators(
    served: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_page(served, monkeypatch, "justice", {"from": "2008", "to": "2008"})
    p5 = scalar(
        served.settings,
        "select value from marts.fct_indicator_values where indicator_id = 'P5' and period_type = 'year' "
        "and is_total and period_id = '2008'",
    )
    assert metrics(app)["Conviction rate (first instance)"] == f"{round(float(p5))}%"


@pytest.mark.postgres
def test_an_agency_user_gets_every_page_with_its_own_records(
    served_postgres: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row-level security decides what an agency's login reads: every page still works, and the counts are
    those of the agency's own records."""
    agency = served_postgres.agency
    for page in PAGES:
        app = open_page(served_postgres, monkeypatch, page, role="agency")
        assert app.metric and not app.error, page
    own = scalar(
        served_postgres.settings,
        "select count(distinct person_key) from marts.fct_identifications where identification_status = "
        "'identified' and identifying_agency = ?",
        (agency,),
    )
    app = open_page(served_postgres, monkeypatch, "identifications", role="agency")
    assert metrics(app)["Victims identified"] == f"{int(own):,}"


# --- filters --------------------------------------------------------------------------------------------


def test_filters_come_from_the_url_follow_the_user_and_go_back_into_the_url(
    served_duckdb: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = served_duckdb.settings
    nationality = str(
        scalar(
            settings,
            "select nationality_iso3 from marts.fct_identifications where identification_status = "
            "'identified' "
            "group by nationality_iso3 order by count(*) desc, nationality_iso3 limit 1",
        )
    )
    query = {"from": "2008", "to": "2009", "sex": "female", "nationality": nationality, "age": "adult"}
    app = open_page(served_duckdb, monkeypatch, "overview", query)
    assert app.select_slider(key="years").value == (2008, 2009)
    assert app.multiselect(key="sexes").value == ["female"]
    assert app.multiselect(key="nationalities").value == [nationality]
    assert app.multiselect(key="age_groups").value == ["adult"]

    def identified(extra: str = "") -> str:
        return f"{int(scalar(settings, base + extra, (nationality,))):,}"

    base = (
        "select count(distinct person_key) from marts.fct_identifications where identification_status = "
        "'identified' and identification_year between 2008 and 2009 and sex = 'female' and "
        "nationality_iso3 = ? and age_group = 'adult'"
    )
    assert metrics(app)["Victims identified"] == identified()

    # a change goes into the URL, and the next page keeps every filter
    app.selectbox(key="nuts1").set_value("TR1").run()
    assert app.query_params.get("region") == "TR1"
    assert app.query_params.get("from") == "2008" and app.query_params.get("sex") == "female"
    app.switch_page("pages/identifications.py").run()
    assert not app.exception
    assert app.select_slider(key="years").value == (2008, 2009)
    assert app.selectbox(key="nuts1").value == "TR1"
    assert app.multiselect(key="nationalities").value == [nationality]
    in_region = (
        " and province_plate_code in (select province_plate_code from marts.dim_province where "
        "nuts1_code = 'TR1')"
    )
    assert metrics(app)["Victims identified"] == identified(in_region)
    assert app.query_params.get("region") == "TR1"

    # values the widgets do not offer are dropped, never queried
    odd = open_page(
        served_duckdb, monkeypatch, "overview", {"from": "1990", "sex": "x'; drop", "region": "ZZ9"}
    )
    assert odd.select_slider(key="years").value == (2006, 2010)
    assert odd.multiselect(key="sexes").value == []
    assert odd.selectbox(key="nuts1").value == ""

    # reset: every filter back to its default
    app.button(key="reset_filters").click().run()
    assert app.select_slider(key="years").value == (2006, 2010)
    assert app.multiselect(key="nationalities").value == []


def test_the_audit_log_gets_the_filters_in_force(
    served_duckdb: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    from taskforce.audit import read_log

    app = open_page(served_duckdb, monkeypatch, "returns", {"from": "2008", "to": "2008", "sex": "male"})
    assert app.metric
    log = read_log(served_duckdb.settings, limit=5)
    noted = [
        json.loads(f)
        for f, e, p in zip(log["filters"], log["event"], log["page"], strict=True)
        if e == "query" and p == "returns"
    ]
    assert {"years": [2008, 2008], "sexes": ["male"]} in noted


# --- languages ------------------------------------------------------------------------------------------

# fragments of English-only and Turkish-only text: the catalogue's, the code names', the agencies'
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _fragments(text: str) -> list[str]:
    return [part.strip(" .,:;()") for part in _PLACEHOLDER.split(text) if len(part.strip(" .,:;()")) >= 4]


def language_fragments(agencies: list[tuple[str, str]]) -> tuple[set[str], set[str]]:
    pairs = list(i18n.TEXT.values()) + agencies
    for domain in i18n.CODES:
        pairs += list(i18n.CODES[domain].values())
    for domain in i18n.SEED_LISTS:
        if domain != "country":  # country names are often the same word in both languages
            pairs += list(i18n.seed_labels(domain).values())
    english, turkish = set(), set()
    for en, tr in pairs:
        if en.strip().lower() == tr.strip().lower():
            continue
        english.update(f for f in _fragments(en) if f.lower() not in tr.lower())
        turkish.update(f for f in _fragments(tr) if f.lower() not in en.lower())
    # a fragment found in the other language's text is not evidence of that language
    english = {e for e in english if not any(e in t for t in turkish)}
    turkish = {t for t in turkish if not any(t in e for e in english)}
    return english, turkish


def _plotly_labels(app: AppTest) -> list[str]:
    labels: list[str] = []
    for chart in app.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for trace in spec.get("data", []):
            if trace.get("name"):
                labels.append(str(trace["name"]))
            node = trace.get("node") or {}
            labels += [str(x) for x in node.get("label", [])]
            if trace.get("type") in ("bar", "funnel"):
                axis = "y" if trace.get("orientation") == "h" or trace.get("type") == "funnel" else "x"
                labels += [str(x) for x in trace.get(axis, []) if isinstance(x, str)]
        colorbar = spec.get("data", [{}])[0].get("colorbar", {}).get("title", {}).get("text")
        if colorbar:
            labels.append(str(colorbar))
    return labels


def rendered_labels(app: AppTest) -> list[str]:
    """Every label the page shows (not the data cells): headings, captions, metric labels, messages,
    buttons, widget labels and options, expander labels, table headers, chart legends and categories,
    the app's own sidebar (sign-in status, sign-out) and the sign-in form. The language switch itself is
    left out: its label is in both languages on purpose."""
    texts: list[str] = []
    main = app.main
    for kind in (
        "title",
        "header",
        "subheader",
        "caption",
        "markdown",
        "info",
        "warning",
        "success",
        "error",
    ):
        texts += [str(e.value) for e in main.get(kind)]
    texts += [m.label for m in app.metric]
    texts += [str(e.proto.label) for e in app.get("download_button")]
    texts += [str(e.label) for e in main.get("expander")]
    texts += [str(e.label) for e in main.get("radio")] + [
        str(o) for r in main.get("radio") for o in r.options
    ]
    for frame in app.dataframe:
        texts += [str(c) for c in frame.value.columns]
    for kind in ("select_slider", "selectbox", "multiselect"):
        for widget in app.sidebar.get(kind):
            texts.append(str(widget.label))
            texts += [str(o) for o in widget.options]
    texts += [str(b.label) for b in app.get("button")]  # the sign-in form's too, and sign-out
    texts += [str(w.label) for w in app.get("text_input")]
    texts += [str(h.value) for h in app.sidebar.get("header")]
    texts += [str(c.value) for c in app.sidebar.get("caption")]
    texts += _plotly_labels(app)
    return texts


@cache
def _whole_word(fragment: str) -> re.Pattern[str]:
    # compiled once: there are more fragments than re's own cache holds (512), so re.search
    # recompiled every pattern on every text, most of this test's time
    return re.compile(rf"(?<![\w]){re.escape(fragment)}(?![\w])")


def _leaks(texts: list[str], fragments: set[str]) -> list[tuple[str, str]]:
    found = []
    for text in texts:
        for fragment in fragments:
            if _whole_word(fragment).search(text):
                found.append((fragment, text[:120]))
    return found


@pytest.mark.parametrize("page", PAGES)
def test_no_english_on_the_turkish_side_and_no_turkish_on_the_english_side(
    page: str, served_duckdb: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    with connect(served_duckdb.settings, read_only=True) as wh:
        names = wh.frame(
            "select agency_name_en, agency_name_tr from marts.dim_agency union all "
            "select indicator_name_en, indicator_name_tr from reporting.rpt_indicator_catalogue"
        )
    english, turkish = language_fragments([(str(en), str(tr)) for en, tr in names.values])

    tr = open_page(served_duckdb, monkeypatch, page, {"lang": "tr"})
    assert tr.sidebar.radio(key="lang").value == "tr"
    turkish_side = rendered_labels(tr)
    assert len(turkish_side) > 20
    assert _leaks(turkish_side, english) == []

    en = open_page(served_duckdb, monkeypatch, page)
    english_side = rendered_labels(en)
    assert _leaks(english_side, turkish) == []
    # the switch: the same session turns Turkish, on every page it visits
    en.sidebar.radio(key="lang").set_value("tr").run()
    assert en.query_params.get("lang") == "tr"
    assert _leaks(rendered_labels(en), english) == []


def test_the_sign_in_screen_follows_the_language_switch(
    served_duckdb: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sign-in screen, its messages and the app's sidebar in both languages; the switch works before
    signing in, goes into the URL, and the pages open in the language chosen there."""
    english, turkish = language_fragments([])
    use_env(served_duckdb, monkeypatch)

    # a link in Turkish: the sign-in screen is Turkish, and so is the answer to a wrong password
    tr = AppTest.from_file(APP, default_timeout=120)
    tr.query_params["lang"] = "tr"
    tr.run()
    assert tr.sidebar.radio(key="lang").value == "tr"
    assert tr.title[0].value == i18n.TEXT["auth_sign_in_title"][1]
    assert [w.label for w in tr.text_input] == [i18n.TEXT["auth_user_name"][1], i18n.TEXT["auth_password"][1]]
    assert _leaks(rendered_labels(tr), english) == []
    sign_in(tr, "nobody-here", "not-the-password")
    assert [e.value for e in tr.error] == [i18n.TEXT["auth_wrong_password"][1]]
    assert _leaks(rendered_labels(tr), english) == []

    # in English by default, nothing Turkish; the switch on the sign-in screen turns it Turkish
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    assert app.title[0].value == "Sign in" and app.sidebar.radio(key="lang").value == "en"
    assert len(rendered_labels(app)) >= 5
    assert _leaks(rendered_labels(app), turkish) == []
    app.sidebar.radio(key="lang").set_value("tr").run()
    assert app.query_params.get("lang") == "tr"
    assert app.title[0].value == i18n.TEXT["auth_sign_in_title"][1]
    assert _leaks(rendered_labels(app), english) == []

    # signed in, the pages are in the language chosen before, the sidebar included
    user = served_duckdb.user("coordinator")
    sign_in(app, user, served_duckdb.passwords[user])
    assert not app.exception, app.exception
    assert app.sidebar.radio(key="lang").value == "tr"
    assert app.title[0].value == i18n.TEXT["title_overview"][1]
    signed_in = i18n.TEXT["app_signed_in_as"][1].format(user=user, role="koordinatör")
    assert signed_in in [c.value for c in app.sidebar.caption]
    assert app.sidebar.button(key="sign_out").label == i18n.TEXT["auth_sign_out"][1]
    assert _leaks(rendered_labels(app), english) == []

    # signed out: the sign-in screen again, still in Turkish; back to English, the URL forgets the language
    app.sidebar.button(key="sign_out").click().run()
    assert app.title[0].value == i18n.TEXT["auth_sign_in_title"][1]
    app.sidebar.radio(key="lang").set_value("en").run()
    assert app.title[0].value == "Sign in" and "lang" not in app.query_params
    assert _leaks(rendered_labels(app), turkish) == []


def test_refusals_are_in_the_users_language() -> None:
    """The messages of a refused sign-in carry their text key: English in logs and str(), the user's
    language on screen (the role's name too)."""
    from taskforce.users import User

    user = User(name="ayse", role="agency", agency="tnp")
    problem = auth.AccessProblem(
        "auth_no_login_for_role", role=partial(auth.role_label, user), variable="TASKFORCE_DASHBOARD_URL_X"
    )
    assert str(problem) == problem.message("en")
    assert str(problem).startswith("The dashboard has no database login for the agency (tnp) role")
    assert "kurum (tnp)" in problem.message("tr") and "TASKFORCE_DASHBOARD_URL_X" in problem.message("tr")
    assert auth.role_name("donor", "tr") == "donör"


def test_every_text_has_both_languages_and_turkish_numbers() -> None:
    for key, (en, tr) in i18n.TEXT.items():
        assert en.strip() and tr.strip(), key
        assert _PLACEHOLDER.findall(en) == _PLACEHOLDER.findall(tr) or set(_PLACEHOLDER.findall(en)) == set(
            _PLACEHOLDER.findall(tr)
        ), key
    for domain, names in i18n.CODES.items():
        for code, (en, tr) in names.items():
            assert en.strip() and tr.strip(), (domain, code)
    turkish = i18n.Translator("tr")
    assert (turkish.integer(1234567), turkish.percent(0.456), turkish.number(1234.5, 1)) == (
        "1.234.567",
        "%46",
        "1.234,5",
    )
    english = i18n.Translator("en")
    assert (english.integer(1234567), english.percent(0.456)) == ("1,234,567", "46%")


# --- empty states ---------------------------------------------------------------------------------------

EMPTY = {"from": "2006", "to": "2006", "sex": "unknown", "age": "child", "exploitation": "organ_removal"}


@pytest.mark.parametrize("page", ["overview", "identifications", "pathway", "returns", "coordination"])
def test_a_filter_without_data_gives_an_empty_state(
    page: str, served_duckdb: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    persons = scalar(
        served_duckdb.settings,
        "select count(*) from marts.fct_identifications where identification_year = 2006 and sex = 'unknown' "
        "and age_group = 'child' and exploitation_types like '%organ_removal%'",
    )
    assert persons == 0  # the filter really has no data
    app = open_page(served_duckdb, monkeypatch, page, EMPTY)
    assert not app.exception and not app.error
    assert "No data for this filter." in [i.value for i in app.info]
    assert not app.get("plotly_chart") or page == "overview"
    turkish = open_page(served_duckdb, monkeypatch, page, {**EMPTY, "lang": "tr"})
    assert "Bu filtre için veri yok." in [i.value for i in turkish.info]


# --- caching --------------------------------------------------------------------------------------------


@pytest.fixture
def snapshot(tmp_path: Path) -> Iterator[Settings]:
    settings = load_settings({"TASKFORCE_DATA_DIR": str(tmp_path)})
    yield settings
    shutil.rmtree(tmp_path, ignore_errors=True)


def _publish(settings: Settings, build_id: str) -> None:
    """A snapshot with one successful build, published the way ``taskforce build`` does (atomic rename)."""
    staged = settings.serving_path.with_name("staged.duckdb")
    with duckdb.connect(str(staged)) as con:
        con.execute("create schema ops")
        con.execute("create table ops.builds (build_id text, status text)")
        con.execute("insert into ops.builds values (?, 'success'), ('zz-failed', 'failed')", [build_id])
    os.replace(staged, settings.serving_path)


def test_a_new_build_changes_the_cache_key(snapshot: Settings) -> None:
    from dashboards.data import WarehouseNotReady, build_key

    with pytest.raises(WarehouseNotReady):
        build_key(snapshot)
    _publish(snapshot, "20090101T000000-aaaa")
    assert build_key(snapshot) == "20090101T000000-aaaa"
    _publish(snapshot, "20090102T000000-bbbb")
    assert build_key(snapshot) == "20090102T000000-bbbb"
