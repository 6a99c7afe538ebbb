"""The ``taskforce`` command: the front door to the whole flow.

taskforce demo        generate demo extracts, ingest them, build, serve the dashboard
taskforce ingest F..  load agency extract files (quarantining broken rows)
taskforce build       run dbt against the configured warehouse
taskforce dashboard   serve the Streamlit dashboards
taskforce status      batches loaded per agency and the last build
taskforce spec        write the agencies' extract specification from the contracts
taskforce check F..   what ingest would do with files, without touching the warehouse
taskforce pseudonymize IN OUT --columns C..   replace identifiers with person keys (at the agency)
taskforce db init     roles, schemas and privileges on PostgreSQL (idempotent)
taskforce users ...   dashboard users: add, passwd, remove, list (password from stdin, never argv)
taskforce audit       the latest entries of the dashboards' audit log
taskforce retention   destroy person-level rows past the retention period (dry run unless --apply)
taskforce report --period YYYY [--from YYYY-01 --to YYYY-12] --format xlsx|pdf|csv|all --out DIR
                      donor indicator report, disclosure-controlled and audited (reports/)
"""

from __future__ import annotations

import argparse
import errno
import getpass
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from taskforce.settings import PROJECT_ROOT, Settings, SettingsError, load_settings
from taskforce.warehouse import WarehouseBusy


def _print_ingest(result: object) -> None:
    print(_ingest_text(result))


def _ingest_text(result: object) -> str:
    """What happened to one file, for the agency focal point: outcome, counts, quarantine reasons."""
    from ingest.run import IngestResult

    assert isinstance(result, IngestResult)
    lines: list[str] = []
    skipped = f", {result.rows_skipped} title/total rows skipped" if result.rows_skipped else ""
    if result.outcome == "accepted":
        lines.append(
            f"{result.file_name}: would be accepted as {result.source} from {result.agency} for "
            f"{result.period}: {result.rows_read} rows read, {result.rows_loaded} would load, "
            f"{result.rows_quarantined} would be quarantined{skipped}"
        )
        lines += [f"    would quarantine {reason}" for reason in result.quarantine_reasons[:50]]
        if len(result.quarantine_reasons) > 50:
            lines.append(f"    ... and {len(result.quarantine_reasons) - 50} more")
    elif result.outcome == "loaded":
        lines.append(
            f"{result.file_name}: loaded as {result.batch_id}: {result.rows_read} rows read, "
            f"{result.rows_loaded} loaded, {result.rows_quarantined} quarantined{skipped}"
        )
        lines += [f"    quarantined {reason}" for reason in result.quarantine_reasons[:20]]
        if len(result.quarantine_reasons) > 20:
            lines.append(f"    ... and {len(result.quarantine_reasons) - 20} more (see ops.quarantine)")
    elif result.outcome == "already_loaded":
        lines.append(f"{result.file_name}: {result.message}")
    else:
        lines.append(f"REJECTED {result.message}")
    return "\n".join(lines)


def cmd_ingest(
    settings: Settings,
    paths: Sequence[Path],
    source: str | None,
    period: str | None,
    agency: str | None = None,
    extracted_on: date | None = None,
) -> int:
    from ingest.run import ingest_with_retry

    missing = [p for p in paths if not p.is_file()]
    if missing:
        for path in missing:
            print(f"REJECTED {path}: no such file", file=sys.stderr)
        return 2
    from tqdm import tqdm

    rejected = 0
    with tqdm(total=len(paths), unit="file", disable=None, leave=False) as files:
        for path in paths:
            with tqdm(desc=path.name, unit=" rows", disable=None, leave=False) as rows:
                result = ingest_with_retry(
                    settings,
                    path,
                    source=source,
                    period=period,
                    agency=agency,
                    extracted_on=extracted_on,
                    on_rows=rows.update,
                )
            files.write(_ingest_text(result))
            files.update()
            rejected += result.outcome == "rejected"
    return 1 if rejected else 0


def cmd_check(paths: Sequence[Path], source: str | None, period: str | None, agency: str | None) -> int:
    from ingest.run import check_file

    status = 0
    for path in paths:
        if not path.is_file():
            print(f"REJECTED {path}: no such file", file=sys.stderr)
            status = 2
            continue
        result = check_file(path, source=source, period=period, agency=agency)
        _print_ingest(result)
        if result.outcome == "rejected":
            status = max(status, 1)
    return status


