"""The deadline crunch on the production shape: N authors submitting a ~1 MB PDF at once.

Starts, on this machine only (loopback), with the machinery of ``fault_outage.py``:

- a scratch PostgreSQL database (dropped and re-created), migrated, with the demo data;
- gunicorn with ``config.settings.production`` (2 sync workers) and a Celery worker with beat
  on Redis, delivering to a real SMTP server (aiosmtpd).

Then ``--authors`` authors, each a thread with its own session, go through the crunch in
phases; every phase starts for all of them at once (a barrier), so the server's CPU time can
be read per phase from ``/proc`` (user + system time of the gunicorn workers, before and after):

1. sign in through the sign-in form (e-mail and password; ``--sign-in session`` skips it);
2. open the new-submission form;
3. submit: one POST each with the form filled in and a real ~1 MB PDF (``tests.pdfs.paper_pdf``:
   nine pages of two-column text and a figure; a different file for every author), then the
   confirmation page the answer redirects to, as a browser does;
4. re-upload: open the submission's edit form, send a revised PDF, follow the redirect.

It prints submissions/s, the latency of a submit and of a re-upload (p50/p95/p99, POST plus
the confirmation page), the answers by status, and the gunicorn workers' CPU time per
submission and per re-upload. Afterwards it checks, in the database and the storage, that every
accepted upload is stored with its checksum (the stored file's sha256 is the record's and the
uploaded file's), that no author lost a paper or has two, and that every confirmation is queued
exactly once (outbox rows by key: one "received" row and one "updated" row per author), and
counts the messages the SMTP server received.

``--code DIR`` (repeatable) runs the same crunch against other checkouts of the project that
share this one's migrations (``git worktree add /tmp/base main``), alternating them in rounds
(``--rounds``) in one run on one database, and prints each one's figures side by side with
the ratios to the first; each round has fresh authors. Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cfp_crunch \\
        .venv/bin/python bench/deadline_crunch.py --authors 50 [--code /tmp/base --code .]

Needs PostgreSQL and Redis on their usual local ports and the test extra (aiosmtpd, reportlab).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import html.parser
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlparse

from fault_outage import (
    ROOT,
    VENV_BIN,
    Counter,
    FormParser,
    free_port,
    multipart,
    request,
    scratch_database,
)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
TIMEOUT = 300  # seconds an author waits for an answer (a busy shared machine is slow)
PASSWORD = "crunch-" + uuid.uuid4().hex[:12]


# --- The server's CPU time, from /proc ------------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the state on (field 3)


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = _stat(int(entry.name))
            if fields and int(fields[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def cpu_seconds(pids) -> float:
    """User + system CPU time of ``pids`` (utime and stime are fields 14 and 15)."""
    total = 0
    for pid in pids:
        fields = _stat(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


# --- One code tree served on the production shape ------------------------------------------------


class Stack:
    """gunicorn (2 workers) and a Celery worker with beat, both run from ``code``."""

    def __init__(self, code: Path, env: dict, label: str):
        self.code, self.label = code, label
        self.var = Path(tempfile.mkdtemp(prefix=f"cfp-crunch-{label}-"))
        self.port = free_port()
        self.env = {
            **env,
            "VAR_DIR": str(self.var),
            "SITE_URL": f"http://127.0.0.1:{self.port}",
        }
        self.base = f"http://127.0.0.1:{self.port}"
        subprocess.run(
            [sys.executable, str(code / "manage.py"), "collectstatic", "--noinput"],
            cwd=code,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        self.web = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{self.port}"],
            cwd=self.code,
            env=self.env,
            stderr=subprocess.DEVNULL,
        )
        self.worker = subprocess.Popen(
            [
                str(VENV_BIN / "celery"),
                "-A",
                "config",
                "--quiet",
                "worker",
                "--beat",
                "--loglevel=WARNING",
                "-c",
                "2",
                "--schedule",
                str(self.var / "beat"),
            ],
            cwd=self.code,
            env=self.env,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(240):
            try:
                urllib.request.urlopen(self.base + "/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        # Warm both workers up (imports, URL resolver, template loading) outside the figures.
        for _ in range(6):
            urllib.request.urlopen(self.base + "/accounts/login/", timeout=10).read()
        self.workers = children(self.web.pid)

    def cpu(self) -> float:
        return cpu_seconds(self.workers)

    def stop(self) -> None:
        restarted = children(self.web.pid) != self.workers
        for process in (self.web, self.worker):
            process.terminate()
        self.web.wait(30)
        self.worker.wait(60)
        if restarted:
            print(f"  [{self.label}] a gunicorn worker was replaced: its CPU time is not counted")


# --- An author --------------------------------------------------------------------------------


class Inputs(html.parser.HTMLParser):
    """Hidden inputs of a page's first form (the CSRF token of the sign-in form)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("type") == "hidden":
            self.values.setdefault(a["name"], a.get("value", ""))


