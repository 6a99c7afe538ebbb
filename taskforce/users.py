"""Dashboard users: who may sign in, with which role, and (for local sign-in) a bcrypt password hash.

The store is one JSON file outside the repository, under the data folder by default
(``<TASKFORCE_DATA_DIR>/dashboard_users.json``, or ``TASKFORCE_USERS_FILE``), readable by the account that
runs the dashboard and nobody else (mode 0600). ``taskforce users add|passwd|remove|list`` manages it;
passwords come from standard input or ``TASKFORCE_USER_PASSWORD``, never from the command line (where
``ps`` and shell history would show them).

Every user has one dashboard role:

=============== ==========================================================================================
coordinator     every row of the person-level marts (PostgreSQL group ``<prefix>coordinator``)
agency          its own agency's rows only (``--agency CODE``; PostgreSQL group ``<prefix>agency_<code>``)
donor           report pages only, nothing person-level (PostgreSQL group ``<prefix>donor``)
=============== ==========================================================================================

A user without a password hash can only sign in through an identity provider (OIDC) or a trusted
reverse proxy, which vouch for the name; the store then only maps the name to a role.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from taskforce.files import replaced_atomically
from taskforce.settings import Settings

USERS_FILE_VARIABLE = "TASKFORCE_USERS_FILE"
PASSWORD_VARIABLE = "TASKFORCE_USER_PASSWORD"
DEFAULT_USERS_FILE = "dashboard_users.json"
ROLES = ("coordinator", "agency", "donor")
BCRYPT_ROUNDS = 12  # ~0.6 s per check on this machine's cores: slow for guessing, fine for a login
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further; refusing longer ones keeps "what you typed" honest
STORE_VERSION = 1

# Names are what people type or what an identity provider sends (often an e-mail address); compared
# case-insensitively, so they are stored lower-case.
_NAME = re.compile(r"[a-z0-9][a-z0-9._@+-]{0,127}")


class UserError(ValueError):
    """The user store cannot do what was asked; the message says why (never with a password)."""


@dataclass(frozen=True)
class User:
    name: str
    role: str
    agency: str | None = None
    password_hash: str | None = None  # bcrypt ($2b$...); None: only an identity provider or proxy
    created_at: str = ""
    disabled: bool = False

    @property
    def group(self) -> str:
        """The access-control group (without prefix) whose rights this user's dashboard session uses."""
        return f"agency_{self.agency}" if self.role == "agency" else self.role

    @property
    def label(self) -> str:
        return f"{self.role} ({self.agency})" if self.role == "agency" else self.role


