"""The demo Solution Lab, through the actions: Brussels Commons's call for questions with
four questions from its community and their supports; the call has closed and the most
supported question is attached to the host's upcoming Solution Lab. Idempotent: nothing is
added when the demo call exists.

The actions refuse a deadline in the past, so the call is opened with a deadline to come,
answered, and its deadline then moved back (as the events demo moves past sessions).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from samen.accounts.demo import person
from samen.communities.models import Host
from samen.events import actions as event_actions
from samen.events.labs import actions
from samen.events.labs.forms import PROMPT
from samen.events.models import EventKind, LabCall

HOST_SLUG = "brussels-commons"
CALL_TITLE = "Questions for the spring Solution Lab"

QUESTIONS = [
    (
        "hanne@samen.test",
        "How do we keep volunteers coming back after their first month?",
        "Our garden and brewery both get a wave of new volunteers in spring; by June half "
        "of them are gone.",
        "A WhatsApp group, a monthly dinner, and a rota on paper.",
    ),
    (
        "gilles@samen.test",
        "Comment trouver une cave de culture abordable à Forest ?",
        "Nos champignons poussent dans une cave prêtée, que nous devons quitter cet été.",
        "Les annonces immobilières et la commune ; rien sous 900 € par mois.",
    ),
    (
        "chloe@samen.test",
        "How can three collectives share one van fairly?",
        "The brewery, the repair café and the garden each need a van a few days a month.",
        "",
    ),
    (
        "karim@samen.test",
        "How do we ask a price for repairs without scaring people off?",
        "The repair café runs on donations that cover less than half of our parts.",
        "A donation box and a suggested amount on the wall.",
    ),
]

SUPPORTS = {
    0: ["chloe@samen.test", "bram@samen.test", "karim@samen.test", "femke@samen.test"],
    1: ["hanne@samen.test", "bram@samen.test"],
    2: ["karim@samen.test", "gilles@samen.test", "hanne@samen.test"],
    3: ["chloe@samen.test"],
}


def seed() -> None:
    if LabCall.objects.filter(title=CALL_TITLE).exists():
        return
    host = Host.objects.get(slug=HOST_SLUG)
    anna = person("anna@samen.test")
    starts = (timezone.localtime() + dt.timedelta(days=16)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    lab = event_actions.event_create(
        actor=anna, owner=host, kind=EventKind.SOLUTION_LAB,
        title="Solution Lab: spring edition", starts_at=starts,
        ends_at=starts + dt.timedelta(hours=3), capacity=24,
        place="Brussels Commons, Rue de la Senne 12, 1000 Brussels",
        description="An afternoon on the questions our community chose: small groups, one "
        "question each, and a plan to take home.",
    )  # fmt: skip
    event_actions.event_publish(actor=anna, event=lab)
    call = actions.lab_call_create(
        actor=anna, host=host, title=CALL_TITLE, prompt=str(PROMPT),
        deadline=timezone.now() + dt.timedelta(days=7),
    )  # fmt: skip
    asked = [
        actions.lab_question_submit(
            actor=person(email), call=call, title=title, context=context, tried=tried
        )
        for email, title, context, tried in QUESTIONS
    ]
    for index, emails in SUPPORTS.items():
        for email in emails:
            actions.lab_support_add(actor=person(email), question=asked[index])
    LabCall.objects.filter(pk=call.pk).update(deadline=timezone.now() - dt.timedelta(days=2))
    call.refresh_from_db()
    asked[0].call = call
    actions.lab_question_select(actor=anna, question=asked[0], event=lab)
