"""Sign-in before any query, and the database rights each signed-in user's queries run with.

How people sign in is one setting, ``TASKFORCE_DASHBOARD_AUTH``:

``local`` (default)
    name and password, checked against the bcrypt hashes of the user store (``taskforce users``).
``proxy``
    a trusted reverse proxy (oauth2-proxy, Authelia, nginx with an identity provider) has signed the
    person in and sends the name in a header (``TASKFORCE_DASHBOARD_PROXY_HEADER``, default
    ``X-Forwarded-User``). Only safe when the dashboard listens on 127.0.0.1 behind that proxy and the
    proxy strips the header from what clients send: the app refuses proxy mode on any other address.
``oidc``
    OpenID Connect through Streamlit's ``st.login`` (needs Authlib and an ``[auth]`` section in the
    dashboard's secrets.toml); the claim ``TASKFORCE_OIDC_USER_CLAIM`` (default ``email``) names the user.

Whatever the method, the user must be in the user store, which gives the role (coordinator, agency,
donor). On PostgreSQL the user's queries run on that role's own database login
(``TASKFORCE_DASHBOARD_URL_<GROUP>``, e.g. ``TASKFORCE_DASHBOARD_URL_COORDINATOR`` or
``TASKFORCE_DASHBOARD_URL_AGENCY_TNP``), checked on first use to be a plain member of the role's group
(not a superuser, not BYPASSRLS, not the loader, the builder or the database owner), so that row-level
security decides what the user sees. The warehouse owner's URL is never used for a dashboard query.
DuckDB has no roles or row-level security: it serves coordinator and donor users only.

Everything the sign-in screen and its messages say is in Turkish and English (``dashboards/i18n.py``): the
screen has the pages' language switch (the same widget and ``lang`` URL parameter), so the language chosen
before signing in is the one the pages open in. ``AccessProblem`` keeps its message as a text key: ``str()``
gives English (logs, tests), ``message(lang)`` the user's language.
"""

from __future__ import annotations

import importlib.util
import ipaddress
import logging
import os
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import partial

import streamlit as st

from dashboards import i18n
from taskforce.settings import Settings, postgres_parts
from taskforce.users import User, UserError, UserStore, store_for

AUTH_VARIABLE = "TASKFORCE_DASHBOARD_AUTH"
PROXY_HEADER_VARIABLE = "TASKFORCE_DASHBOARD_PROXY_HEADER"
DEFAULT_PROXY_HEADER = "X-Forwarded-User"
OIDC_PROVIDER_VARIABLE = "TASKFORCE_OIDC_PROVIDER"
OIDC_CLAIM_VARIABLE = "TASKFORCE_OIDC_USER_CLAIM"
URL_VARIABLE_PREFIX = "TASKFORCE_DASHBOARD_URL_"
METHODS = ("local", "proxy", "oidc")
IDENTITY_KEY = "taskforce_identity"
SESSION_KEY = "taskforce_session_id"
LOGIN_MESSAGE_KEY = "taskforce_login_message"
# after this many wrong passwords for one name, that name is refused for a while (in this server process)
MAX_FAILURES = 5
LOCKOUT_SECONDS = 15 * 60

log = logging.getLogger("taskforce.dashboard")


class AccessProblem(RuntimeError):
    """The user cannot be signed in or served; the message is for the user (no secrets, no data): the text
    ``key`` of ``dashboards/i18n.py`` with its values (a value may be a function of the language)."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(self.message("en"))

    def message(self, lang: str) -> str:
        shown = {name: value(lang) if callable(value) else value for name, value in self.values.items()}
        return i18n.Translator(lang)(self.key, **shown)

    def __reduce__(self) -> tuple[object, ...]:  # session state may be pickled: by its key and values
        return (_access_problem, (self.key, self.values))


def _access_problem(key: str, values: dict[str, object]) -> AccessProblem:
    return AccessProblem(key, **values)


@dataclass(frozen=True)
class Identity:
    user: User
    method: str
    session_id: str


def auth_method(environ: Mapping[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    method = (env.get(AUTH_VARIABLE) or "local").strip().lower()
    if method not in METHODS:
        raise AccessProblem(
            "auth_method_invalid", variable=AUTH_VARIABLE, methods=", ".join(METHODS), method=method
        )
    return method


def role_name(role: str, lang: str) -> str:
    """A dashboard role (coordinator, agency, donor) in the language."""
    key = f"auth_role_{role}"
    return i18n.Translator(lang)(key) if key in i18n.TEXT else role


def role_label(user: User, lang: str) -> str:
    """The user's role as the sidebar shows it: "agency (tnp)" / "kurum (tnp)"."""
    name = role_name(user.role, lang)
    return f"{name} ({user.agency})" if user.role == "agency" else name


