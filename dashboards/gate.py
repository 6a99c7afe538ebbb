"""The gate every script run passes before anything is shown or queried.

``enter()`` is called by ``dashboards/app.py`` and, with the page's name, at the top of every page:
Streamlit sometimes runs a page file directly (while a new server process still treats ``pages/`` as an
old-style pages folder, and in ``AppTest`` reruns), so each page gates itself too. It

1. signs the user in, or shows the sign-in screen and stops (``dashboards/auth.py``);
2. picks the user's database rights (on PostgreSQL the role's own login);
3. refuses a page the user's role may not open;
4. sets up the run's session (``dashboards/data.py``): every query reports to the audit log before its
   rows are returned.
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from dashboards import audit, auth, data, filters, i18n
from taskforce.settings import Settings, SettingsError, load_settings

KEY_VARIABLE = "TASKFORCE_PSEUDONYMIZATION_KEY"


def _no_old_style_pages_folder() -> None:
    """A ``pages/`` folder beside ``app.py`` makes a new Streamlit server run page files directly (the old
    multipage mode, which shows every file, ``app`` included, in the sidebar) until some run calls
    ``st.navigation``. The pages gate themselves either way; this switches the old mode off as soon as
    the first run imports this module, so every later run goes through ``app.py``."""
    try:
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
    except (ImportError, AttributeError):  # another Streamlit version: the pages still gate themselves
        pass


_no_old_style_pages_folder()
# Person-level pages (built on the person-level marts, without disclosure control) are for coordinators
# and agencies; donors get the report page only (the released tables of the donor report, after
# disclosure control, with the report year as the only choice). A page file not listed here is
# person-level.
PERSON_LEVEL = frozenset({"coordinator", "agency"})
REPORT_READERS = frozenset({"coordinator", "agency", "donor"})
# who may download the donor report (XLSX, PDF, CSV): the roles it is made for and by; agency users see
# the released tables but do not export them
EXPORT_ROLES = frozenset({"coordinator", "donor"})
PAGE_ACCESS: dict[str, tuple[str, frozenset[str]]] = {
    "overview": ("Overview", PERSON_LEVEL),
    "identifications": ("Identifications", PERSON_LEVEL),
    "pathway": ("Victim pathway", PERSON_LEVEL),
    "justice": ("Justice", PERSON_LEVEL),
    "returns": ("Returns and reintegration", PERSON_LEVEL),
    "prevention": ("Prevention and capacity", PERSON_LEVEL),
    "coordination": ("Interagency coordination", PERSON_LEVEL),
    "data_health": ("Data health", PERSON_LEVEL),
    "reports": ("Indicator reports", REPORT_READERS),
}
DONOR_MESSAGE = i18n.TEXT["reports_donor_intro"][0]
"""What a donor account is shown first (in English; the report page shows it in the chosen language)."""


def page_title(page: str) -> str:
    return PAGE_ACCESS.get(page, (page.replace("_", " ").title(), PERSON_LEVEL))[0]


def page_roles(page: str) -> frozenset[str]:
    return PAGE_ACCESS.get(page, ("", PERSON_LEVEL))[1]


def may_export(role: str) -> bool:
    """Whether a role is offered the donor report's downloads."""
    return role in EXPORT_ROLES


def _secret_names(section: Any, prefix: str = "") -> list[str]:
    """Every key of the dashboard's secrets.toml, nested tables included (no secrets file: none)."""
    try:
        items = list(section.items())
    except FileNotFoundError:
        return []
    names = []
    for key, value in items:
        names.append(f"{prefix}{key}")
        if hasattr(value, "items"):
            names += _secret_names(value, f"{prefix}{key}.")
    return names


def _no_key_here() -> None:
    """The pseudonymization key belongs to the agencies' tool and the ingest service, never to the
    dashboards: drop it from this process's environment, and refuse a secrets file that holds one."""
    os.environ.pop(KEY_VARIABLE, None)
    if any("pseudonym" in name.lower() for name in _secret_names(st.secrets)):
        st.error(i18n.Translator(filters.session_language())("gate_key_in_secrets"))
        st.stop()


