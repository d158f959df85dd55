"""Decisions in the demo communities, through the actions: in the Brussels chapter a consent
proposal in progress (an objection, then an amendment) and a ranked-choice poll decided in
three rounds; in Brasserie Zinneke a closed proposal whose outcome is published as news, a
house-rules change passed by decision (the new version links it), an advice process with
advice given and one awaited, and a dot vote; a meeting-time poll of the Ghent chapter;
Brussels Commons' yearly impact survey with 30 answers, closed and published on its page.
Idempotent: a poll whose title its community already has is left alone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from samen.accounts.demo import person
from samen.communities.actions import member_add, rules_accept
from samen.communities.demo import HOST_SLUG
from samen.communities.models import Chapter, Collective, Host
from samen.conversations.models import Owner, owner_fields
from samen.decisions import actions, queries
from samen.decisions.models import Poll


def _option(poll: Poll, label: str) -> int:
    return next(o.pk for o in queries.poll_options(poll) if label in (o.key, o.label))


def _once(owner: Owner, title: str, make: Callable[[], Poll], then: Callable[[Poll], Any]) -> None:
    if Poll.objects.filter(title=title, **owner_fields(owner)).exists():
        return
    then(make())


def seed() -> None:
    week = timezone.now() + timedelta(days=7)
    brussels = Chapter.objects.get(slug="brussels")
    ghent = Chapter.objects.get(slug="ghent")
    brewery = Collective.objects.get(slug="brasserie-zinneke")
    karim, chloe, hanne = (person(f"{n}@samen.test") for n in ("karim", "chloe", "hanne"))
    bram, gilles = person("bram@samen.test"), person("gilles@samen.test")

    def consent(poll: Poll) -> None:
        actions.stance_cast(actor=hanne, poll=poll, choices=[(_option(poll, "consent"), 1)])
        actions.stance_cast(actor=chloe, poll=poll, choices=[(_option(poll, "object"), 1)],
                            reason="Thursday is our brewing day.")  # fmt: skip
        actions.poll_amend(actor=karim, poll=poll,
                           details="We meet on the **second Wednesday** of the month.")  # fmt: skip

    _once(brussels, "Move our monthly meetup to another day",
          lambda: actions.poll_create(actor=karim, owner=brussels, kind="consent",
                                      title="Move our monthly meetup to another day",
                                      details="We meet on Thursdays from March on.",
                                      closes_at=week, quorum_percent=50),
          consent)  # fmt: skip

    def ranked(poll: Poll) -> None:
        a, b, c, d = (_option(poll, label) for label in PICNIC)
        ballots = [[a, b], [a, c], [b, c], [c, b], [d, b]]  # D goes, then C; B wins in round 3
        for voter, ballot in zip([karim, chloe, hanne, bram, gilles], ballots, strict=True):
            ranks = [(pk, rank) for rank, pk in enumerate(ballot, 1)]
            actions.stance_cast(actor=voter, poll=poll, choices=ranks)
        actions.poll_close(actor=karim, poll=poll)
        actions.outcome_set(actor=karim, poll=poll, statement="The picnic is in the Josaphat park.")

    _once(brussels, "Where do we hold the summer picnic?",
          lambda: actions.poll_create(actor=karim, owner=brussels, kind="ranked",
                                      title="Where do we hold the summer picnic?",
                                      options=PICNIC, closes_at=week),
          ranked)  # fmt: skip

    def proposal(poll: Poll) -> None:
        actions.stance_cast(actor=chloe, poll=poll, choices=[(_option(poll, "agree"), 1)],
                            reason="Our regulars ask for it every winter.")  # fmt: skip
        actions.stance_cast(actor=hanne, poll=poll, choices=[(_option(poll, "abstain"), 1)])
        actions.poll_close(actor=bram, poll=poll)
        actions.outcome_set(actor=bram, poll=poll, publish_news=True,
                            statement="We brew **200 l** of stout in November; pre-sales open "
                            "on 1 October.")  # fmt: skip

    _once(brewery, "Brew a winter stout",
          lambda: actions.poll_create(actor=bram, owner=brewery, kind="proposal",
                                      title="Brew a winter stout", closes_at=week,
                                      details="200 l, pre-sold to neighbours like the saison."),
          proposal)  # fmt: skip

    def advice(poll: Poll) -> None:
        why = "Buy it second-hand: a new one costs twice as much."
        actions.stance_cast(
            actor=hanne, poll=poll, choices=[(_option(poll, "concern"), 1)], reason=why
        )

    _once(brewery, "Buy a second fermenter",
          lambda: actions.poll_create(actor=bram, owner=brewery, kind="advice",
                                      title="Buy a second fermenter", closes_at=week,
                                      details="It doubles what we can brew per month.",
                                      affected=[chloe], experts=[hanne]),
          advice)  # fmt: skip

    _once(brewery, "Which beers for the spring market?",
          lambda: actions.poll_create(actor=chloe, owner=brewery, kind="dots",
                                      title="Which beers for the spring market?", dots=5,
                                      options=["Saison", "Stout", "Witbier", "Kriek"],
                                      closes_at=week),
          lambda poll: actions.stance_cast(actor=hanne, poll=poll,
                                           choices=[(_option(poll, "Saison"), 3),
                                                    (_option(poll, "Kriek"), 2)]))  # fmt: skip

    def rules(poll: Poll) -> None:
        actions.stance_cast(actor=chloe, poll=poll, choices=[(_option(poll, "agree"), 1)])
        actions.stance_cast(actor=hanne, poll=poll, choices=[(_option(poll, "agree"), 1)])
        actions.poll_close(actor=bram, poll=poll)
        actions.outcome_set(actor=bram, poll=poll, statement="The new house rules apply.")
        for member in (chloe, hanne):  # the demo's members carry on without a banner
            rules_accept(actor=member, owner=brewery)

    _once(brewery, "House rules: clean the kettle",
          lambda: actions.poll_create(actor=bram, owner=brewery, kind="proposal",
                                      title="House rules: clean the kettle", closes_at=week,
                                      rules_text=BREWERY_RULES),
          rules)  # fmt: skip

    _impact(Host.objects.get(slug=HOST_SLUG), person("anna@samen.test"))

    jana = person("jana@samen.test")
    _once(ghent, "When do we hold the general assembly?",
          lambda: actions.poll_create(actor=jana, owner=ghent, kind="meeting",
                                      title="When do we hold the general assembly?",
                                      options=SLOTS, closes_at=week),
          lambda poll: actions.stance_cast(actor=hanne, poll=poll,
                                           choices=list(zip([_option(poll, s) for s in SLOTS],
                                                            [2, 1, 0], strict=True))))  # fmt: skip


#: The impact survey's 30 answers: (speed, contacts, found something, helped 1-5, recommend 0-10).
IMPACT_ANSWERS = [
    (("Much faster", "Somewhat faster", "No difference", "Slower")[n % 7 % 4],
     [("Other members", "Coaches", "The host's team", "Experts met at events",
       "Partners and funders")[k] for k in {n % 5, n * 3 % 5}],
     "yes" if n % 3 else "no", 2 + n % 4, 5 + n % 6)
    for n in range(30)
]  # fmt: skip
IMPACT_WISHES = ["More peer sessions on funding.", "A yearly market for our products.",
                 "Introductions to the city's procurement team."]  # fmt: skip


def _innovators(host: Host, anna: Any) -> list[Any]:
    """The 30 innovators who answer the impact survey: members of the host, made once."""
    people = []
    for n in range(1, 31):
        email = f"innovator{n:02d}@samen.test"
        user, created = get_user_model().objects.get_or_create(
            email=email, defaults={"display_name": f"Innovator {n}", "language": "nl"}
        )
        if created:
            member_add(actor=anna, owner=host, user=user, role="member")
        people.append(user)
    return people


def _impact(host: Host, anna: Any) -> None:
    """The yearly impact survey, answered by 30 innovators, closed and published."""
    if Poll.objects.filter(host=host, kind="survey", published_at__isnull=False).exists():
        return
    survey = actions.impact_survey_create(actor=anna, host=host)
    questions = list(survey.questions.order_by("position"))
    options = queries.poll_options(survey)
    label = {(o.question_id, o.label): o.pk for o in options}
    label.update({(o.question_id, o.key): o.pk for o in options if o.key in ("yes", "no")})
    speed_q, contacts_q, found_q, helped_q, recommend_q, wish_q = questions
    for n, (person_, (speed, contacts, found, helped, recommend)) in enumerate(
        zip(_innovators(host, anna), IMPACT_ANSWERS, strict=True)
    ):
        answers: dict[int, Any] = {
            speed_q.pk: [label[(speed_q.pk, speed)]],
            contacts_q.pk: [label[(contacts_q.pk, contact)] for contact in contacts],
            found_q.pk: [label[(found_q.pk, found)]],
            helped_q.pk: [label[(helped_q.pk, str(helped))]],
            recommend_q.pk: [label[(recommend_q.pk, str(recommend))]],
            wish_q.pk: IMPACT_WISHES[n % 3] if n % 4 == 0 else "",
        }
        actions.survey_answer(actor=person_, poll=survey, answers=answers)
    actions.poll_close(actor=anna, poll=survey)
    actions.survey_publish(actor=anna, poll=survey)


PICNIC = ["Josaphat park", "Parc de Forest", "Bois de la Cambre", "Elisabeth park"]
SLOTS = ["Tuesday 3 March, 19:30", "Wednesday 4 March, 19:30", "Saturday 7 March, 10:00"]
BREWERY_RULES = """\
- Be kind to neighbours and to each other.
- Whoever brews cleans the kettle the same day.
- Money questions go to the collective's admins.
"""