def cmd_pseudonymize(args: argparse.Namespace) -> int:
    from ingest.pseudonymize import PseudonymizeError, generate_key, load_key, pseudonymize_csv

    if args.new_key:
        print(generate_key())
        return 0
    if not (args.input and args.output and args.columns):
        print("pseudonymize needs IN OUT and --columns (or --new-key)", file=sys.stderr)
        return 2
    try:
        key = load_key(args.key_file)
        summary = pseudonymize_csv(
            args.input,
            args.output,
            [c.strip() for c in args.columns.split(",")],
            key,
            args.key_id,
            output_column=args.output_column,
        )
    except PseudonymizeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(
        f"wrote {args.output}: {summary.rows} rows, person keys made with key {summary.key_id}"
        + (
            f"; {summary.rows_without_identifier} rows had no identifier"
            if summary.rows_without_identifier
            else ""
        )
    )
    return 0


def cmd_build(settings: Settings, full_refresh: bool) -> int:
    from taskforce.build import build

    result = build(settings, full_refresh=full_refresh)
    print(f"build {result.build_id}: {result.message}")
    if result.ok and settings.engine == "duckdb":
        print(f"published {settings.serving_path} for the dashboards")
    return 0 if result.ok else 1


def cmd_status(settings: Settings) -> int:
    from taskforce.status import batches_summary, last_build

    print(f"warehouse: {settings.engine}")
    summary = batches_summary(settings)
    if summary.empty:
        print("no batches loaded yet")
    else:
        print(summary.to_string(index=False))
    build = last_build(settings)
    if build is None:
        print("no build yet")
    else:
        print(
            f"last build {build['build_id']}: {build['status']} (started {build['started_at']}, "
            f"finished {build['finished_at']})"
        )
    return 0


def cmd_spec(out: Path | None) -> int:
    from ingest.contract import load_registry
    from ingest.spec import render_spec

    text = render_spec(load_registry())
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        print(f"wrote {out}")
    return 0


def dashboard_command(port: int, address: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT_ROOT / "dashboards" / "app.py"),
        "--server.port",
        str(port),
        "--server.address",
        address,
    ]


def cmd_dashboard(port: int, address: str) -> int:
    """Become the Streamlit server (exec, not a child process), so stopping this process stops it."""
    print(f"serving the dashboards on http://{address}:{port} (Ctrl+C to stop)", flush=True)
    command = dashboard_command(port, address)
    os.chdir(PROJECT_ROOT)  # Streamlit reads .streamlit/config.toml from the working directory
    os.execv(command[0], command)
    return 0  # not reached


def cmd_demo(settings: Settings, serve: bool, port: int, address: str) -> int:
    from taskforce.demo_data import write_demo_extracts

    paths = write_demo_extracts(settings.demo_dir)
    print(f"wrote {len(paths)} demo extracts to {settings.demo_dir}")
    if cmd_ingest(settings, paths, None, None) != 0:
        return 1
    if cmd_build(settings, full_refresh=False) != 0:
        return 1
    cmd_status(settings)
    _demo_users(settings, f"http://{address}:{port}")
    if not serve:
        print(f"dashboard: run `taskforce dashboard` and open http://{address}:{port}")
        return 0
    return cmd_dashboard(port, address)


def _demo_users(settings: Settings, url: str) -> None:
    """One demo user per dashboard role, with a new random password each run, and how to sign in."""
    from ingest.contract import load_agencies
    from taskforce.users import new_password, store_for

    store = store_for(settings)
    agency = next(iter(load_agencies()))
    print(f"demo dashboard users (in {store.path}; sign in at {url}):")
    for role, code in (("coordinator", None), ("agency", agency), ("donor", None)):
        name = f"demo-{role}" + (f"-{code}" if code else "")
        password = new_password()
        store.add(name, role, code, password, replace_existing=True)
        note = " (needs PostgreSQL: DuckDB has no row-level security)" if role == "agency" else ""
        print(f"    {name:<22} password {password}{note}")
    if settings.engine == "postgres":
        print(
            "    on PostgreSQL each role also needs its database login: see docs/security.md "
            "(TASKFORCE_DASHBOARD_URL_<ROLE>)"
        )


def cmd_db_init(settings: Settings, args: argparse.Namespace) -> int:
    """Set up access control on the warehouse (or on --admin-url, for a connection with more rights)."""
    from taskforce.access import init_database

    return init_database(args.admin_url or settings.warehouse_url, args.role_prefix, args.login)


def _read_password(args: argparse.Namespace) -> str | None:
    """The new password: none with --no-password; else TASKFORCE_USER_PASSWORD, else standard input (asked
    twice on a terminal). Never from the command line, where ps and shell history would keep it."""
    from taskforce.users import PASSWORD_VARIABLE, UserError

    if args.no_password:
        return None
    password = os.environ.get(PASSWORD_VARIABLE)
    if password:
        return password
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise UserError("the two passwords differ")
        return first
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserError(
            f"no password: give it on standard input or in {PASSWORD_VARIABLE}, or use --no-password"
        )
    return password