def fill(page: str, title: str, abstract: str) -> list[tuple[str, str]]:
    """The submission form's fields as a browser sends them (``fault_outage.prepare``)."""
    form = FormParser()
    form.feed(page)
    fields = [(k, v) for k, v in form.fields if k not in ("title", "keywords")]
    fields += [("title", title), ("keywords", "robustness"), ("abstract", abstract)]
    for name, options in form.selects.items():
        if options:
            fields.append((name, options[0]))
    seen = set()
    for name, value in form.checkboxes:
        if name.startswith("ack_") or (name == "topics" and "topics" not in seen):
            fields.append((name, value))
            seen.add(name)
    return fields


class Author:
    def __init__(self, stack: Stack, slug: str, index: int, email: str, pdfs: tuple[bytes, bytes]):
        self.stack, self.slug, self.index, self.email = stack, slug, index, email
        self.pdfs = pdfs
        self.cookies: dict[str, str] = {}
        self.statuses: list[tuple[str, int]] = []
        self.timings: dict[str, float] = {}
        self.body = self.content_type = None
        self.number: int | None = None

    def _get(self, path: str) -> tuple[int, str]:
        try:
            return request(self.stack.base + path, cookies=self.cookies, timeout=TIMEOUT)
        except OSError:
            return 599, ""  # no answer in time

    def _post(self, path: str, body: bytes, content_type: str, phase: str) -> int:
        """POST and, as a browser does, GET the page the answer redirects to."""
        start = time.monotonic()
        try:
            status, location = post_for_location(
                self.stack.base + path, self.cookies, body, content_type
            )
            if status in (301, 302, 303) and location:
                landing, page = self._get(location)
                self.statuses.append((f"{phase} page", landing))
                found = re.search(r"/submissions/[^/]+/(\d+)/", location)
                if found:
                    self.number = int(found.group(1))
        except OSError:
            status = 599
        self.timings[phase] = time.monotonic() - start
        self.statuses.append((phase, status))
        return status

    def sign_in(self, session: str | None) -> None:
        if session:
            self.cookies["sessionid"] = session
            return
        status, page = self._get("/accounts/login/")
        inputs = Inputs()
        inputs.feed(page)
        body = "&".join(
            f"{k}={urllib.parse.quote(v)}"
            for k, v in {
                "csrfmiddlewaretoken": inputs.values.get("csrfmiddlewaretoken", ""),
                "login": self.email,
                "password": PASSWORD,
            }.items()
        ).encode()
        start = time.monotonic()
        try:
            status, _ = post_for_location(
                self.stack.base + "/accounts/login/",
                self.cookies,
                body,
                "application/x-www-form-urlencoded",
            )
        except OSError:
            status = 599
        self.timings["sign in"] = time.monotonic() - start
        self.statuses.append(("sign in", status))

    def open_form(self) -> None:
        status, page = self._get(f"/submissions/{self.slug}/new/")
        self.statuses.append(("form", status))
        self.body = None
        if status != 200:
            return
        fields = fill(page, f"Crunch paper {self.index}", "We study deadlines under load. " * 20)
        fields += [("action", "submit"), ("confirm_warnings", "on")]
        self.body, self.content_type = multipart(fields, {"paper": ("paper.pdf", self.pdfs[0])})

    def submit(self) -> None:
        if self.body is not None:
            self._post(f"/submissions/{self.slug}/new/", self.body, self.content_type, "submit")

    def open_edit_form(self) -> None:
        self.body = None
        if self.number is None:
            return
        status, page = self._get(f"/submissions/{self.slug}/{self.number}/edit/")
        self.statuses.append(("edit form", status))
        if status != 200:
            return
        fields = fill(page, f"Crunch paper {self.index}", "We study deadlines under load. " * 20)
        fields += [("action", "save"), ("confirm_warnings", "on")]
        self.body, self.content_type = multipart(fields, {"paper": ("paper-v2.pdf", self.pdfs[1])})

    def reupload(self) -> None:
        if self.body is not None:
            self._post(
                f"/submissions/{self.slug}/{self.number}/edit/",
                self.body,
                self.content_type,
                "re-upload",
            )


