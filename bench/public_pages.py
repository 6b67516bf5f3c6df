"""The public call page and the list of calls against pretalx's CfP page and event list.

Both sites run on this machine only (loopback), each under gunicorn with 2 synchronous workers,
on PostgreSQL, with a Redis cache:

- ours with ``config.settings.production`` on a scratch database ``<name>`` (dropped and
  re-created, migrated, the demo data loaded), ``CACHE_URL`` on Redis;
- pretalx (``--pretalx``, default 2025.2.2) installed from PyPI into its own virtualenv under
  ``var/bench/`` (kept between runs, never committed), configured through its ``PRETALX_*``
  environment variables on a scratch database ``<name>_pretalx`` and the same Redis, its static
  files built once (``pretalx rebuild``), and a test event with an open CfP made by a small
  setup script written at run time (its call text is the demo call's own Markdown);
- optionally (``--base DIR``) our own code as it was, from another checkout (for example
  ``git worktree add /tmp/base main``), on ``<name>_base``: before and after in the same run.

After a warm-up, rounds alternate between the sites (the order flips every round), each round
loading every page for ``--seconds`` at ``--concurrency`` open connections with wrk (when it is
installed) or a small threaded Python client. For every site and page it prints the requests
per second (median of the rounds), the p50/p95 latency, the errors, the CPU time the gunicorn
processes spent per request (the figure the machine's other load moves least), and the ratios
of ours to each other site. The machine's load average is printed before and after.

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cfp_bench \\
        .venv/bin/python bench/public_pages.py [--rounds 4] [--seconds 10] [--concurrency 8]
        [--base /tmp/base] [--redis-db 5]

Needs PostgreSQL and Redis on their usual local ports and network access to PyPI the first time
(pretalx's ``rebuild`` also installs its JavaScript dependencies with npm).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from fault_outage import free_port, scratch_database

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

PRETALX_SETUP = """
import datetime as dt
import sys

import django

django.setup()
from django.utils.timezone import now
from django_scopes import scope, scopes_disabled
from pretalx.event.models import Event
from pretalx.event.utils import create_organiser_with_team
from pretalx.person.models import User
from pretalx.submission.models import SubmissionType

slug, text = sys.argv[1], sys.stdin.read()
with scopes_disabled():
    admin = User.objects.create_superuser(
        email="admin@bench.test", password="bench-pass-" + slug, name="Bench Admin"
    )
    organiser, team = create_organiser_with_team(
        name="Bench Org", slug=slug + "org", users=[admin]
    )
    start = now() + dt.timedelta(days=90)
    event = Event.objects.create(
        name="Bench Conference", slug=slug, organiser=organiser, is_public=True,
        date_from=start.date(), date_to=start.date() + dt.timedelta(days=2), timezone="UTC",
        email="org@bench.test", locale_array="en", locale="en",
        landing_page_text="# Welcome\\n\\n" + text[:600],
    )
with scopes_disabled(), scope(event=event):
    event.build_initial_data()
    team.limit_events.add(event)
    SubmissionType.objects.create(event=event, name="Paper", default_duration=30)
    event.cfp.headline = "Submissions are open!"
    event.cfp.text = text
    event.cfp.deadline = now() + dt.timedelta(days=30)
    event.cfp.save()
    event.save()
    assert event.cfp.is_open
"""

PICK_CALL = """
import sys
from workshops.models import Workshop
calls = [w for w in Workshop.objects.published() if w.accepts_new_submissions()]
w = max(calls, key=lambda w: len(w.call_for_papers or "") + len(w.overview or ""))
sys.stdout.write("SLUG=" + w.slug + "\\n" + (w.call_for_papers or w.overview or ""))
"""

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests,
    e.connect + e.read + e.write + e.timeout + e.status,
    latency:percentile(50), latency:percentile(95), summary.duration))
end
"""


def uptime() -> str:
    return Path("/proc/loadavg").read_text().split(" ", 3)[:3].__str__()


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of ``pid`` and its live children (gunicorn's workers)."""
    total = 0.0
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        pids += [int(c) for c in children]
    except OSError:
        pass
    for p in pids:
        try:
            stat = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(stat[11]) + int(stat[12])) / CLOCK_TICKS  # utime, stime
    return total


@dataclass
class Site:
    name: str
    base: str
    pages: dict[str, str]  # page name -> path
    process: subprocess.Popen
    results: dict[str, list[dict]] = field(default_factory=dict)