def cmd_users(settings: Settings, args: argparse.Namespace) -> int:
    from taskforce.users import UserError, store_for

    store = store_for(settings)
    try:
        if args.users_command == "list":
            users = store.users()
            if not users:
                print(f"no dashboard users in {store.path}")
            for user in users.values():
                how = "password" if user.password_hash else "identity provider or proxy only"
                state = ", disabled" if user.disabled else ""
                print(f"{user.name:<30} {user.label:<20} {how}{state}")
            return 0
        if args.users_command == "remove":
            store.remove(args.name)
            print(f"removed {args.name}")
            return 0
        if args.users_command in ("disable", "enable"):
            store.set_disabled(args.name, args.users_command == "disable")
            print(f"{args.users_command}d {args.name}")
            return 0
        password = _read_password(args)
        if args.users_command == "add":
            user = store.add(args.name, args.role, args.agency, password)
            print(f"added {user.name} as {user.label} to {store.path}")
        else:
            user = store.set_password(args.name, password)
            print(f"password of {user.name} {'set' if password else 'removed (identity provider only)'}")
    except UserError as exc:
        print(f"users: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_audit(settings: Settings, limit: int) -> int:
    from taskforce.audit import read_log

    log = read_log(settings, limit)
    if log.empty:
        print("the audit log is empty")
    else:
        print(log.to_string(index=False))
    return 0


def cmd_retention(settings: Settings, args: argparse.Namespace) -> int:
    from taskforce.retention import run

    return run(settings, args.years, args.as_of, do_apply=args.apply, build=not args.no_build)


def cmd_report(settings: Settings, args: argparse.Namespace) -> int:
    """Make the donor report; nothing is written unless every released table passes the audit."""
    from reports.content import ReportRequestError, parse_request
    from reports.disclosure import DisclosureError
    from reports.report import generate_report, write_report
    from reports.source import ReportDataError

    try:
        request = parse_request(args.period, args.date_from, args.date_to, args.threshold)
    except ReportRequestError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 2
    try:
        report = generate_report(settings, request)
    except ReportDataError as exc:
        print(f"report: {exc}", file=sys.stderr)
        return 1
    except DisclosureError as exc:
        print(f"report: refused, the release is not safe to publish: {exc}", file=sys.stderr)
        return 1
    for path in write_report(report, args.out, args.format):
        print(f"wrote {path}")
    print(f"disclosure control: threshold {request.threshold}; {report.summary['Attack audit']}")
    return 0


def _disk_full(exc: BaseException) -> bool:
    """A write failed for lack of space, from either engine or the file system."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
            return True
        if type(seen).__name__ == "DiskFull" or "No space left on device" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="taskforce", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = p.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="generate demo extracts, ingest, build and serve the dashboard")
    demo.add_argument("--no-serve", action="store_true", help="stop after the build")
    ingest = sub.add_parser("ingest", help="load agency extract files")
    ingest.add_argument("paths", nargs="+", type=Path, metavar="FILE")
    ingest.add_argument("--source", help="source name, when the file name does not follow the convention")
    ingest.add_argument("--period", help="reporting period YYYY or YYYY-MM, when not in the file name")
    ingest.add_argument("--agency", help="sending agency code, when not fixed by the source or the file name")
    ingest.add_argument(
        "--extracted-on",
        type=date.fromisoformat,
        help="date the agency made the extract (YYYY-MM-DD), when not in the file name as _YYYYMMDD",
    )
    build = sub.add_parser("build", help="build the warehouse with dbt")
    build.add_argument("--full-refresh", action="store_true")
    sub.add_parser("status", help="batches loaded per agency and the last build")
    check = sub.add_parser("check", help="check extract files against their contract (no database)")
    check.add_argument("paths", nargs="+", type=Path, metavar="FILE")
    check.add_argument("--source")
    check.add_argument("--period")
    check.add_argument("--agency")
    pseudo = sub.add_parser("pseudonymize", help="replace identifier columns with person keys (agency side)")
    pseudo.add_argument("input", nargs="?", type=Path, metavar="IN")
    pseudo.add_argument("output", nargs="?", type=Path, metavar="OUT")
    pseudo.add_argument("--columns", help="identifier column(s), comma-separated, combined in this order")
    pseudo.add_argument(
        "--key-file", type=Path, help="file with the key (hex); default: $TASKFORCE_PSEUDONYMIZATION_KEY"
    )
    pseudo.add_argument(
        "--key-id", default="k1", help="key id written in front of every person key (default k1)"
    )
    pseudo.add_argument("--output-column", default="person_key")
    pseudo.add_argument("--new-key", action="store_true", help="print a new random 256-bit key and stop")
    spec = sub.add_parser("spec", help="write the extract specification for agencies (Markdown)")
    spec.add_argument("--out", type=Path, help="file to write (default: standard output)")
    dashboard = sub.add_parser("dashboard", help="serve the Streamlit dashboards")
    db = sub.add_parser("db", help="administer the PostgreSQL warehouse")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_init = db_sub.add_parser(
        "init", help="create roles, schemas and privileges (idempotent; see taskforce/access.py)"
    )
    db_init.add_argument(
        "--admin-url", help="connect with this URL instead of TASKFORCE_WAREHOUSE_URL (the database owner)"
    )
    db_init.add_argument("--role-prefix", help="role name prefix (default: $TASKFORCE_ROLE_PREFIX or tf_)")
    db_init.add_argument(
        "--login",
        action="append",
        default=[],
        metavar="GROUP:USER",
        help="also create login USER in GROUP (e.g. agency_tnp:ayse); password: TASKFORCE_PASSWORD_<USER>",
    )
    users = sub.add_parser("users", help="dashboard users (password from stdin or TASKFORCE_USER_PASSWORD)")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser("add", help="add a user: NAME --role coordinator|agency|donor [--agency CODE]")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, choices=("coordinator", "agency", "donor"))
    add.add_argument("--agency", help="the agency's registry code (agency role only)")
    passwd = users_sub.add_parser("passwd", help="set a new password")
    passwd.add_argument("name", metavar="NAME")
    for command in (add, passwd):
        command.add_argument(
            "--no-password", action="store_true", help="no password: sign-in through OIDC or the proxy only"
        )
    for name in ("remove", "disable", "enable"):
        users_sub.add_parser(name, help=f"{name} a user").add_argument("name", metavar="NAME")
    users_sub.add_parser("list", help="users and roles (never passwords)")
    audit = sub.add_parser("audit", help="the latest entries of the dashboards' audit log")
    audit.add_argument("--limit", type=int, default=50)
    retention = sub.add_parser(
        "retention", help="destroy person-level rows past the retention period (dry run unless --apply)"
    )
    retention.add_argument(
        "--years",
        type=int,
        help="retention period in years (default: $TASKFORCE_RETENTION_YEARS; one of the two is required)",
    )
    retention.add_argument(
        "--as-of", type=date.fromisoformat, help="count the period back from this date (default: today)"
    )
    retention.add_argument("--apply", action="store_true", help="destroy (default: only list)")
    retention.add_argument("--no-build", action="store_true", help="do not rebuild the models afterwards")
    report = sub.add_parser(
        "report", help="donor indicator report (XLSX, PDF, CSV) after disclosure control and the attack audit"
    )
    report.add_argument("--period", required=True, help="report year, YYYY")
    report.add_argument(
        "--from", dest="date_from", metavar="YYYY-01", help="first month of the trends (default: report year)"
    )
    report.add_argument(
        "--to", dest="date_to", metavar="YYYY-12", help="last month of the trends (default: report year)"
    )
    report.add_argument("--format", choices=("xlsx", "pdf", "csv", "all"), default="all")
    report.add_argument("--out", type=Path, required=True, metavar="DIR", help="folder to write into")
    report.add_argument(
        "--threshold", type=int, default=10, help="smallest count that may be published (default 10)"
    )
    for command in (demo, dashboard):
        command.add_argument("--port", type=int, default=8501)
        command.add_argument("--address", default="127.0.0.1", help="bind address (default: localhost only)")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "check":  # no warehouse involved: works on an agency's own machine
        return cmd_check(args.paths, args.source, args.period, args.agency)
    if args.command == "pseudonymize":
        return cmd_pseudonymize(args)
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    try:
        return _run(args, settings)
    except WarehouseBusy as exc:
        print(f"busy: {exc}", file=sys.stderr)
        return 3
    except Exception as exc:
        if not _disk_full(exc):
            raise
        print(
            "error: the disk that holds the warehouse is full (No space left on device). What was being "
            "written was rolled back and nothing of it was kept; what was committed before is intact. Free "
            "space, then run the same command again (an ingest skips the files already loaded).",
            file=sys.stderr,
        )
        return 4


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "ingest":
        return cmd_ingest(settings, args.paths, args.source, args.period, args.agency, args.extracted_on)
    if args.command == "build":
        return cmd_build(settings, args.full_refresh)
    if args.command == "status":
        return cmd_status(settings)
    if args.command == "spec":
        return cmd_spec(args.out)
    if args.command == "dashboard":
        return cmd_dashboard(args.port, args.address)
    if args.command == "db":
        return cmd_db_init(settings, args)
    if args.command == "users":
        return cmd_users(settings, args)
    if args.command == "audit":
        return cmd_audit(settings, args.limit)
    if args.command == "retention":
        return cmd_retention(settings, args)
    if args.command == "report":
        return cmd_report(settings, args)
    return cmd_demo(settings, serve=not args.no_serve, port=args.port, address=args.address)


if __name__ == "__main__":
    sys.exit(main())