def _base_settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        tr = i18n.Translator(filters.session_language())
        st.error(tr("gate_config_error", problem=exc))  # the problem itself in English: it is the operator's
        st.stop()
        raise  # not reached


def _on_login(base: Settings):
    def on_login(identity: auth.Identity) -> None:
        """A sign-in: refused (AccessProblem) when the role cannot be served; recorded, or refused."""
        try:
            settings = auth.connection_settings(identity.user, base)
        except auth.AccessProblem:
            if base.engine == "duckdb":  # the refusal is recorded where it can be
                audit.record_identity(identity, base, "denied", "login")
            raise
        audit.record_identity(identity, settings, "login", "login")

    return on_login


def _on_failure(base: Settings):
    def on_failure(name: str, user: auth.User | None) -> None:
        """A wrong password: recorded (the name typed, never the password) where a connection exists."""
        try:
            if base.engine == "duckdb":
                audit.record(base, user, "local", auth.session_id(), "login_failed", "login", user_name=name)
            elif user is not None:
                settings = auth.connection_settings(user, base)
                audit.record(settings, user, "local", auth.session_id(), "login_failed", "login")
            else:
                auth.log.warning("failed sign-in for a user name that is not in the user store")
        except Exception as exc:
            auth.log.error("failed sign-in not recorded (%s)", type(exc).__name__)

    return on_failure


def sign_out() -> None:
    """The "Sign out" button's callback: recorded (best effort), then the identity is forgotten."""
    identity = auth.current_identity()
    if identity is not None:
        try:
            base = load_settings()
            audit.record_identity(identity, auth.connection_settings(identity.user, base), "logout", "logout")
        except Exception as exc:
            auth.log.error("sign-out of %s not recorded (%s)", identity.user.name, type(exc).__name__)
    auth.sign_out()


REQUESTED_PAGE_KEY = "taskforce_requested_page"


def _remember_requested_page() -> None:
    """Before sign-in: the page the link asked for (``/justice``), so that signing in leads there.
    Streamlit forgets the path when the run that shows the sign-in screen has no navigation."""
    if REQUESTED_PAGE_KEY in st.session_state or auth.current_identity() is not None:
        return
    url = st.context.url
    name = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1] if url else ""
    st.session_state[REQUESTED_PAGE_KEY] = name if name in PAGE_ACCESS else ""


def take_requested_page() -> str:
    """The page a link asked for before sign-in, once ("" when none or already shown)."""
    return st.session_state.pop(REQUESTED_PAGE_KEY, "") or ""


def enter(page: str | None = None) -> auth.Identity:
    """Sign-in, rights and audit for this run; ``page``: the page about to be shown (None: the app)."""
    data.use_session(None)
    _no_key_here()
    _remember_requested_page()
    base = _base_settings()
    identity = auth.require_identity(base, _on_login(base), _on_failure(base))
    try:
        connection = auth.connection_settings(identity.user, base)
    except auth.AccessProblem as exc:
        lang = auth.language_switch()
        st.error(exc.message(lang))
        st.button(i18n.Translator(lang)("auth_sign_out"), on_click=sign_out, key="sign_out_refused")
        st.stop()
        raise  # not reached
    if page is not None and identity.user.role not in page_roles(page):
        audit.record_identity(identity, connection, "denied", page)
        lang = auth.language_switch()
        title = i18n.page_title(page, lang) or page_title(page)
        role = auth.role_name(identity.user.role, lang)
        st.error(i18n.Translator(lang)("gate_page_denied", page=title, role=role))
        st.stop()
    data.use_session(
        data.Session(settings=connection, page=page or "", on_query=audit.query_recorder(identity))
    )
    return identity