def post_for_location(url: str, cookies: dict, body: bytes, content_type: str):
    """POST without following the redirect: (status, Location)."""
    from fault_outage import OPENER

    headers = {
        "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()),
        "Content-Type": content_type,
        "Referer": url,
    }
    req = urllib.request.Request(url, data=body, headers=headers)
    try:
        response = OPENER.open(req, timeout=TIMEOUT)
    except urllib.error.HTTPError as exc:
        response = exc
    response.read()
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    location = response.headers.get("Location") or ""
    if location.startswith("http"):
        location = urlparse(location).path
    return response.status, location


# --- The run ------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def make_authors(count: int, tag: str, *, with_session: bool) -> list[tuple[object, str | None]]:
    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    password = make_password(PASSWORD)  # one hash for all: the server still checks each
    made = []
    for i in range(count):
        user = User.objects.create_user(
            email=f"crunch-{tag}-{i}@bench.test", password=None, full_name=f"Crunch Author {i}"
        )
        user.password = password
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        session = None
        if with_session:
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            session = store.session_key
        made.append((user, session))
    return made


def run_phase(authors: list[Author], action, stack: Stack) -> tuple[float, float]:
    """Run ``action`` for every author at once: (wall seconds, gunicorn workers' CPU seconds)."""
    barrier = threading.Barrier(len(authors) + 1)

    def go(author):
        barrier.wait()
        action(author)

    threads = [threading.Thread(target=go, args=(a,)) for a in authors]
    for t in threads:
        t.start()
    cpu_before = stack.cpu()
    started = time.monotonic()
    barrier.wait()
    for t in threads:
        t.join()
    return time.monotonic() - started, stack.cpu() - cpu_before


def crunch(stack: Stack, slug: str, args, round_no: int, pdfs: list[tuple[bytes, bytes]]) -> dict:
    tag = re.sub(r"[^a-z0-9]", "", stack.label.lower())
    made = make_authors(args.authors, f"{tag}r{round_no}", with_session=args.sign_in == "session")
    authors = [Author(stack, slug, i, user.email, pdfs[i]) for i, (user, _) in enumerate(made)]
    sessions = {a.index: s for a, (_, s) in zip(authors, made, strict=True)}
    stack.start()
    try:
        if args.warmup:
            # Every request path once or twice in both workers (imports, templates, first
            # queries), by other authors, before anything is measured.
            warm = make_authors(args.warmup, f"{tag}w{round_no}", with_session=True)
            pdf = pdfs[0]
            warmers = [Author(stack, slug, i, u.email, pdf) for i, (u, _) in enumerate(warm)]
            for author, (_, session) in zip(warmers, warm, strict=True):
                author.sign_in(session)
            for step in (Author.open_form, Author.submit, Author.open_edit_form, Author.reupload):
                run_phase(warmers, step, stack)
        phases = {}
        phases["sign in"] = run_phase(authors, lambda a: a.sign_in(sessions[a.index]), stack)
        phases["form"] = run_phase(authors, Author.open_form, stack)
        phases["submit"] = run_phase(authors, Author.submit, stack)
        phases["edit form"] = run_phase(authors, Author.open_edit_form, stack)
        phases["re-upload"] = run_phase(authors, Author.reupload, stack)
        delivered = wait_for_mail(made, args.drain)
    finally:
        stack.stop()
    return {"phases": phases, "authors": authors, "users": [u for u, _ in made], **delivered}