def language_switch() -> str:
    """The pages' language switch (``dashboards/filters.py``: same widget key, same ``lang`` URL
    parameter), for the screens that stop before a page draws it: the sign-in screen and the refusals.
    The choice goes into the URL as the pages write it (only when it is not the default), so a reload
    and the pages after sign-in keep it. Call it at most once per script run."""
    from dashboards import filters  # filters imports the audit module, which imports this one

    lang = filters.language()
    name = filters.URL["lang"]
    if lang != i18n.DEFAULT_LANGUAGE:
        if st.query_params.get(name) != lang:
            st.query_params[name] = lang
    elif name in st.query_params:
        del st.query_params[name]
    return lang


def session_id() -> str:
    if SESSION_KEY not in st.session_state:
        st.session_state[SESSION_KEY] = uuid.uuid4().hex
    return st.session_state[SESSION_KEY]


def current_identity() -> Identity | None:
    identity = st.session_state.get(IDENTITY_KEY)
    return identity if isinstance(identity, Identity) else None


# --- failed sign-ins ----------------------------------------------------------------------------------

_failures: dict[str, list[float]] = {}
_failures_lock = threading.Lock()


def locked_out(name: str, now: float | None = None) -> bool:
    now = time.monotonic() if now is None else now
    with _failures_lock:
        recent = [t for t in _failures.get(name, []) if now - t < LOCKOUT_SECONDS]
        _failures[name] = recent
        return len(recent) >= MAX_FAILURES


def note_failure(name: str) -> None:
    with _failures_lock:
        _failures.setdefault(name, []).append(time.monotonic())


def clear_failures(name: str) -> None:
    with _failures_lock:
        _failures.pop(name, None)


# --- identity from a reverse proxy or an identity provider --------------------------------------------


def identity_from_headers(headers: Mapping[str, str], header: str, store: UserStore) -> User | None:
    """The user a trusted proxy names in ``header`` (case-insensitive), if the store knows them."""
    wanted = header.lower()
    value = next((v for k, v in headers.items() if k.lower() == wanted), None)
    return store.get(value) if value else None


def identity_from_claims(claims: Mapping[str, object], claim: str, store: UserStore) -> User | None:
    """The user an OpenID Connect identity token names in ``claim``; an e-mail claim counts only when
    the provider has not marked it unverified."""
    value = claims.get(claim)
    if not isinstance(value, str) or not value:
        return None
    if claim == "email" and claims.get("email_verified") is False:
        return None
    return store.get(value)


def bound_to_loopback() -> bool:
    address = str(st.get_option("server.address") or "")
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


# --- which database login a user's queries use --------------------------------------------------------


def url_variable(user: User) -> str:
    return URL_VARIABLE_PREFIX + user.group.upper()


def _configured_url(variable: str) -> str | None:
    url = os.environ.get(variable)
    if url:
        return url
    try:  # or the dashboard's secrets.toml, [dashboard_urls] table, keyed by the same variable name
        section = st.secrets.get("dashboard_urls", {})
        value = section.get(variable) if hasattr(section, "get") else None
    except (FileNotFoundError, KeyError, AttributeError):
        return None
    return str(value) if value else None


_verified: set[tuple[str, str]] = set()
_verified_lock = threading.Lock()

_LOGIN_CHECK_SQL = """
select r.rolsuper or r.rolbypassrls,
       pg_catalog.pg_has_role(current_user, %(group)s, 'MEMBER'),
       exists (select from pg_catalog.pg_roles as g
               where g.rolname = any(%(owners)s) and pg_catalog.pg_has_role(current_user, g.oid, 'MEMBER')),
       pg_catalog.pg_has_role(current_user, d.datdba, 'MEMBER')
from pg_catalog.pg_roles as r, pg_catalog.pg_database as d
where r.rolname = current_user and d.datname = current_database()
"""


