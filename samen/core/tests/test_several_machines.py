"""The "several machines" layout of docs/deploy.md, run on this one: two app servers, two RQ
workers and one scheduler, each a process with an environment of its own (as a machine
would be), sharing PostgreSQL and Redis. Every process starts with its systemd unit's
command line (samen.lib.stack), and everything is checked over real HTTP."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management import call_command
from django.db import connection

from samen.communities.testing import Community
from samen.lib import stack
from samen.lib.testing import PASSWORD, require

REDIS = os.environ.get("REDIS_TEST_URL", "")

pytestmark = [
    pytest.mark.postgres_only,
    # The RQ queue of REDIS_TEST_URL is shared with test_rq_worker.py: never both at once.
    pytest.mark.xdist_group("redis-queue"),
    pytest.mark.django_db(transaction=True),
]

_FIELD = r'name="{}" value="([^"]+)"'
#: The name visitors use: the load balancer passes it on to whichever server answers.
SITE = "samen.example.org"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Visitor:
    """A browser behind the load balancer, reduced to what the layout needs: the site's
    name, cookies, forms, no redirects followed. Production cookies are marked Secure;
    over this plain HTTP they are sent by hand."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        self._opener = urllib.request.build_opener(_NoRedirect)

    def open(self, url: str, form: dict[str, str] | None = None) -> tuple[int, Any, str]:
        request = urllib.request.Request(
            url,
            data=urlencode(form).encode() if form is not None else None,
            headers={
                "Host": SITE,
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            },
        )
        try:
            answer = self._opener.open(request, timeout=30)
        except urllib.error.HTTPError as refused:  # 3xx and 4xx arrive here without a handler
            answer = refused
        with answer:
            for header in answer.headers.get_all("Set-Cookie") or []:
                cookie: SimpleCookie = SimpleCookie(header)
                self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
            return answer.status, answer.headers, answer.read().decode()

    def submit(self, url: str, fields: dict[str, str], *hidden: str) -> tuple[int, Any, str]:
        """GET the form at ``url``, then POST ``fields`` with its CSRF token and the values
        of the ``hidden`` fields it carries."""
        status, _, page = self.open(url)
        assert status == 200, (url, status)
        for name in ("csrfmiddlewaretoken", *hidden):
            found = re.search(_FIELD.format(name), page)
            assert found, (url, name)
            fields = {**fields, name: found.group(1)}
        return self.open(url, fields)


#: Upper bounds for a process to start or a job to run: generous, because two shared cores
#: under other test runs start Django ten times slower than an idle machine. A healthy
#: layout answers well within them; only a broken one waits them out.
START_SECONDS = 120


def _until(check: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"not within {seconds:.0f} s: {what}"
        time.sleep(0.1)


def _mails_to(folders: list[Path], address: str) -> int:
    return sum(
        log.read_text(errors="replace").count(f"To: {address}")
        for folder in folders
        for log in folder.glob("*.log")
    )


@pytest.fixture
def redis_queue() -> Iterator[Any]:
    require(bool(REDIS), "Redis (REDIS_TEST_URL)")
    require((Path(sys.executable).parent / "gunicorn").exists(), "gunicorn in the virtualenv")
    from redis import Redis

    redis = Redis.from_url(REDIS)
    redis.flushdb()  # no job or cached page of an earlier run
    yield redis
    redis.flushdb()


@pytest.fixture
def static_root(settings: Any, tmp_path: Path) -> Path:
    """Hashed static files for the servers: the manifest production reads, without the
    compression that makes a real collectstatic take a minute (test_static.py checks it)."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return Path(settings.STATIC_ROOT)


def _server_password(*people: Any) -> None:
    """The tests hash with MD5, which production refuses; these people get a hash the
    servers accept (cheap to make; the servers re-hash it at the first login)."""
    for person in people:
        person.password = PBKDF2PasswordHasher().encode(PASSWORD, uuid.uuid4().hex, 1000)
        person.save(update_fields=["password"])


def _environment(static: Path, mail: Path) -> dict[str, str]:
    """What every machine's /etc/samen/env would hold: the same secret, database and Redis."""
    db = connection.settings_dict
    login = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "SECRET_KEY": "several-machines-" + "s" * 50,
        "DATABASE_URL": f"postgres://{login}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "REDIS_URL": REDIS,
        "TASKS_BACKEND": "rq",
        "ALLOWED_HOSTS": f"127.0.0.1,{SITE}",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(static),
        "EMAIL_URL": f"file://{mail}",
        "LOG_LEVEL": "WARNING",
        # Failed logins per account: the limit the servers must count together.
        "LOGIN_FAILED_PER_ACCOUNT": "3/5m/key",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "4",
    }
    env.pop("TEST_DATABASE_NAME", None)
    return env