def wait_up(url: str, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer 200 within {seconds:.0f} s")


# --- Our site --------------------------------------------------------------------------------


def start_ours(name: str, tree: Path, database_url: str, redis_db: int, var: Path) -> Site:
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "bench-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "VAR_DIR": str(var / name),
        "DATABASE_URL": database_url,
        "CACHE_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{redis_db}",
        "EMAIL_URL": "consolemail://",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(tree),
    }
    scratch_database(database_url)
    manage = [sys.executable, str(tree / "manage.py")]
    quiet = {"cwd": tree, "env": env, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([*manage, "migrate", "--noinput"], **quiet)
    subprocess.run([*manage, "collectstatic", "--noinput"], **quiet)
    subprocess.run([*manage, "load_demo", "--allow-production"], **quiet)
    # The demo's open call with the most text: the page a visitor reads before submitting.
    found = subprocess.run(
        [*manage, "shell", "--verbosity", "0", "-c", PICK_CALL],
        cwd=tree,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = found[found.index("SLUG=") + 5 :]
    slug, _, call_text = found.partition("\n")
    process = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"],
        cwd=tree,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    site = Site(name, f"http://127.0.0.1:{port}", {"index": "/", "call": f"/w/{slug}/"}, process)
    site.call_text = call_text  # type: ignore[attr-defined]
    return site


# --- pretalx -------------------------------------------------------------------------------------


def start_pretalx(version: str, database_url: str, redis_db: int, call_text: str) -> Site:
    home = ROOT / "var" / "bench" / f"pretalx-{version}"
    python = home / "venv" / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(home / "venv")], check=True)
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            f"pretalx=={version}",
            "gunicorn",
            "psycopg2-binary",
            "redis",
        ],
        check=True,
    )
    parts = urlparse(database_url)
    database = parts.path.lstrip("/") + "_pretalx"
    scratch_database(parts._replace(path="/" + database).geturl())
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pretalx.settings",
        "PRETALX_DATA_DIR": str(home / "data"),
        "PRETALX_DB_TYPE": "postgresql",
        "PRETALX_DB_NAME": database,
        "PRETALX_DB_USER": parts.username or "postgres",
        "PRETALX_DB_PASS": parts.password or "",
        "PRETALX_DB_HOST": parts.hostname or "127.0.0.1",
        "PRETALX_DB_PORT": str(parts.port or 5432),
        "PRETALX_REDIS": f"redis://127.0.0.1:6379/{redis_db}",
        "PRETALX_DEBUG": "False",
        "PRETALX_SITE_URL": f"http://127.0.0.1:{port}",
    }
    (home / "data").mkdir(parents=True, exist_ok=True)
    quiet = {"env": env, "check": True, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    subprocess.run([str(python), "-m", "pretalx", "migrate"], **quiet)
    stamp = home / "data" / f"rebuilt-{version}"
    if not stamp.exists():
        print("building pretalx's static files (once; a few minutes)", flush=True)
        subprocess.run([str(python), "-m", "pretalx", "rebuild", "--silent"], **quiet)
        stamp.touch()
    setup = home / "bench_setup.py"
    setup.write_text(PRETALX_SETUP)
    slug = "benchcon"
    subprocess.run(
        [str(python), str(setup), slug],
        input=call_text,
        text=True,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    process = subprocess.Popen(
        [str(python), "-m", "gunicorn", "pretalx.wsgi", "-w", "2"] + ["-b", f"127.0.0.1:{port}"],
        env=env,
        stderr=subprocess.DEVNULL,
    )
    return Site(
        f"pretalx {version}",
        f"http://127.0.0.1:{port}",
        {"index": "/", "call": f"/{slug}/cfp"},
        process,
    )


# --- Load ----------------------------------------------------------------------------------------


def load_wrk(url: str, seconds: float, concurrency: int, script: Path) -> dict:
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(concurrency),
            "-d",
            f"{max(1, round(seconds))}s",
            # wrk gives up on an answer after 2 s by default; on a busy machine a slow page
            # takes longer: only an answer slower than 30 s counts as an error.
            "--timeout",
            "30s",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(li for li in out.splitlines() if li.startswith("RESULT "))
    requests, errors, p50, p95, duration = (int(v) for v in line.split()[1:])
    return {
        "requests": requests,
        "errors": errors,
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "seconds": duration / 1e6,
    }


def load_python(url: str, seconds: float, concurrency: int) -> dict:
    import http.client

    parts = urlparse(url)
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client():
        mine, bad = [], 0
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                conn.request("GET", parts.path)
                response = conn.getresponse()
                response.read()
                conn.close()
                ok = response.status == 200
            except OSError:
                ok = False
            mine.append(time.perf_counter() - start)
            bad += not ok
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "p50": latencies[len(latencies) // 2] * 1000,
        "p95": latencies[int(len(latencies) * 0.95)] * 1000,
        "seconds": time.monotonic() - started,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--warmup", type=float, default=3, help="seconds per site and page")
    parser.add_argument("--pretalx", default="2025.2.2", help="pretalx version from PyPI")
    parser.add_argument("--no-pretalx", action="store_true")
    parser.add_argument("--base", type=Path, help="a checkout of our code as it was")
    parser.add_argument("--redis-db", type=int, default=5)
    parser.add_argument("--python-client", action="store_true", help="even if wrk is installed")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a scratch PostgreSQL database (it is dropped)")
    var = Path(tempfile.mkdtemp(prefix="cfp-public-bench-"))
    subprocess.run(
        ["redis-cli", "-n", str(args.redis_db), "FLUSHDB"], stdout=subprocess.DEVNULL, check=False
    )
    print(f"load average before set-up: {uptime()}", flush=True)
    sites: list[Site] = []
    try:
        ours = start_ours("ours", ROOT, database_url, args.redis_db, var)
        sites.append(ours)
        if args.base:
            parts = urlparse(database_url)
            base_url = parts._replace(path=parts.path + "_base").geturl()
            sites.append(start_ours("ours before", args.base, base_url, args.redis_db, var))
        if not args.no_pretalx:
            sites.append(
                start_pretalx(args.pretalx, database_url, args.redis_db, ours.call_text)  # type: ignore[attr-defined]
            )
        for site in sites:
            for path in site.pages.values():
                wait_up(site.base + path)

        use_wrk = shutil.which("wrk") and not args.python_client
        script = var / "report.lua"
        script.write_text(WRK_SCRIPT)

        def run(site: Site, page: str, seconds: float) -> dict:
            url = site.base + site.pages[page]
            cpu = tree_cpu(site.process.pid)
            if use_wrk:
                result = load_wrk(url, seconds, args.concurrency, script)
            else:
                result = load_python(url, seconds, args.concurrency)
            result["cpu"] = tree_cpu(site.process.pid) - cpu
            return result

        for site in sites:
            for page in site.pages:
                run(site, page, args.warmup)
        for site in sites:
            shown = ", ".join(f"{page} {site.base}{path}" for page, path in site.pages.items())
            print(f"{site.name}: {shown}")
        print(f"load average after warm-up: {uptime()}", flush=True)
        for round_number in range(args.rounds):
            order = sites if round_number % 2 == 0 else sites[::-1]
            for page in ("call", "index"):
                for site in order:
                    result = run(site, page, args.seconds)
                    site.results.setdefault(page, []).append(result)
                    print(
                        f"round {round_number + 1} {site.name:>14} {page:>5}: "
                        f"{result['requests'] / result['seconds']:7.1f} req/s, "
                        f"p50 {result['p50']:6.1f} ms, p95 {result['p95']:6.1f} ms, "
                        f"errors {result['errors']}, "
                        f"CPU {1000 * result['cpu'] / max(result['requests'], 1):5.2f} ms/req",
                        flush=True,
                    )
        load_after = uptime()
    finally:
        for site in sites:
            site.process.terminate()
        for site in sites:
            site.process.wait(30)

    client = "wrk" if use_wrk else "Python threads"
    print(
        f"\n{args.rounds} rounds of {args.seconds:.0f} s per site and page, {args.concurrency} "
        f"connections ({client}); load average after: {load_after}"
    )
    summary: dict[tuple[str, str], dict] = {}
    for site in sites:
        for page, results in site.results.items():
            rates = [r["requests"] / r["seconds"] for r in results]
            total = sum(r["requests"] for r in results)
            summary[site.name, page] = {
                "rate": statistics.median(rates),
                "p50": statistics.median(r["p50"] for r in results),
                "p95": statistics.median(r["p95"] for r in results),
                "errors": sum(r["errors"] for r in results),
                "cpu": 1000 * sum(r["cpu"] for r in results) / max(total, 1),
            }
    print("| site | page | req/s (median) | p50 ms | p95 ms | errors | CPU ms/request |")
    print("|---|---|---|---|---|---|---|")
    for (name, page), s in summary.items():
        print(
            f"| {name} | {page} | {s['rate']:.0f} | {s['p50']:.1f} | {s['p95']:.1f} | "
            f"{s['errors']} | {s['cpu']:.2f} |"
        )
    for other in sites[1:]:
        for page in ("call", "index"):
            mine, theirs = summary["ours", page], summary[other.name, page]
            print(
                f"ours / {other.name}, {page}: {mine['rate'] / theirs['rate']:.2f}x req/s; "
                f"CPU per request {theirs['cpu'] / max(mine['cpu'], 1e-9):.2f}x less"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