def verify_login(url: str, group: str, prefix: str) -> None:
    """The database login at ``url`` is a plain member of ``<prefix><group>``: no superuser, no BYPASSRLS,
    not a member of the owning groups (loader, builder) nor of the database owner. Checked once per
    server process and login."""
    import psycopg

    key = (url, group)
    with _verified_lock:
        if key in _verified:
            return
    full_group = f"{prefix}{group}"
    try:
        with psycopg.connect(url, connect_timeout=10) as con:
            exists = con.execute("select 1 from pg_catalog.pg_roles where rolname = %s", (full_group,))
            if exists.fetchone() is None:
                raise AccessProblem("auth_no_group_role", group=full_group)
            row = con.execute(
                _LOGIN_CHECK_SQL,
                {"group": full_group, "owners": [f"{prefix}loader", f"{prefix}builder"]},
            ).fetchone()
    except psycopg.OperationalError:
        raise AccessProblem("auth_unreachable") from None
    bypasses, member, owning, owner = row
    if bypasses:
        raise AccessProblem("auth_login_bypasses", group=group)
    if not member:
        raise AccessProblem("auth_login_not_member", group=group, role=full_group)
    if owning or owner:
        raise AccessProblem("auth_login_owns", group=group)
    with _verified_lock:
        _verified.add(key)


def connection_settings(user: User, base: Settings, prefix: str | None = None) -> Settings:
    """The settings the user's queries run with: on PostgreSQL, the role's own login."""
    if base.engine == "duckdb":
        if user.role == "agency":
            raise AccessProblem("auth_agency_needs_postgres")
        return base
    from taskforce.access import role_prefix

    variable = url_variable(user)
    url = _configured_url(variable)
    if not url:
        raise AccessProblem("auth_no_login_for_role", role=partial(role_label, user), variable=variable)
    if postgres_parts(url).user == postgres_parts(base.warehouse_url).user:
        raise AccessProblem("auth_owner_login", variable=variable)
    verify_login(url, user.group, role_prefix(prefix))
    return replace(base, warehouse_url=url)


# --- the gate -----------------------------------------------------------------------------------------


def sign_in(identity: Identity) -> None:
    st.session_state[IDENTITY_KEY] = identity


def sign_out() -> None:
    identity = current_identity()
    st.session_state.pop(IDENTITY_KEY, None)
    if identity is not None and identity.method == "oidc":
        st.logout()


def _screen() -> i18n.Translator:
    """The sign-in screen's language switch and title; its translator. Once per script run."""
    tr = i18n.Translator(language_switch())
    st.title(tr("auth_sign_in_title"))
    return tr


def store_or_stop(settings: Settings) -> UserStore:
    store = store_for(settings)
    if not store.exists():
        _stop_with(
            AccessProblem("auth_no_users", command="taskforce users add NAME --role coordinator|agency|donor")
        )
    return store


def _stop_with(problem: AccessProblem) -> None:
    tr = _screen()
    st.error(problem.message(tr.lang))
    st.stop()


def require_identity(settings: Settings, on_login, on_failure) -> Identity:
    """The signed-in identity, or the sign-in screen and ``st.stop()``: nothing below runs, no query.
    ``on_login(identity)`` records a sign-in (it raises if the audit log cannot be written, and the
    sign-in is refused); ``on_failure(name, user)`` records a failed one."""
    try:
        method = auth_method()
    except AccessProblem as exc:
        _stop_with(exc)
    identity = current_identity()
    if identity is not None and identity.method == method:
        if method == "oidc" and not st.user.to_dict().get("is_logged_in", False):
            st.session_state.pop(IDENTITY_KEY, None)  # the identity cookie expired or was cleared
        else:
            return identity
    store = store_or_stop(settings)
    if method == "local":
        _local_form(store, on_login, on_failure)
        st.stop()
    user = _proxy_user(store) if method == "proxy" else _oidc_user(store)
    identity = Identity(user=user, method=method, session_id=session_id())
    problem = _try_login(identity, on_login)
    if problem:
        _stop_with(problem)
    sign_in(identity)
    return identity


