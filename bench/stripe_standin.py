"""Stripe for the launch rush of `make bench-web`: a stand-in API and the signed webhook.

The stack under test runs its real card code: it opens a Checkout session through the Stripe
client (pointed at the stand-in by ``STRIPE_API_BASE``), sends the backer to the session's
URL, and books the payment when a webhook signed with its webhook secret arrives. The
stand-in answers session requests as Stripe does; its session URL leads straight back to the
success page, carrying what the backer needs to send the webhook Stripe would send once the
card is paid (:func:`paid_event`).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit


class _StandIn(BaseHTTPRequestHandler):
    sessions = itertools.count(1)

    def do_POST(self) -> None:
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"] or 0)).decode())
        if self.path != "/v1/checkout/sessions":
            self.send_error(404)
            return
        session = f"cs_bench_{next(self.sessions)}"
        back = form["success_url"][0]
        extra = urlencode({"bench_session": session,
                           "bench_contribution": form["client_reference_id"][0]})  # fmt: skip
        body = json.dumps({
            "id": session,
            "object": "checkout.session",
            "url": back + ("&" if "?" in back else "?") + extra,
        }).encode()  # fmt: skip
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


def stand_in(port: int) -> ThreadingHTTPServer:
    """Serve the stand-in on ``127.0.0.1:port`` in a thread; ``shutdown()`` stops it."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def paid_event(checkout_url: str, secret: str) -> tuple[str, str]:
    """The ``checkout.session.completed`` event of the session behind ``checkout_url``, as
    Stripe sends it: ``(JSON payload, Stripe-Signature header)``."""
    query = parse_qs(urlsplit(checkout_url).query)
    event = {
        "id": f"evt_bench_{uuid.uuid4().hex}",
        "object": "event",
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": query["bench_session"][0],
                "object": "checkout.session",
                "client_reference_id": query["bench_contribution"][0],
                "payment_status": "paid",
                "payment_intent": f"pi_bench_{uuid.uuid4().hex[:16]}",
            }
        },
    }
    payload = json.dumps(event)
    stamp = int(time.time())
    digest = hmac.new(secret.encode(), f"{stamp}.{payload}".encode(), hashlib.sha256)
    return payload, f"t={stamp},v1={digest.hexdigest()}"
