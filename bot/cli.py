"""The `tsunagari` command (also `python -m bot`): run, demo, and admin subcommands."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime
import io
import logging
import math
import secrets
import signal
import sys
import tempfile
from importlib import resources
from pathlib import Path
from zoneinfo import ZoneInfo

from redis.exceptions import RedisError
from telegram.error import InvalidToken

from bot.counselors import Counselor, CounselorFileError, add_counselor, load_counselors, save_counselors
from bot.redis_server import EmbeddedRedisError
from bot.settings import Settings, SettingsError, load_settings
from flows.spec import FlowError
from flows.triage import TriageError
from routing.directory import Directory, DirectoryError, read_file, write_csv, write_yaml
from routing.directory import check as check_directory
from routing.erlang import erlang_c, mean_wait
from routing.hours import DEFAULT_TIME_ZONE
from routing.organizations import Organizations, OrganizationsError

logger = logging.getLogger("tsunagari")

DEMO_COUNSELOR = "demo"
DEMO_TEAM = "demo-npo/always"  # in routing/data/organizations.demo.yaml: 24 hours, ja and en


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run a subcommand; one clear line on stderr when it fails."""
    parser = _parser()
    args = parser.parse_args(argv)
    _configure_logging(args.verbose)
    try:
        settings = load_settings()
        return args.func(args, settings)
    except (
        SettingsError,
        CounselorFileError,
        EmbeddedRedisError,
        FlowError,
        TriageError,
        OrganizationsError,
        DirectoryError,
    ) as exc:
        print(f"tsunagari: {exc}", file=sys.stderr)
        return 2
    except RedisError as exc:
        print(f"tsunagari: TSUNAGARI_REDIS_URL: Redis does not answer ({exc})", file=sys.stderr)
        return 2
    except InvalidToken:
        print("tsunagari: TSUNAGARI_TELEGRAM_TOKEN: Telegram rejected the token", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the HTTP port is taken
        print(f"tsunagari: TSUNAGARI_HTTP_HOST/PORT: {exc.strerror or exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tsunagari", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="run the service (production: no demo data)")
    run.set_defaults(func=_run)

    demo = commands.add_parser("demo", help="run with embedded Redis, web chat and a demo counselor")
    demo.set_defaults(func=_demo)

    counselor = commands.add_parser("counselor", help="manage counselors")
    counselor_commands = counselor.add_subparsers(required=True, metavar="ACTION")
    add = counselor_commands.add_parser("add", help="register a counselor in the counselors file")
    add.add_argument("--id", required=True, help="short id, e.g. c-sato")
    add.add_argument("--name", required=True, help="name shown to colleagues (never to persons)")
    add.add_argument("--telegram-user-id", type=int, help="numeric Telegram user id")
    add.add_argument("--console", action="store_true", help="create a console key for /console")
    add.add_argument("--lang", default="ja", choices=["ja", "en"])
    add.add_argument("--team", help="organization/team id from the organizations file, e.g. tokyo-npo/night")
    add.add_argument("--role", default="counselor", choices=["counselor", "supervisor"])
    add.set_defaults(func=_counselor_add)

    listing = counselor_commands.add_parser("list", help="list registered counselors")
    listing.set_defaults(func=_counselor_list)

    simulate = commands.add_parser(
        "simulate", help="run people and counselors through the routing engine; compare with Erlang C"
    )
    simulate.add_argument("--counselors", type=int, default=3, help="counselors online (default 3)")
    simulate.add_argument("--arrivals-per-hour", type=float, default=6.0, help="people per hour (default 6)")
    simulate.add_argument("--handle-minutes", type=float, default=20.0, help="mean conversation length")
    simulate.add_argument("--people", type=int, default=5000, help="people to simulate (default 5000)")
    simulate.add_argument("--seed", type=int, default=1, help="random seed (same seed, same run)")
    simulate.set_defaults(func=_simulate)

    directory = commands.add_parser("directory", help="the directory of services: import, export, check")
    directory_commands = directory.add_subparsers(required=True, metavar="ACTION")
    imports = directory_commands.add_parser(
        "import", help="add or update services from a CSV or YAML file (all rows valid, or nothing)"
    )
    imports.add_argument("file", type=Path, help="a .csv or .yaml file (format: routing/directory/files.py)")
    imports.set_defaults(func=_directory_import)
    exports = directory_commands.add_parser("export", help="write the directory as YAML or CSV")
    exports.add_argument("-o", "--output", type=Path, required=True, help="a .yaml or .csv file")
    exports.set_defaults(func=_directory_export)
    checks = directory_commands.add_parser(
        "check", help="stale entries, malformed phones or hours, unknown categories, duplicates"
    )
    checks.add_argument("file", nargs="?", type=Path, help="a directory file (default: the one served)")
    checks.set_defaults(func=_directory_check)

    orgs = commands.add_parser("organizations", help="check the organizations file (teams, hours)")
    orgs_commands = orgs.add_subparsers(required=True, metavar="ACTION")
    orgs_check = orgs_commands.add_parser("check", help="validate a file (default: the configured one)")
    orgs_check.add_argument("file", nargs="?", type=Path, help="an organizations YAML file")
    orgs_check.set_defaults(func=_organizations_check)

    flow = commands.add_parser("flow", help="check or draw an intake flow file")
    flow_commands = flow.add_subparsers(required=True, metavar="ACTION")
    check = flow_commands.add_parser("check", help="validate a flow (default: the shipped intake)")
    check.add_argument("file", nargs="?", type=Path, help="a flow YAML file")
    check.set_defaults(func=_flow_check)
    diagram = flow_commands.add_parser("diagram", help="write the flow as a Mermaid state diagram")
    diagram.add_argument("file", nargs="?", type=Path, help="a flow YAML file")
    diagram.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    diagram.set_defaults(func=_flow_diagram)

    triage = commands.add_parser(
        "triage", help='read JSON lines {"text", "lang"} on stdin, write one risk assessment per line'
    )
    triage.add_argument(
        "--lexicons", type=Path, help="a folder of lexicon files to test instead of the shipped ones"
    )
    triage.add_argument(
        "--concepts", type=Path, help="a folder with concepts.yaml and rules.yaml instead of the shipped ones"
    )
    triage.set_defaults(func=_triage)
    return parser


def _configure_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # transitions logs two INFO lines per intake step: most of a busy night's log, and no use to anyone.
    for noisy in ("httpx", "httpcore", "telegram", "aiohttp.access", "apscheduler", "transitions"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _run(args: argparse.Namespace, settings: Settings) -> int:
    return asyncio.run(_serve(settings, demo=False))


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    settings.directory_samples = True  # the demo shows the sample city and prefecture services
    _ensure_demo_organizations(settings)
    key = _ensure_demo_counselor(settings)
    return asyncio.run(_serve(settings, demo=True, console_key=key))


def _ensure_demo_counselor(settings: Settings) -> str:
    """The demo counselor's console key, registering them on first use."""
    counselors = load_counselors(settings.counselors_path)
    for index, counselor in enumerate(counselors):
        if counselor.id == DEMO_COUNSELOR and counselor.console_key:
            if counselor.team is None:  # registered before teams existed: give them the demo team
                counselors[index] = dataclasses.replace(counselor, team=DEMO_TEAM)
                save_counselors(settings.counselors_path, counselors)
            return counselor.console_key
    key = secrets.token_urlsafe(24)
    add_counselor(
        settings.counselors_path,
        Counselor(id=DEMO_COUNSELOR, name="デモ相談員 (demo)", console_key=key, lang="ja", team=DEMO_TEAM),
    )
    return key


def _ensure_demo_organizations(settings: Settings) -> None:
    """The demo's sample organizations (a city desk, a national NPO), unless some are configured."""
    path = settings.organizations_path
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(resources.files("routing").joinpath("data/organizations.demo.yaml").read_bytes())


async def _serve(settings: Settings, *, demo: bool, console_key: str = "") -> int:
    """Start the service, print where to find it, and run until Ctrl-C or SIGTERM."""
    from bot.service import Service  # imported late: `counselor add` needs none of it

    service = Service(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await service.start()
    try:
        print(f"Tsunagari is running at {service.http_url}", flush=True)
        print(f"  person (web chat):   {service.http_url}/chat", flush=True)
        if demo:
            print(f"  counselor (console): {service.http_url}/console?key={console_key}", flush=True)
        print(f"  health:              {service.http_url}/healthz", flush=True)
        if service.telegram:
            print("  Telegram:            polling with the configured bot token", flush=True)
        print("Press Ctrl-C to stop.", flush=True)
        await stop.wait()
    finally:
        print("Stopping…", flush=True)
        with contextlib.suppress(Exception):
            await service.stop()
    return 0


def _counselor_add(args: argparse.Namespace, settings: Settings) -> int:
    key = secrets.token_urlsafe(24) if args.console else None
    if args.team and Organizations.load(settings.organizations_path).team(args.team) is None:
        print(f"error: team {args.team!r} is not in {settings.organizations_path}", file=sys.stderr)
        return 2
    counselor = Counselor(
        id=args.id,
        name=args.name,
        telegram_user_id=args.telegram_user_id,
        console_key=key,
        lang=args.lang,
        team=args.team,
        role=args.role,
    )
    path = settings.counselors_path
    add_counselor(path, counselor)
    print(f"added {counselor.id} to {path}")
    if key:
        print(f"console: /console?key={key}")
    return 0


def _counselor_list(args: argparse.Namespace, settings: Settings) -> int:
    for counselor in load_counselors(settings.counselors_path):
        telegram = counselor.telegram_user_id or "-"
        console = "yes" if counselor.console_key else "no"
        print(f"{counselor.id}\t{counselor.name}\ttelegram={telegram}\tconsole={console}")
    return 0


def _simulate(args: argparse.Namespace, settings: Settings) -> int:
    """An M/M/c experiment through the real engine, on a private Redis; staffing from Erlang C."""
    counselors = args.counselors
    if counselors < 1 or args.people < 1 or args.arrivals_per_hour <= 0 or args.handle_minutes <= 0:
        print("error: counselors and people must be at least 1, rates above 0", file=sys.stderr)
        return 2
    lam, mu = args.arrivals_per_hour / 60, 1 / args.handle_minutes  # per minute
    load = args.arrivals_per_hour * args.handle_minutes / 60  # erlangs (not λ/μ: no rounding error)
    enough = math.floor(load) + 1
    if load >= counselors:
        print(f"error: {load:.2f} erlangs of work: the line grows without end below {enough} counselors",
              file=sys.stderr)  # fmt: skip
        return 2
    waits = asyncio.run(_simulated_waits(counselors, lam, mu, args.people, args.seed))
    measured = waits[len(waits) // 10 :]  # the first tenth meets an empty line, not the steady state
    share = sum(wait > 0 for wait in measured) / len(measured)
    mean = sum(measured) / len(measured)
    print(
        f"{counselors} counselors, {args.arrivals_per_hour:g} people/hour, {args.handle_minutes:g} min each"
    )
    print(f"load {load:.2f} erlangs ({load / counselors:.0%} busy), {len(waits):,} people through the engine")
    print(f"{'':24}{'measured':>10}{'Erlang C':>10}")
    print(f"{'share who wait':24}{share:>10.1%}{erlang_c(counselors, load):>10.1%}")
    print(f"{'mean wait (min)':24}{mean:>10.1f}{mean_wait(counselors, lam, mu):>10.1f}")
    print(f"\nstaffing (Erlang C)\n{'counselors':>10}{'share who wait':>16}{'mean wait (min)':>17}")
    for staff in range(enough, max(counselors, enough) + 3):
        print(f"{staff:>10}{erlang_c(staff, load):>16.1%}{mean_wait(staff, lam, mu):>17.1f}")
    return 0


async def _simulated_waits(counselors: int, lam: float, mu: float, people: int, seed: int) -> list[float]:
    """Run the simulation on a private, temporary embedded Redis (never the service's data)."""
    from redis.asyncio import Redis

    from bot.redis_server import EmbeddedRedis
    from routing.conversations import Conversations
    from routing.presence import Presence
    from routing.queue import Queue
    from routing.scripts import Scripts
    from routing.simulation import simulate

    with tempfile.TemporaryDirectory(prefix="tsunagari-simulate-") as folder:
        server = EmbeddedRedis(Path(folder))
        redis = Redis.from_url(await server.start(), decode_responses=True)
        try:
            scripts = Scripts(redis)
            conversations = Conversations(redis, scripts, 3600)
            queue = Queue(redis, scripts, conversations, ("ja",))
            return await simulate(queue, Presence(redis, scripts), counselors, lam, mu, people, seed)
        finally:
            await redis.aclose()
            await server.stop()


def _directory_import(args: argparse.Namespace, settings: Settings) -> int:
    """Validate every row first; then merge by id into the operator's directory file. The running
    service reads the directory at start-up: restart it to serve what was imported."""
    if not args.file.is_file():
        print(f"tsunagari: {args.file}: no such file", file=sys.stderr)
        return 2
    incoming = read_file(args.file)
    target = settings.directory_path
    current = Directory.load(target if target.exists() else None)
    by_id = {service.id: service for service in current.services}
    new = sum(service.id not in by_id for service in incoming)
    by_id.update((service.id, service) for service in incoming)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_yaml(list(by_id.values()), target)
    updated = len(incoming) - new
    print(f"imported {len(incoming)} services ({new} new, {updated} updated) into {target}")
    print("restart the service to serve them")
    return 0


def _directory_export(args: argparse.Namespace, settings: Settings) -> int:
    services = list(Directory.load(settings.directory_source()).services)
    if args.output.suffix.lower() == ".csv":
        write_csv(services, args.output)
    else:
        write_yaml(services, args.output)
    print(f"exported {len(services)} services to {args.output}")
    return 0


def today_in_japan() -> datetime.date:
    """The date in Asia/Tokyo, whatever the machine's own time zone ("verified within 12 months")."""
    return datetime.datetime.now(ZoneInfo(DEFAULT_TIME_ZONE)).date()


def _directory_check(args: argparse.Namespace, settings: Settings) -> int:
    """Print every problem with its line; exit 1 when there is any."""
    source = args.file or settings.directory_source()
    directory = Directory.load(source, strict=False)  # every problem listed, not only the first
    problems = check_directory(directory, today_in_japan())
    where = source or "the shipped directory"
    for problem in problems:
        print(f"{where}:{problem.line}: {problem.service_id}: {problem.field}: {problem.message}")
    if problems:
        return 1
    print(f"ok: {len(directory.services)} services, every one with a source and verified within 12 months")
    return 0


def _organizations_check(args: argparse.Namespace, settings: Settings) -> int:
    """Validate the organizations file and say, per team, whom it serves and when."""
    path = args.file or settings.organizations_path
    if not path.exists():
        print(f"{path}: no such file (the default organization is used: one team, ja and en, 24 hours)")
        return 0 if args.file is None else 2
    organizations = Organizations.load(path)
    for team in organizations.teams:
        print(f"{team.id}\tlanguages={','.join(team.languages)}\tcapacity={team.capacity}")
    print(f"ok: {len(organizations.organizations)} organizations, {len(organizations.teams)} teams")
    return 0


def _flow_check(args: argparse.Namespace, settings: Settings) -> int:
    from flows.check import check_flow
    from flows.intake import IntakeFlow
    from locales import Catalog

    flow = IntakeFlow.load(args.file)
    problems = check_flow(flow, Catalog.load())
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"tsunagari: {len(problems)} problem(s) in {flow.spec.source}", file=sys.stderr)
        return 1
    handoffs = len(flow.handoffs)
    print(
        f"ok: {flow.spec.source}: {len(flow.steps)} states, {handoffs} hand-offs; "
        "every state reaches a person or a referral, every text exists in every language"
    )
    return 0


def _flow_diagram(args: argparse.Namespace, settings: Settings) -> int:
    from flows.check import mermaid
    from flows.spec import read_flow_file

    if args.file is None:
        from flows.intake import IntakeFlow

        spec = IntakeFlow.load().spec
    else:
        spec = read_flow_file(args.file)
    text = mermaid(spec)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(text)
    return 0


def _triage(args: argparse.Namespace, settings: Settings) -> int:
    import flows.triage
    from flows.triage import Triage
    from flows.triage.jsonl import run_jsonl

    # An edited lexicon is tried together with the concept layer, as the service runs them.
    concepts = args.concepts or Path(flows.triage.__file__).parent / "concepts"
    triage = Triage.load(args.lexicons, concepts)
    # Undecodable bytes become U+FFFD rather than a crash: every line in gets a line out.
    lines = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    for line in run_jsonl(lines, triage):
        sys.stdout.write(line + "\n")
        sys.stdout.flush()
    return 0