def _try_login(identity: Identity, on_login) -> AccessProblem | None:
    """Run ``on_login``; what to tell the user when the sign-in must be refused, else None."""
    try:
        on_login(identity)
    except AccessProblem as exc:
        return exc
    except Exception as exc:  # the audit log cannot be written: no sign-in
        log.error(
            "sign-in of %s refused: the audit log cannot be written (%s)",
            identity.user.name,
            type(exc).__name__,
        )
        return AccessProblem("auth_not_recorded")
    return None


def _proxy_user(store: UserStore) -> User:
    header = os.environ.get(PROXY_HEADER_VARIABLE) or DEFAULT_PROXY_HEADER
    if not bound_to_loopback():
        _stop_with(AccessProblem("auth_proxy_public", command="taskforce dashboard --address 127.0.0.1"))
    user = identity_from_headers(st.context.headers, header, store)
    if user is None:
        _stop_with(AccessProblem("auth_not_signed_in"))
    return user  # type: ignore[return-value]


def _oidc_user(store: UserStore) -> User:
    try:
        configured = "auth" in st.secrets
    except FileNotFoundError:
        configured = False
    if not configured:
        _stop_with(AccessProblem("auth_oidc_no_section", variable=AUTH_VARIABLE))
    claims = st.user.to_dict()
    if not claims.get("is_logged_in", False):
        if importlib.util.find_spec("authlib") is None:
            _stop_with(AccessProblem("auth_oidc_no_authlib", command="pip install 'streamlit[auth]'"))
        tr = _screen()
        provider = os.environ.get(OIDC_PROVIDER_VARIABLE) or None
        st.button(tr("auth_oidc_button"), on_click=st.login, args=(provider,))
        st.stop()
    claim = os.environ.get(OIDC_CLAIM_VARIABLE) or "email"
    user = identity_from_claims(claims, claim, store)
    if user is None:
        tr = _screen()
        st.error(tr("auth_no_role"))
        st.button(tr("auth_sign_out"), on_click=st.logout)
        st.stop()
    return user  # type: ignore[return-value]


def _local_form(store: UserStore, on_login, on_failure) -> None:
    tr = _screen()
    st.caption(tr("auth_sign_in_caption"))
    problem = st.session_state.pop(LOGIN_MESSAGE_KEY, None)
    if isinstance(problem, AccessProblem):  # shown in the language of this run, whatever it was before
        st.error(problem.message(tr.lang))
    with st.form("login", clear_on_submit=True):
        st.text_input(tr("auth_user_name"), key="login_user", autocomplete="username")
        st.text_input(
            tr("auth_password"), key="login_password", type="password", autocomplete="current-password"
        )
        st.form_submit_button(
            tr("auth_sign_in_button"),
            on_click=_check_password,
            args=(store, on_login, on_failure),
            key="login_submit",
        )


def _check_password(store: UserStore, on_login, on_failure) -> None:
    """The form's callback: runs before the next script run, so the password leaves session state
    before any page code could see it."""
    name = str(st.session_state.get("login_user") or "").strip().lower()
    password = str(st.session_state.get("login_password") or "")
    st.session_state["login_password"] = ""
    generic = AccessProblem("auth_wrong_password")
    if not name or not password:
        st.session_state[LOGIN_MESSAGE_KEY] = generic
        return
    if locked_out(name):
        st.session_state[LOGIN_MESSAGE_KEY] = AccessProblem("auth_locked_out", minutes=LOCKOUT_SECONDS // 60)
        on_failure(name, None)
        return
    try:
        user = store.authenticate(name, password)
    except UserError:
        user = None
    if user is None:
        note_failure(name)
        on_failure(name, store.get(name))
        st.session_state[LOGIN_MESSAGE_KEY] = generic
        return
    identity = Identity(user=user, method="local", session_id=session_id())
    problem = _try_login(identity, on_login)
    if problem:
        st.session_state[LOGIN_MESSAGE_KEY] = problem
        return
    clear_failures(name)
    sign_in(identity)
