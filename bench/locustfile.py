"""Simulated visitors for `make bench-web` (bench/web.py starts Locust with this file).

``BENCH_SCENARIO`` picks who visits:
- ``pages``: anonymous visitors reading ``BENCH_PATHS`` (comma-separated) as fast as answered;
- ``rush``: backers who open a campaign, pledge for its limited reward and read the thank-you
  page, once each (``BENCH_CAMPAIGN``, ``BENCH_REWARD``); a share of them
  (``BENCH_CARD_SHARE``) pay by card: the stack's Stripe is the stand-in of bench/web.py, and
  the payment arrives as a webhook signed with ``BENCH_WEBHOOK_SECRET``, as Stripe sends it;
- ``members``: signed-in members (sessions from ``BENCH_SESSIONS``, a JSON list of
  ``[session key, news path, topic path]``) reading their pages and now and then replying in
  their collective's discussion, pausing ``BENCH_THINK_MIN`` to ``BENCH_THINK_MAX`` seconds.

``BENCH_HOSTS`` (comma-separated base URLs) spreads the simulated people over several app
servers, each person staying with one, as a load balancer with sticky connections would.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import uuid
from typing import Any

from locust import FastHttpUser, between, constant, task
from locust.exception import StopUser

from bench.stripe_standin import paid_event

SCENARIO = os.environ.get("BENCH_SCENARIO", "pages")
PATHS = [path for path in os.environ.get("BENCH_PATHS", "/").split(",") if path]
CAMPAIGN = os.environ.get("BENCH_CAMPAIGN", "")
REWARD = os.environ.get("BENCH_REWARD", "")
CARD_SHARE = float(os.environ.get("BENCH_CARD_SHARE", "0"))
WEBHOOK_SECRET = os.environ.get("BENCH_WEBHOOK_SECRET", "")
SESSIONS: list[list[str]] = json.loads(os.environ.get("BENCH_SESSIONS", "[]"))
THINK = (
    float(os.environ.get("BENCH_THINK_MIN", "0")),
    float(os.environ.get("BENCH_THINK_MAX", "0")),
)
_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_next_session = itertools.count()
HOSTS = [host for host in os.environ.get("BENCH_HOSTS", "").split(",") if host]
_next_host = itertools.count()


def _token(body: str) -> str:
    found = _TOKEN.search(body)
    return found.group(1) if found else ""


def _csrf_cookie(answer: object) -> str:
    """The CSRF cookie the server just set. Production marks it Secure, so the client's
    cookie jar would not send it back over the bench's plain HTTP: it is sent by hand."""
    found = re.search(r"csrftoken=([^;]+)", getattr(answer, "headers", {}).get("Set-Cookie", ""))
    return f"csrftoken={found.group(1)}" if found else ""


class Person(FastHttpUser):
    """Anyone the bench simulates; with ``BENCH_HOSTS``, people go to the servers in turn."""

    abstract = True

    def __init__(self, environment: Any) -> None:
        if HOSTS:
            self.host = HOSTS[next(_next_host) % len(HOSTS)]
        super().__init__(environment)


class Visitor(Person):
    wait_time = constant(0)
    abstract = SCENARIO != "pages"

    @task
    def read(self) -> None:
        path = random.choice(PATHS)
        self.client.get(path, name=path)


class Backer(Person):
    """One person in a launch rush: the campaign, the form, the pledge, the thank-you page."""

    wait_time = constant(0)
    abstract = SCENARIO != "rush"

    @task
    def back(self) -> None:
        self.client.get(CAMPAIGN, name="rush: campaign")
        form = self.client.get(CAMPAIGN + "back/", name="rush: form")
        someone = uuid.uuid4().hex[:10]
        card = random.random() < CARD_SHARE
        with self.client.post(
            CAMPAIGN + "back/",
            data={
                "csrfmiddlewaretoken": _token(form.text or ""),
                "reward": REWARD,
                "amount": "",
                "method": "stripe" if card else "bank_transfer",
                "guest_name": f"Backer {someone}",
                "guest_email": f"{someone}@bench.samen.test",
            },
            headers={"Cookie": _csrf_cookie(form)},
            name="rush: pledge",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code == 302:
                answer.success()
                location = answer.headers["Location"]
                if card:
                    self._pay(location)
                self.client.get(location, name="rush: thank-you")
            elif answer.status_code == 200 and "sold out" in (answer.text or "").lower():
                answer.success()  # the reward ran out: the form says so, which is right
            elif answer.status_code == 200:
                answer.success()  # another clear refusal at the field (counted in web.py)
            else:
                answer.failure(f"pledge answered {answer.status_code}")
        raise StopUser()

    def _pay(self, checkout_url: str) -> None:
        """What Stripe does once the card is paid: a signed checkout.session.completed."""
        payload, signature = paid_event(checkout_url, WEBHOOK_SECRET)
        with self.client.post(
            "/funding/stripe/webhook/",
            data=payload,
            headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
            name="rush: card webhook",
            catch_response=True,
        ) as answer:
            if answer.status_code == 200 and answer.text == "paid":
                answer.success()
            else:
                answer.failure(f"webhook answered {answer.status_code} {answer.text!r}")


class Member(Person):
    """A signed-in member: dashboard, news, credits; one visit in four replies in a topic."""

    wait_time = between(*THINK)
    abstract = SCENARIO != "members"

    def on_start(self) -> None:
        key, self.news, self.topic = SESSIONS[next(_next_session) % len(SESSIONS)]
        self.cookie = f"sessionid={key}"

    def _get(self, path: str, name: str) -> str:
        answer = self.client.get(path, name=name, headers={"Cookie": self.cookie})
        return answer.text or ""

    @task(3)
    def read(self) -> None:
        self._get("/collectives/mine/", "member: my communities")
        self._get(self.news, "member: news")
        self._get("/credits/", "member: credits")

    @task(1)
    def write(self) -> None:
        topic = self.client.get(self.topic, name="member: topic", headers={"Cookie": self.cookie})
        cookie = f"{self.cookie}; {_csrf_cookie(topic)}"
        with self.client.post(
            self.topic + "reply/",
            data={
                "csrfmiddlewaretoken": _token(topic.text or ""),
                "body": "Written during the benchmark: what worked for us was a buddy.",
            },
            headers={"Cookie": cookie},
            name="member: reply",
            allow_redirects=False,
            catch_response=True,
        ) as answer:
            if answer.status_code == 302:
                answer.success()
            else:
                answer.failure(f"reply answered {answer.status_code}")