def test_two_app_servers_two_workers_and_one_scheduler_act_as_one_site(
    community: Community, redis_queue: Any, static_root: Path, tmp_path: Path
) -> None:
    _server_password(community.anna, community.eva)
    mail = [tmp_path / "mail-worker-1", tmp_path / "mail-worker-2"]
    for folder in mail:
        folder.mkdir()
    env = _environment(static_root, tmp_path / "mail-app")
    ports = [stack.free_port(), stack.free_port()]
    a, b = (f"http://127.0.0.1:{port}" for port in ports)
    machines = [
        *(
            stack.start(
                f"app-{n}",
                stack.unit_command("web"),
                {**env, "PORT": str(port), "SITE_URL": f"http://{SITE}"},
                tmp_path,
            )
            for n, port in enumerate(ports, 1)
        ),
        *(
            stack.start(
                f"worker-{n}",
                stack.unit_command("worker"),
                {**env, "EMAIL_URL": f"file://{folder}"},
                tmp_path,
            )
            for n, folder in enumerate(mail, 1)
        ),
        stack.start("scheduler", stack.unit_command("scheduler"), env, tmp_path),
    ]
    try:
        stack.wait_healthy([a, b], START_SECONDS, machines)
        anna = _sessions_are_shared(a, b)
        _pages_cached_on_b_change_with_a_posting_through_a(a, b, anna, community, redis_queue)
        _a_task_from_a_runs_once(a, redis_queue, mail)
        _failed_logins_count_on_both_servers(a, b, community.eva.email)
        _one_scheduler_runs(machines[-1], env, tmp_path)
    finally:
        stack.stop(machines)


def _sessions_are_shared(a: str, b: str) -> Visitor:
    anna = Visitor()
    status, _, _ = anna.submit(
        f"{a}/accounts/login/", {"login": "anna@example.org", "password": PASSWORD}
    )
    assert status == 302, "Anna could not sign in on A"
    # Signed in on A, the host dashboard opens on B; without her cookie B sends her to log in.
    status, _, page = anna.open(f"{b}/hosts/brussels-commons/dashboard/added-funds/")
    assert status == 200
    assert "Anna" in page
    assert Visitor().open(f"{b}/hosts/brussels-commons/dashboard/added-funds/")[0] == 302
    return anna


def _pages_cached_on_b_change_with_a_posting_through_a(
    a: str, b: str, anna: Visitor, community: Community, redis: Any
) -> None:
    page = f"{b}/collectives/{community.collective.slug}/transactions/"
    first = Visitor().open(page)
    cached = Visitor().open(page)
    assert first[0] == cached[0] == 200
    assert first[1]["ETag"] == cached[1]["ETag"]
    assert redis.keys("*pagecache:page:*"), "B did not keep the page in the shared cache"
    donor = f"Zoë {uuid.uuid4().hex[:8]}"
    assert donor not in cached[2]

    status, _, _ = anna.submit(
        f"{a}/hosts/brussels-commons/dashboard/added-funds/",
        {
            "collective": str(community.collective.pk),
            "amount": "12.50",
            "source_name": donor,
            "reason": "A gift received on the host's account",
        },
        "once",
    )
    assert status == 302, "the added funds were not booked through A"
    status, headers, after = Visitor().open(page)
    assert status == 200
    assert donor in after, "B served the page cached before A's posting"
    assert headers["ETag"] != first[1]["ETag"]


def _a_task_from_a_runs_once(a: str, redis: Any, mail: list[Path]) -> None:
    from rq import Queue
    from rq.registry import StartedJobRegistry

    status, _, _ = Visitor().submit(f"{a}/accounts/password/reset/", {"email": "chloe@example.org"})
    assert status == 302
    _until(
        lambda: _mails_to(mail, "chloe@example.org") > 0, START_SECONDS, "a worker sends the e-mail"
    )
    queue = Queue("default", connection=redis)
    _until(
        lambda: queue.count == 0 and StartedJobRegistry(queue=queue).count == 0,
        START_SECONDS,
        "the queue is empty and no worker is busy",
    )
    # Exactly one worker sent it: nothing is left that could send it again.
    assert _mails_to(mail, "chloe@example.org") == 1


def _failed_logins_count_on_both_servers(a: str, b: str, email: str) -> None:
    for server in (a, b, a):
        status, _, page = Visitor().submit(
            f"{server}/accounts/login/", {"login": email, "password": "wrong"}
        )
        assert status == 200
        assert "Too many" not in page
    # Three failures split over A and B reached the account's limit of three: B refuses the
    # right password too. With a cache per server, B would have counted one and let Eva in.
    # (allauth keys the count by the site's name, which the load balancer passes on.)
    status, _, page = Visitor().submit(
        f"{b}/accounts/login/", {"login": email, "password": PASSWORD}
    )
    assert status == 200
    assert "Too many failed login attempts" in page


def _one_scheduler_runs(first: stack.Machine, env: dict[str, str], tmp_path: Path) -> None:
    _until(lambda: "job(s)" in first.log, START_SECONDS, "the scheduler starts")
    once = subprocess.run(
        [sys.executable, "manage.py", "scheduler", "--once"],
        cwd=stack.ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert once.returncode != 0
    assert "another scheduler is running" in once.stderr
    standby = stack.start(
        "scheduler-2", [*stack.unit_command("scheduler"), "--standby-seconds", "0.2"], env, tmp_path
    )
    try:
        _until(lambda: "standing by" in standby.log, START_SECONDS, "a second scheduler stands by")
        assert "job(s)" not in standby.log
        stack.stop([first])
        _until(lambda: "taking over" in standby.log, START_SECONDS, "the standby takes over")
        assert "job(s)" in standby.log
    finally:
        stack.stop([standby])
