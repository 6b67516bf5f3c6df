"""Outages during a submission burst, on the production shape: what was lost, what was doubled.

Starts, on this machine only (loopback):

- a scratch PostgreSQL database (dropped and re-created), migrated, with the demo data;
- gunicorn with ``config.settings.production`` (2 workers) and a Celery worker with beat;
- a real SMTP server (aiosmtpd) that counts every message and its ``Message-ID``;
- two TCP proxies, one in front of PostgreSQL and one in front of Redis, through which the web
  server and the worker reach them. Cutting a proxy is a real outage for the site: open
  connections are reset and new ones refused, while the database and Redis keep running for
  everything else on the machine.

Then ``--authors`` signed-in authors each submit a real PDF to the demo edition's open call, at
moments spread over the run, while the broker (``--outage broker``), the database
(``--outage database``) or both are cut for ``--seconds`` seconds. Every author whose response
was an error retries once, as a person would. At the end it prints, per outcome, how many
submits were answered with a success or an error page, how many papers were saved (and for how
many of those the author saw an error), how many were lost or saved twice, and whether every
confirmation e-mail arrived exactly once (distinct ``Message-ID`` per outbox row).

Usage::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cfp_fault \\
        .venv/bin/python bench/fault_outage.py [--authors 40] [--outage broker] [--seconds 20]

Needs PostgreSQL and Redis on their usual local ports and the test extra (aiosmtpd, reportlab).
"""

from __future__ import annotations

import argparse
import collections
import html.parser
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
REDIS_DB = 13


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- A TCP proxy that can be cut ---------------------------------------------------------------