def wait_for_mail(made, drain: float) -> dict:
    from mail.models import OutgoingEmail

    users = [u for u, _ in made]
    deadline = time.monotonic() + drain
    started = time.monotonic()
    while time.monotonic() < deadline:
        rows = OutgoingEmail.objects.filter(user__in=users)
        if rows.exists() and not rows.exclude(state="sent").exists():
            return {"drained": time.monotonic() - started}
        time.sleep(0.5)
    return {"drained": None}


def check(result: dict, stack: Stack, pdfs, counter: Counter) -> dict:
    """What was stored and queued for this round's authors."""
    from mail.models import OutgoingEmail
    from submissions.models import Submission, SubmissionFile

    users = result["users"]
    authors = result["authors"]
    by_user = collections.Counter(
        Submission.objects.filter(created_by__in=users).values_list("created_by", flat=True)
    )
    accepted = {
        a.email: [phase for phase, status in a.statuses if status in (302, 303)] for a in authors
    }
    emails = {u.pk: u.email for u in users}
    lost = sum(1 for u in users if "submit" in accepted[u.email] and not by_user.get(u.pk))
    twice = sum(1 for n in by_user.values() if n > 1)
    expected = {a.email: a.pdfs for a in authors}
    media = stack.var / "media"
    bad_files = 0
    missing_versions = 0
    files = SubmissionFile.objects.filter(submission__created_by__in=users).select_related(
        "submission__created_by"
    )
    versions = collections.defaultdict(dict)
    for record in files:
        path = media / record.file.name
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""
        email = record.submission.created_by.email
        uploaded = expected[email][record.version - 1] if record.version <= 2 else b""
        if not (digest == record.sha256 == hashlib.sha256(uploaded).hexdigest()):
            bad_files += 1
        if record.size != len(uploaded):
            bad_files += 1
        versions[email][record.version] = record
    for email, phases in accepted.items():
        wanted = 1 + ("re-upload" in phases) if "submit" in phases else 0
        if len(versions.get(email, {})) != wanted:
            missing_versions += 1
    rows = OutgoingEmail.objects.filter(user__in=users)
    keys = collections.Counter(rows.values_list("idempotency_key", flat=True))
    roles = collections.Counter(rows.values_list("user_id", "template_role"))
    received_ok = sum(1 for pk in emails if roles[(pk, "submission.submitted")] == 1)
    updated_ok = sum(1 for pk in emails if roles[(pk, "submission.updated")] == 1)
    recipients = {emails[pk] for pk in emails}
    ids = collections.defaultdict(set)
    with counter.lock:
        for message_id, rcpt, _ in counter.messages:
            if rcpt in recipients:
                ids[rcpt].add(message_id)
    return {
        "papers": sum(by_user.values()),
        "lost": lost,
        "twice": twice,
        "bad_files": bad_files,
        "missing_versions": missing_versions,
        "files": len(files),
        "duplicate_keys": sum(1 for n in keys.values() if n > 1),
        "received_rows_ok": received_ok,
        "updated_rows_ok": updated_ok,
        "rows": sum(keys.values()),
        "mailed": sum(len(v) for v in ids.values()),
    }


EXPECTED = {"sign in": 302, "submit": 302, "re-upload": 302}