def users_file(settings: Settings, environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    configured = env.get(USERS_FILE_VARIABLE)
    return Path(configured).resolve() if configured else settings.data_dir / DEFAULT_USERS_FILE


def normalize_name(name: str) -> str:
    folded = name.strip().lower()
    if not _NAME.fullmatch(folded):
        raise UserError(
            "a user name is 1-128 letters, digits or . _ @ + - (an e-mail address is fine), starting with "
            "a letter or digit"
        )
    return folded


def check_role(role: str, agency: str | None, agencies: Mapping[str, object] | None = None) -> None:
    if role not in ROLES:
        raise UserError(f"the role must be one of {', '.join(ROLES)}; got '{role}'")
    if role == "agency":
        if not agency:
            raise UserError("an agency user needs --agency CODE (a code of ingest/agencies.yaml)")
        if agencies is None:
            from ingest.contract import load_agencies

            agencies = load_agencies()
        if agency not in agencies:
            raise UserError(f"unknown agency '{agency}'; known: {', '.join(sorted(agencies))}")
    elif agency:
        raise UserError(f"--agency goes with the agency role only, not with {role}")


def hash_password(password: str, rounds: int = BCRYPT_ROUNDS) -> str:
    import bcrypt

    check_password_rules(password)
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise UserError(f"the password must have at least {MIN_PASSWORD_CHARS} characters")
    if len(password.encode("utf-8")) > MAX_PASSWORD_BYTES:
        raise UserError(f"the password must be at most {MAX_PASSWORD_BYTES} bytes (a bcrypt limit)")


# A hash of a random password, checked against when the name is unknown, so that a wrong name takes as
# long as a wrong password (no way to find out which names exist by timing the answer).
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = hash_password(secrets.token_urlsafe(24))
    return _DUMMY_HASH


def _password_matches(password: str, password_hash: str) -> bool:
    import bcrypt

    encoded = password.encode("utf-8")
    if len(encoded) > MAX_PASSWORD_BYTES:
        return False
    try:
        return bcrypt.checkpw(encoded, password_hash.encode("ascii"))
    except ValueError:  # a malformed hash in the file: no sign-in with it
        return False


class UserStore:
    """The JSON file of users. Reads are lock-free (the file is replaced atomically); changes hold an
    exclusive lock on a sidecar file, so two ``taskforce users`` commands never lose each other's edits."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def exists(self) -> bool:
        return self.path.is_file()

    def users(self) -> dict[str, User]:
        if not self.path.is_file():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {name: User(name=name, **fields) for name, fields in data.get("users", {}).items()}
        except (ValueError, TypeError) as exc:
            raise UserError(f"the user store {self.path} is not readable: {exc.__class__.__name__}") from None

    def get(self, name: str) -> User | None:
        try:
            key = normalize_name(name)
        except UserError:
            return None
        user = self.users().get(key)
        return None if user is None or user.disabled else user

    def authenticate(self, name: str, password: str) -> User | None:
        """The user, when the name exists, is enabled, has a password and the password matches."""
        user = self.get(name)
        if user is None or not user.password_hash:
            _password_matches(password, _dummy_hash())
            return None
        return user if _password_matches(password, user.password_hash) else None

    @contextmanager
    def _editing(self) -> Iterator[dict[str, User]]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock_path = self.path.with_name(f".{self.path.name}.lock")
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            users = self.users()
            yield users
            self._write(users)

    def _write(self, users: dict[str, User]) -> None:
        payload = {
            "version": STORE_VERSION,
            "users": {
                name: {k: v for k, v in asdict(user).items() if k != "name"}
                for name, user in sorted(users.items())
            },
        }
        with replaced_atomically(self.path) as temporary:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as out:
                json.dump(payload, out, indent=2)
                out.write("\n")
                out.flush()
                os.fsync(out.fileno())

    def add(
        self,
        name: str,
        role: str,
        agency: str | None = None,
        password: str | None = None,
        replace_existing: bool = False,
        rounds: int = BCRYPT_ROUNDS,
    ) -> User:
        key = normalize_name(name)
        check_role(role, agency)
        password_hash = hash_password(password, rounds) if password is not None else None
        with self._editing() as users:
            if key in users and not replace_existing:
                raise UserError(f"user {key} exists already (taskforce users passwd, or remove it first)")
            user = User(
                name=key,
                role=role,
                agency=agency,
                password_hash=password_hash,
                created_at=datetime.now(UTC).replace(microsecond=0).isoformat(),
            )
            users[key] = user
        return user

    def set_password(self, name: str, password: str | None, rounds: int = BCRYPT_ROUNDS) -> User:
        key = normalize_name(name)
        password_hash = hash_password(password, rounds) if password is not None else None
        with self._editing() as users:
            if key not in users:
                raise UserError(f"no user {key}")
            users[key] = replace(users[key], password_hash=password_hash)
            return users[key]

    def set_disabled(self, name: str, disabled: bool) -> User:
        key = normalize_name(name)
        with self._editing() as users:
            if key not in users:
                raise UserError(f"no user {key}")
            users[key] = replace(users[key], disabled=disabled)
            return users[key]

    def remove(self, name: str) -> None:
        key = normalize_name(name)
        with self._editing() as users:
            if users.pop(key, None) is None:
                raise UserError(f"no user {key}")


def store_for(settings: Settings, environ: Mapping[str, str] | None = None) -> UserStore:
    return UserStore(users_file(settings, environ))


def new_password() -> str:
    """A random password for demo users (and for operators who want one): 20 URL-safe characters."""
    return secrets.token_urlsafe(15)