class Proxy:
    """Forwards 127.0.0.1:port to target; ``cut()`` resets every connection and refuses new ones
    until ``restore()``."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self._conns: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(256)
        listener.settimeout(0.1)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        # The accept loop sees the change within 0.1 s and closes the listening socket, so a
        # new connection is refused; the open ones are reset now.
        self._listener = None
        time.sleep(0.3)
        with self._lock:
            for conn in self._conns:
                try:
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\0\0\0\0\0\0\0")
                    conn.close()
                except OSError:
                    pass
            self._conns.clear()

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            client.settimeout(None)
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()
        listener.close()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                try:
                    s.close()
                except OSError:
                    pass


# --- A real SMTP server --------------------------------------------------------------------------


class Counter:
    def __init__(self):
        self.messages: list[tuple[str, str, str]] = []  # (message-id, recipient, subject)
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        text = envelope.content.decode("utf8", errors="replace")
        message_id = re.search(r"^Message-ID:\s*(\S+)", text, re.M | re.I)
        subject = re.search(r"^Subject:\s*(.*)$", text, re.M | re.I)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.messages.append(
                    (
                        message_id.group(1) if message_id else "",
                        rcpt,
                        subject.group(1).strip() if subject else "",
                    )
                )
        return "250 Message accepted for delivery"


# --- The submission form, as a browser would fill it ---------------------------------------------


class FormParser(html.parser.HTMLParser):
    """Collects the fields of the submission form: hidden and text inputs, checkboxes, selects."""

    def __init__(self):
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self.checkboxes: list[tuple[str, str]] = []
        self.selects: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind == "checkbox":
                self.checkboxes.append((name, a.get("value", "on")))
            elif kind in ("hidden", "text", "email", "url", "number"):
                self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = name
            self.selects[name] = []
        elif tag == "option" and self._select and a.get("value"):
            self.selects[self._select].append(a["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def multipart(fields: list[tuple[str, str]], files: dict[str, tuple[str, bytes]]):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            f"--{boundary}\r\nContent-Disposition: form-data; "
            f'name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, data) in files.items():
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + data
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirect)


def request(url, *, cookies: dict, data=None, content_type=None, timeout=60):
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    if content_type:
        headers["Content-Type"] = content_type
        headers["Referer"] = url
    req = urllib.request.Request(url, data=data, headers=headers)
    try:
        response = OPENER.open(req, timeout=timeout)
    except urllib.error.HTTPError as exc:
        response = exc
    body = response.read().decode("utf8", errors="replace")
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        cookies[name.strip()] = rest.split(";", 1)[0]
    return response.status, body


def prepare(base: str, slug: str, cookies: dict, title: str, pdf: bytes):
    """Open the form and fill it in as a browser would: (status, body, content type)."""
    status, page = request(f"{base}/submissions/{slug}/new/", cookies=cookies)
    if status != 200:
        return status, b"", ""
    form = FormParser()
    form.feed(page)
    fields = [(k, v) for k, v in form.fields if k not in ("title", "keywords")]
    fields += [("title", title), ("keywords", "robustness"), ("action", "submit")]
    fields.append(("abstract", f"We study {title.lower()} under realistic conditions."))
    for name, options in form.selects.items():
        if options:
            fields.append((name, options[0]))
    seen = set()
    for name, value in form.checkboxes:
        if name.startswith("ack_") or (name == "topics" and "topics" not in seen):
            fields.append((name, value))
            seen.add(name)
    fields.append(("confirm_warnings", "on"))
    body, content_type = multipart(fields, {"paper": ("paper.pdf", pdf)})
    return status, body, content_type


def post(base: str, slug: str, cookies: dict, body: bytes, content_type: str) -> int:
    try:
        status, _ = request(
            f"{base}/submissions/{slug}/new/", cookies=cookies, data=body, content_type=content_type
        )
    except OSError:
        status = 599  # no answer at all
    return status


# --- The run -------------------------------------------------------------------------------------


def scratch_database(url: str) -> None:
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = urlunparse(parts._replace(path="/postgres"))
    conn = psycopg2.connect(admin)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cur.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def through(url: str, port: int) -> str:
    parts = urlparse(url)
    netloc = parts.netloc.rsplit("@", 1)
    host = f"127.0.0.1:{port}"
    return urlunparse(parts._replace(netloc=f"{netloc[0]}@{host}" if len(netloc) == 2 else host))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--authors", type=int, default=40)
    parser.add_argument(
        "--outage", choices=["broker", "database", "both", "none"], default="broker"
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--drain", type=float, default=240, help="how long to wait for the mail")
    parser.add_argument("--pdf-kb", type=int, default=1024)
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a scratch PostgreSQL database (it is dropped)")
    scratch_database(database_url)
    var = Path(tempfile.mkdtemp(prefix="cfp-fault-"))
    pg_port = urlparse(database_url).port or 5432
    pg_proxy, redis_proxy = Proxy(pg_port), Proxy(6379)

    from aiosmtpd.controller import Controller

    counter = Counter()
    smtp = Controller(counter, hostname="127.0.0.1", port=free_port())
    smtp.start()
    web_port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "fault-bench-" + uuid.uuid4().hex,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "VAR_DIR": str(var),
        "DATABASE_URL": through(database_url, pg_proxy.port),
        "CELERY_BROKER_URL": f"redis://127.0.0.1:{redis_proxy.port}/{REDIS_DB}",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "SITE_URL": f"http://127.0.0.1:{web_port}",
        "LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    quiet = {"cwd": ROOT, "env": env, "check": True, "stdout": subprocess.DEVNULL}
    subprocess.run([*manage, "migrate", "--noinput"], **quiet)
    subprocess.run([*manage, "collectstatic", "--noinput"], **quiet)
    subprocess.run([*manage, "load_demo", "--allow-production"], **quiet)
    subprocess.run(
        ["redis-cli", "-p", "6379", "-n", str(REDIS_DB), "FLUSHDB"], stdout=subprocess.DEVNULL
    )

    os.environ.update({k: v for k, v in env.items() if k != "DATABASE_URL"})
    os.environ["DATABASE_URL"] = database_url  # this process goes to the database directly
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User
    from mail.models import OutgoingEmail
    from submissions.models import Submission
    from submissions.services import deadlines
    from workshops.models import Workshop

    # The demo edition whose call is open (the others' calls have closed).
    workshop = next(w for w in Workshop.objects.filter(is_demo=True) if deadlines.can_create(w))
    sessions = []
    for i in range(args.authors):
        user = User.objects.create_user(
            email=f"fault-author{i}@bench.test", password=None, full_name=f"Fault Author {i}"
        )
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append((user, store.session_key))

    from tests.pdfs import make_pdf

    padding = "x" * 200
    pdf = make_pdf(pages=4, text="An anonymous submission")
    pdf = pdf + b"\n%" + (padding * (args.pdf_kb * 1024 // 200)).encode() + b"\n"

    web = subprocess.Popen(
        [str(VENV_BIN / "gunicorn"), "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{web_port}"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    worker = subprocess.Popen(
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
            str(var / "beat"),
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{web_port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(base + "/", timeout=2)
            break
        except OSError:
            time.sleep(0.5)

    outage_at, outage_for = 3.0, args.seconds
    span = outage_at + outage_for + 5
    results: dict[int, list[tuple[int, float]]] = collections.defaultdict(list)
    rng = random.Random(7)

    def author(i: int, user, session: str) -> None:
        time.sleep(rng.uniform(0, span))
        cookies = {"sessionid": session}
        start = time.monotonic()
        body = content_type = b""
        try:
            status, body, content_type = prepare(
                base, workshop.slug, cookies, f"Fault bench paper {i}", pdf
            )
        except OSError:
            status = 599
        if status == 200:
            status = post(base, workshop.slug, cookies, body, content_type)
        results[i].append((status, time.monotonic() - start))
        if status >= 500 and body:
            # A person who sees an error page sends the same form again (reload, or back and
            # submit): the same form, the same token.
            time.sleep(2)
            start = time.monotonic()
            status = post(base, workshop.slug, cookies, body, content_type)
            results[i].append((status, time.monotonic() - start))

    proxies = {"broker": [redis_proxy], "database": [pg_proxy], "both": [redis_proxy, pg_proxy]}
    threads = [threading.Thread(target=author, args=(i, u, s)) for i, (u, s) in enumerate(sessions)]
    started = time.monotonic()
    for t in threads:
        t.start()
    if args.outage != "none":
        time.sleep(outage_at)
        for proxy in proxies[args.outage]:
            proxy.cut()
        time.sleep(outage_for)
        for proxy in proxies[args.outage]:
            proxy.restore()
    restored = time.monotonic()
    for t in threads:
        t.join()

    users = [u for u, _ in sessions]
    drained_at = None
    deadline = time.monotonic() + args.drain
    while time.monotonic() < deadline:
        rows = OutgoingEmail.objects.filter(user__in=users)
        if rows.exists() and not rows.exclude(state="sent").exists():
            drained_at = time.monotonic()
            break
        time.sleep(1)
    time.sleep(3)  # a late duplicate would arrive now
    web.terminate()
    worker.terminate()
    web.wait(30)
    worker.wait(60)
    smtp.stop()

    first = collections.Counter()
    for attempts in results.values():
        status = attempts[0][0]
        first["error" if status >= 500 else "ok" if status in (200, 302, 303) else str(status)] += 1
    papers = collections.Counter(
        Submission.objects.filter(created_by__in=users).values_list("created_by", flat=True)
    )
    saved_but_error = sum(
        1 for i, (u, _) in enumerate(sessions) if papers.get(u.pk) and results[i][0][0] >= 500
    )
    lost = sum(
        1
        for i, (u, _) in enumerate(sessions)
        if not papers.get(u.pk) and any(s in (200, 302, 303) for s, _ in results[i])
    )
    twice = sum(1 for n in papers.values() if n > 1)
    rows = OutgoingEmail.objects.filter(user__in=users, template_role="submission.submitted")
    row_count = rows.count()
    recipients = set(rows.values_list("recipient", flat=True))
    received = [m for m in counter.messages if m[1] in recipients and "received" in m[2].lower()]
    ids_per_recipient = collections.defaultdict(set)
    for message_id, rcpt, _ in received:
        ids_per_recipient[rcpt].add(message_id)
    slow = sorted(s for attempts in results.values() for _, s in attempts)

    print(
        f"outage: {args.outage} for {outage_for:.0f} s, {args.authors} authors, "
        f"{len(pdf) // 1024} KB PDF, run of {restored - started:.0f} s"
    )
    statuses = collections.Counter(status for a in results.values() for status, _ in a)
    print(f"every answer by HTTP status (599: no answer): {dict(sorted(statuses.items()))}")
    print(
        f"first answers: {dict(first)}; retries after an error: "
        f"{sum(len(a) - 1 for a in results.values())}"
    )
    print(f"papers saved: {sum(papers.values())}; authors with a paper: {len(papers)}")
    print(f"saved but answered with an error: {saved_but_error}")
    print(f"lost (success shown, nothing saved): {lost}; saved twice: {twice}")
    print(
        f"confirmation rows: {row_count}; messages received: {len(received)}; "
        f"authors with more than one distinct Message-ID: "
        f"{sum(1 for ids in ids_per_recipient.values() if len(ids) > 1)}; "
        f"authors never mailed: {len(recipients - set(ids_per_recipient))}"
    )
    if drained_at:
        print(f"outbox drained {drained_at - restored:.0f} s after the outage ended")
    else:
        print(f"outbox NOT drained within {args.drain:.0f} s of the outage's end")
    if slow:
        print(
            f"response time p50 {slow[len(slow) // 2]:.2f} s, "
            f"p95 {slow[int(len(slow) * 0.95) - 1]:.2f} s, max {slow[-1]:.2f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