def summarize(label: str, result: dict, checked: dict, n: int) -> dict:
    authors = result["authors"]
    statuses = collections.Counter((phase, status) for a in authors for phase, status in a.statuses)
    # An error is any answer but the one a working site gives (a sign-in form shown again,
    # a redirect to the sign-in page, a 4xx or 5xx page, no answer at all).
    errors = sum(
        count for (phase, status), count in statuses.items() if status != EXPECTED.get(phase, 200)
    )
    submitted = sum(1 for a in authors if ("submit", 302) in a.statuses)
    reuploaded = sum(1 for a in authors if ("re-upload", 302) in a.statuses)
    phases = result["phases"]
    submit_wall, submit_cpu = phases["submit"]
    form_cpu = phases["form"][1]
    times = {
        phase: [a.timings[phase] for a in authors if phase in a.timings]
        for phase in ("sign in", "submit", "re-upload")
    }
    row = {
        "label": label,
        "submitted": submitted,
        "reuploaded": reuploaded,
        "errors": errors,
        "rate": submitted / submit_wall if submit_wall else 0,
        "cpu_submit_ms": 1000 * submit_cpu / max(submitted, 1),
        "cpu_form_ms": 1000 * form_cpu / n,
        "cpu_reupload_ms": 1000 * phases["re-upload"][1] / max(reuploaded, 1),
        "cpu_edit_form_ms": 1000 * phases["edit form"][1] / n,
        "cpu_sign_in_ms": 1000 * phases["sign in"][1] / n,
    }
    for phase, values in times.items():
        for p in (50, 95, 99):
            row[f"{phase} p{p}"] = percentile(values, p)
    print(f"[{label}] {n} authors; answers by (phase, status): {dict(sorted(statuses.items()))}")
    print(
        f"[{label}] submit: {submitted} accepted in {submit_wall:.2f} s = {row['rate']:.1f} "
        f"submissions/s; p50 {row['submit p50']:.2f} s, p95 {row['submit p95']:.2f} s, "
        f"p99 {row['submit p99']:.2f} s; unexpected answers (any phase) {errors}"
    )
    print(
        f"[{label}] re-upload: {reuploaded} accepted; p50 {row['re-upload p50']:.2f} s, "
        f"p95 {row['re-upload p95']:.2f} s, p99 {row['re-upload p99']:.2f} s"
    )
    print(
        f"[{label}] gunicorn workers' CPU: {row['cpu_submit_ms']:.1f} ms per submission "
        f"(POST + confirmation page), {row['cpu_form_ms']:.1f} ms per form page, "
        f"{row['cpu_reupload_ms']:.1f} ms per re-upload (+ {row['cpu_edit_form_ms']:.1f} ms "
        f"edit form), {row['cpu_sign_in_ms']:.1f} ms per sign-in"
    )
    drained = result["drained"]
    print(
        f"[{label}] stored: {checked['papers']} papers, {checked['files']} files, lost "
        f"{checked['lost']}, saved twice {checked['twice']}, files whose stored sha256 differs "
        f"from the record or the upload {checked['bad_files']}, authors missing a version "
        f"{checked['missing_versions']}; outbox: {checked['rows']} rows, duplicate keys "
        f"{checked['duplicate_keys']}, authors with exactly one 'received' row "
        f"{checked['received_rows_ok']}/{n} and one 'updated' row "
        f"{checked['updated_rows_ok']}/{n}; "
        f"messages received {checked['mailed']}"
        + (f", outbox drained {drained:.0f} s after the run" if drained is not None else "")
    )
    row["ok"] = (
        errors == 0
        and checked["lost"] == 0
        and checked["twice"] == 0
        and checked["bad_files"] == 0
        and checked["missing_versions"] == 0
        and checked["duplicate_keys"] == 0
        and checked["received_rows_ok"] == n
        and checked["updated_rows_ok"] == n
    )
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--authors", type=int, default=50, help="10, 50, 100...")
    parser.add_argument(
        "--code",
        action="append",
        type=Path,
        help="a checkout to serve (repeat to compare; the first is the reference); "
        "default: this one",
    )
    parser.add_argument("--rounds", type=int, default=1, help="rounds of every --code, alternated")
    parser.add_argument("--sign-in", choices=["form", "session"], default="form")
    parser.add_argument(
        "--warmup", type=int, default=4, help="authors who go through it first, unmeasured"
    )
    parser.add_argument("--pdf-kb", type=int, default=1024)
    parser.add_argument("--drain", type=float, default=60, help="how long to wait for the mail")
    parser.add_argument(
        "--redis-db", type=int, default=14, help="the Redis database it empties and uses"
    )
    args = parser.parse_args()
    # A terminated run still stops the servers it started (the ``finally`` of ``crunch``).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    codes = [c.resolve() for c in (args.code or [ROOT])]

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a scratch PostgreSQL database (it is dropped)")
    scratch_database(database_url)
    from aiosmtpd.controller import Controller

    counter = Counter()
    smtp = Controller(counter, hostname="127.0.0.1", port=free_port())
    smtp.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "crunch-bench-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "CELERY_BROKER_URL": f"redis://127.0.0.1:6379/{args.redis_db}",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "LOG_LEVEL": "WARNING",
    }
    setup_var = Path(tempfile.mkdtemp(prefix="cfp-crunch-setup-"))
    quiet = {"cwd": ROOT, "env": {**env, "VAR_DIR": str(setup_var)}, "check": True}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], **quiet, stdout=subprocess.DEVNULL)
    subprocess.run([*manage, "load_demo", "--allow-production"], **quiet, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["redis-cli", "-p", "6379", "-n", str(args.redis_db), "FLUSHDB"],
        stdout=subprocess.DEVNULL,
    )
    os.environ.update({**env, "VAR_DIR": str(setup_var)})
    import django

    django.setup()
    from submissions.services import deadlines
    from tests.pdfs import paper_pdf
    from workshops.models import Workshop

    workshop = next(w for w in Workshop.objects.filter(is_demo=True) if deadlines.can_create(w))
    stacks = [Stack(code, env, f"{i}:{code.name}") for i, code in enumerate(codes)]
    print(
        f"deadline crunch: {args.authors} authors, workshop {workshop.slug} "
        f"(double-blind: {workshop.is_double_blind}); code: "
        + ", ".join(f"{s.label} = {s.code}" for s in stacks)
    )
    rows = collections.defaultdict(list)
    for round_no in range(args.rounds):
        # Fresh PDFs every round: every author's two files differ from everyone else's.
        pdfs = [
            (
                paper_pdf(kb=args.pdf_kb, seed=round_no * 100_000 + 2 * i),
                paper_pdf(kb=args.pdf_kb, seed=round_no * 100_000 + 2 * i + 1),
            )
            for i in range(args.authors)
        ]
        if round_no == 0:
            print(f"PDFs: {len(pdfs[0][0]) // 1024} KB, 9 pages, one per author and version")
        order = stacks if round_no % 2 == 0 else list(reversed(stacks))
        for stack in order:
            load = os.getloadavg()[0]
            print(f"--- round {round_no + 1}, {stack.label}: load average {load:.2f} before")
            result = crunch(stack, workshop.slug, args, round_no, pdfs)
            checked = check(result, stack, pdfs, counter)
            row = summarize(stack.label, result, checked, args.authors)
            row["load"] = (load, os.getloadavg()[0])
            rows[stack.label].append(row)
    smtp.stop()

    print("\nsummary (median over rounds; ratio = reference / this, higher is better):")
    keys = ["submit p50", "submit p95", "submit p99", "re-upload p95"]
    cpu_keys = ["cpu_submit_ms", "cpu_form_ms", "cpu_reupload_ms", "cpu_edit_form_ms"]
    reference = stacks[0].label
    med = {
        label: {k: statistics.median(r[k] for r in runs) for k in keys + cpu_keys + ["rate"]}
        for label, runs in rows.items()
    }
    for label, runs in rows.items():
        m = med[label]
        ratios = ""
        if label != reference:
            ref = med[reference]
            ratios = (
                f"; vs {reference}: submit p95 {ref['submit p95'] / m['submit p95']:.2f}x, "
                f"CPU per submission {ref['cpu_submit_ms'] / m['cpu_submit_ms']:.2f}x, "
                f"per re-upload {ref['cpu_reupload_ms'] / m['cpu_reupload_ms']:.2f}x"
            )
        loads = ", ".join(f"{a:.1f}->{b:.1f}" for a, b in (r["load"] for r in runs))
        print(
            f"{label}: {m['rate']:.1f} submissions/s, submit p50/p95/p99 "
            f"{m['submit p50']:.2f}/{m['submit p95']:.2f}/{m['submit p99']:.2f} s, re-upload "
            f"p95 {m['re-upload p95']:.2f} s; CPU ms per submission {m['cpu_submit_ms']:.1f} "
            f"(+ form {m['cpu_form_ms']:.1f}), per re-upload {m['cpu_reupload_ms']:.1f} "
            f"(+ form {m['cpu_edit_form_ms']:.1f}); all checks passed: "
            f"{all(r['ok'] for r in runs)}; load {loads}{ratios}"
        )
    return 0 if all(r["ok"] for runs in rows.values() for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
