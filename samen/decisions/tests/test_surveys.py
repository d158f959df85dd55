"""Surveys (polls of kind ``survey``): building one, answering once and changing it until
the close, counting per question, anonymity on the page, in the API and in the CSV, the
formula-neutralising export, every refusal changing nothing, and the access matrix for
anonymous, member (chloé), collective admin (bram), host admin (anna) and a stranger (eva)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from samen.audit.models import AuditEntry
from samen.decisions import actions, queries
from samen.decisions.errors import DecisionError
from samen.decisions.errors import DecisionErrorCode as Code
from samen.decisions.models import Poll, Stance
from samen.decisions.tests.conftest import week

pytestmark = pytest.mark.django_db

D = "/decisions/collective/brasserie-zinneke"
A = "/api/v1/decisions"
QUESTIONS: list[dict[str, Any]] = [
    {"kind": "scale5", "prompt": "How useful is the brewery?", "required": True},
    {"kind": "multiple", "prompt": "Which beers?", "options": ["Saison", "Stout", "IPA"]},
    {"kind": "yes_no", "prompt": "Come again?"},
    {"kind": "long", "prompt": "What should we do better?"},
]


def make_survey(c: Any, **kwargs: Any) -> Poll:
    fields = {"title": "Brewery survey", "closes_at": week(), "questions": QUESTIONS}
    return actions.survey_create(actor=c.bram, owner=c.collective, **{**fields, **kwargs})


def ids(poll: Poll) -> dict[str, Any]:
    """Question ids by kind and option ids by label (or key for yes/no)."""
    found: dict[str, Any] = {}
    for question in poll.questions.all():
        found[question.kind] = question.pk
        for option in question.options.all():
            found[option.key if option.key in ("yes", "no") else option.label] = option.pk
    return found


def answer(c_user: Any, poll: Poll, scale: str, beers: list[str], yes: bool, text: str) -> Stance:
    i = ids(poll)
    answers = {i["scale5"]: [i[scale]], i["multiple"]: [i[b] for b in beers],
               i["yes_no"]: [i["yes" if yes else "no"]], i["long"]: text}  # fmt: skip
    return actions.survey_answer(actor=c_user, poll=poll, answers=answers)


@pytest.fixture
def survey(community: Any) -> Poll:
    return make_survey(community)


# --- actions ---------------------------------------------------------------------------------


def test_results_per_question_and_a_changed_answer_counts_once(community, survey, add_members):
    c = community
    m0, m1 = add_members(2)
    answer(c.chloe, survey, "5", ["Saison"], True, "More stout")
    answer(m0, survey, "3", ["Saison", "Stout"], False, "")
    answer(m1, survey, "4", ["IPA"], True, "Open on Sundays")
    answer(c.chloe, survey, "4", ["Stout"], True, "More stout, please")  # changed
    assert Stance.objects.filter(poll=survey, participant=c.chloe).count() == 2
    results = queries.survey_results(survey)
    assert (results.participants, results.eligible) == (3, 4)
    scale, beers, again, text = results.questions
    assert scale.answered == 3
    assert scale.mean == pytest.approx(11 / 3)
    assert [r.count for r in scale.options] == [0, 0, 1, 2, 0]
    assert {r.label: r.count for r in beers.options} == {"Saison": 1, "Stout": 2, "IPA": 1}
    assert round(beers.options[1].percent) == 67
    assert [(r.label, r.count) for r in again.options] == [("Yes", 2), ("No", 1)]
    assert text.answered == 2
    assert sorted(t for _name, t in text.texts) == ["More stout, please", "Open on Sundays"]
    assert {name for name, _t in text.texts} == {"Chloé", "M1"}
    assert AuditEntry.objects.filter(action="decisions.survey.create").count() == 1


def test_anonymous_texts_carry_no_name_and_are_sorted(community, add_members):
    c = community
    poll = make_survey(c, anonymous=True)
    (m0,) = add_members(1)
    answer(m0, poll, "2", [], False, "zebra")
    answer(c.chloe, poll, "2", [], False, "apple")
    texts = queries.survey_results(poll).questions[3].texts
    assert texts == [(None, "apple"), (None, "zebra")]


def test_refusals_change_nothing(community, survey):
    c = community
    i = ids(survey)

    def refused(code: Code, user: Any, answers: dict[int, Any]) -> None:
        with pytest.raises(DecisionError) as error:
            actions.survey_answer(actor=user, poll=survey, answers=answers)
        assert error.value.code == code

    refused(Code.ANSWER_MISSING, c.chloe, {i["multiple"]: [i["IPA"]]})  # the scale is required
    refused(Code.ONE_CHOICE, c.chloe, {i["scale5"]: [i["1"], i["2"]]})
    refused(Code.UNKNOWN_OPTION, c.chloe, {i["scale5"]: [i["IPA"]]})
    refused(Code.UNKNOWN_QUESTION, c.chloe, {i["scale5"]: [i["1"]], 999999: [1]})
    refused(Code.TOO_LONG, c.chloe, {i["scale5"]: [i["1"]], i["long"]: "x" * 2001})
    with pytest.raises(DecisionError) as outside:  # outside the segment
        actions.survey_answer(actor=c.eva, poll=survey, answers={i["scale5"]: [i["1"]]})
    assert outside.value.code == "outside_segment"
    assert "The community's members" in outside.value.message
    with pytest.raises(DecisionError) as error:
        actions.stance_cast(actor=c.chloe, poll=survey, choices=[(i["1"], 1)])
    assert error.value.code == Code.WRONG_KIND
    assert not Stance.objects.filter(poll=survey).exists()
    with pytest.raises(PermissionDenied):  # members do not send surveys
        actions.survey_create(actor=c.chloe, owner=c.collective, title="X", closes_at=week(),
                              questions=QUESTIONS)  # fmt: skip
    for bad, code in (({"closes_at": timezone.now()}, Code.DEADLINE_PAST),
                      ({"questions": [{"kind": "short", "prompt": " "}]}, Code.QUESTIONS_MISSING),
                      ({"questions": [{"kind": "single", "prompt": "Q", "options": ["a"]}]},
                       Code.OPTIONS_MISSING)):  # fmt: skip
        with pytest.raises(DecisionError) as error:
            make_survey(c, **bad)
        assert error.value.code == code
    assert Poll.objects.filter(kind="survey").count() == 1


def test_answers_stop_at_the_close_and_the_task_closes_once(community, survey):
    c = community
    with time_machine.travel(survey.closes_at + timedelta(minutes=1), tick=False):
        with pytest.raises(DecisionError) as error:
            answer(c.chloe, survey, "5", [], True, "")
        assert error.value.code == Code.CLOSED
        assert actions.polls_close_due() == 1
        assert actions.polls_close_due() == 0


# --- pages -----------------------------------------------------------------------------------


def test_build_answer_and_read_results_through_the_pages(client, community):
    c = community
    client.force_login(c.bram)
    closes = timezone.localtime(week()).strftime("%Y-%m-%dT%H:%M")
    form = {"title": "Impact survey", "closes_at": closes,
            "audience": "members", "q-TOTAL_FORMS": 6, "q-INITIAL_FORMS": 0,
            "q-0-kind": "scale10", "q-0-prompt": "Did the network make you faster?",
            "q-1-kind": "single", "q-1-prompt": "Which city?", "q-1-options": "Brussels\nGhent",
            "q-2-kind": "short", "q-2-prompt": "Which contacts helped?"}  # fmt: skip
    for n in range(3, 6):
        form[f"q-{n}-kind"] = "scale5"
    response = client.post(f"{D}/surveys/new/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    poll = Poll.objects.get(title="Impact survey")
    assert poll.questions.count() == 3
    client.force_login(c.chloe)
    page = client.get(poll.get_absolute_url()).content.decode()
    assert "Did the network make you faster?" in page
    assert "Send my answers" in page
    q = {question.kind: question for question in poll.questions.all()}
    ten = q["scale10"].options.get(label="10").pk
    brussels = q["single"].options.get(label="Brussels").pk
    response = client.post(
        f"/decisions/polls/{poll.pk}/answer/",
        {f"q{q['scale10'].pk}": ten, f"q{q['single'].pk}": brussels,
         f"q{q['short'].pk}": "=HYPERLINK(\"x\") Anna"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="poll-body">')
    assert "Change your answers" in body
    assert "average 10.0" in body
    assert 'style="width: 100%"' in body
    assert "Chloé" in body
    rows = list(csv.reader(io.StringIO(client.get(f"/decisions/polls/{poll.pk}/export.csv")
                                       .content.decode())))  # fmt: skip
    assert rows[0][:2] == ["Participant", "Answered at"]
    assert rows[1][0] == "Chloé"
    assert rows[1][2:] == ["10", "Brussels", '\'=HYPERLINK("x") Anna']


def test_anonymous_survey_page_and_csv_name_nobody(client, community):
    c = community
    poll = make_survey(c, anonymous=True)
    answer(c.chloe, poll, "5", ["Stout"], True, "Nice")
    client.force_login(c.bram)
    page = client.get(poll.get_absolute_url()).content.decode()
    assert "Nice" in page
    assert "Chloé" not in page
    text = client.get(f"/decisions/polls/{poll.pk}/export.csv").content.decode()
    assert "Chloé" not in text
    assert "Participant" not in text
    assert text.splitlines()[1] == "5,Stout,Yes,Nice"


def test_missing_required_answer_is_a_form_error(client, community, survey):
    client.force_login(community.chloe)
    response = client.post(f"/decisions/polls/{survey.pk}/answer/", {})
    assert response.status_code == 400
    assert not Stance.objects.filter(poll=survey).exists()


def test_results_page_queries_do_not_grow_with_answers(client, community, survey, add_members):
    client.force_login(community.chloe)
    answer(community.bram, survey, "1", ["IPA"], True, "a")
    with CaptureQueriesContext(connection) as few:
        client.get(survey.get_absolute_url())
    for person in add_members(5):
        answer(person, survey, "2", ["Saison"], False, "b")
    with CaptureQueriesContext(connection) as many:
        client.get(survey.get_absolute_url())
    assert len(many) == len(few)


# --- API -------------------------------------------------------------------------------------


def _post(client: Any, url: str, data: Any) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def test_api_create_answer_and_results(client, community):
    c = community
    client.force_login(c.bram)
    created = _post(client, f"{A}/collective/brasserie-zinneke/surveys",
                    {"title": "API survey", "closes_at": week().isoformat(), "anonymous": True,
                     "questions": QUESTIONS})  # fmt: skip
    assert created.status_code == 201
    body = created.json()
    assert body["kind"] == "survey"
    assert len(body["questions"]) == 4
    pk, (scale, multiple, _yes_no, long) = body["id"], body["questions"]
    client.force_login(c.chloe)
    answers = [{"question": scale["id"], "options": [scale["options"][4]["id"]]},
               {"question": multiple["id"], "options": [o["id"] for o in multiple["options"][:2]]},
               {"question": long["id"], "text": "Great"}]  # fmt: skip
    response = _post(client, f"{A}/surveys/{pk}/answers", {"answers": answers})
    assert response.status_code == 201
    out = response.json()
    assert out["results"]["participants"] == 1
    assert out["results"]["questions"][0]["mean"] == 5
    assert out["results"]["questions"][3]["texts"] == [{"participant": None, "text": "Great"}]
    assert out["my_answers"][1]["options"] == [o["id"] for o in multiple["options"][:2]]
    assert "Chlo" not in json.dumps(out)
    bad = _post(client, f"{A}/surveys/{pk}/answers", {"answers": answers[1:]})
    assert (bad.status_code, bad.json()["code"]) == (422, "answer_missing")
    listed = client.get(f"{A}/collective/brasserie-zinneke/polls").json()
    assert "survey" in [row["kind"] for row in listed["items"]]


# --- access ----------------------------------------------------------------------------------

PERSONAS = ["anonymous", "chloe", "bram", "anna", "eva"]


def _answer_body(poll: Poll) -> dict[str, Any]:
    i = ids(poll)
    return {f"q{i['scale5']}": i["3"]}


ROWS = [
    ("get", lambda s: f"{D}/surveys/new/", "302 403 200 403 403", None),
    ("post", lambda s: f"{D}/surveys/new/", "302 403 400 403 403", lambda s: {}),
    ("get", lambda s: f"/decisions/polls/{s.pk}/", "404 200 200 200 404", None),
    ("post", lambda s: f"/decisions/polls/{s.pk}/answer/", "302 302 302 403 404", _answer_body),
    ("get", lambda s: f"/decisions/polls/{s.pk}/export.csv", "404 200 200 200 404", None),
    ("post", lambda s: f"/decisions/polls/{s.pk}/close/", "302 403 302 403 404", None),
    ("post", lambda s: f"{A}/collective/brasserie-zinneke/surveys", "401 403 201 403 403",
     lambda s: {"title": "T", "closes_at": week().isoformat(), "questions": QUESTIONS}),
    ("get", lambda s: f"{A}/surveys/{s.pk}", "404 200 200 200 404", None),
    ("post", lambda s: f"{A}/surveys/{s.pk}/answers", "401 201 201 403 404",
     lambda s: {"answers": [{"question": ids(s)["scale5"], "options": [ids(s)["3"]]}]}),
]  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
def test_matrix(client: Any, community: Any, survey: Poll, persona: str) -> None:
    user = None if persona == "anonymous" else getattr(community, persona)
    if user is not None:
        client.force_login(user)
    failures = []
    for method, url_of, expected, body in ROWS:
        url = url_of(survey)
        data = body(survey) if callable(body) else body
        want = int(expected.split()[PERSONAS.index(persona)])
        with transaction.atomic():
            if method == "get":
                response = client.get(url)
            elif url.startswith("/api/"):
                response = client.post(url, json.dumps(data or {}), content_type="application/json")
            else:
                response = client.post(url, data or {})
            transaction.set_rollback(True)
        if response.status_code != want:
            failures.append(f"{method.upper()} {url}: {response.status_code}, expected {want}")
    assert not failures, "\n".join(failures)


def test_written_answers_in_the_export_and_erasure_keeps_counts(community, survey):
    from samen.decisions import privacy

    c = community
    answer(c.chloe, survey, "4", ["IPA"], True, "Hoppy")
    exported = privacy.export_data(c.chloe)["stances"][0]
    assert "Hoppy" in [choice["text"] for choice in exported["choices"]]
    privacy.erase_data(c.chloe)
    results = queries.survey_results(survey)
    assert results.participants == 1
    assert results.questions[3].texts == [("Former member", "Hoppy")]
