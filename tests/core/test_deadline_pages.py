"""Words and links an officer meets on a deadline day: who is signed in, signing out, the version
reference, the PDF being signed, plain refusals, email links, the service's own error pages, the
session kept alive on request, "Save and continue" and who else is in a section."""

import os
import subprocess
import sys
import time

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from bcf.core.auth import IdleSessionMiddleware
from plans.content import presence
from tests.factories import AwaitingSignOffPlanFactory, PlanFactory, UserFactory, editor_for, signatory_for
from tests.plans.workflow.test_workflow import text_of

pytestmark = pytest.mark.django_db
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_the_menu_shows_who_is_signed_in_apart_from_sign_out(client):
    plan = PlanFactory()
    editor = editor_for(plan, user=UserFactory(first_name="Sam", last_name="Walters"))
    client.force_login(editor)
    body = client.get(reverse("plans:home")).content.decode()
    assert "Signed in as <strong>Sam Walters</strong>" in body
    assert ">Sign out</button>" in body and "Sign out Sam Walters" not in body


def test_signing_out_says_you_have_been_signed_out(client):
    client.force_login(UserFactory())
    response = client.post(reverse("logout"), follow=True)
    assert "You have been signed out" in text_of(response)
    assert "Sign in again" in text_of(response)


def test_a_form_sent_after_the_session_ended_says_you_were_signed_out(client):
    plan = PlanFactory()
    url = reverse("plans:section", args=[plan.pk, "vision"])
    response = client.post(url, {"vision.vision-text": "typed"}, follow=True)
    text = text_of(response)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "You were signed out, so your changes have not been saved yet." in text
    # A plain visit is an ordinary sign-in, without the message.
    assert "You were signed out" not in text_of(client.get(url, follow=True))


def test_stay_signed_in_renews_the_session_and_says_for_how_long(client, settings, monkeypatch):
    plan = PlanFactory()
    client.force_login(editor_for(plan))
    client.get(reverse("plans:overview", args=[plan.pk]))
    key = client.session.session_key
    before = Session.objects.get(session_key=key).expire_date
    later = time.time() + 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.post(reverse("keep_signed_in"), HTTP_ACCEPT="application/json")
    assert response.json() == {"signed_in": True, "seconds_left": settings.SESSION_COOKIE_AGE}
    stored = Session.objects.get(session_key=key)
    assert stored.expire_date > before and stored.get_decoded()[IdleSessionMiddleware.KEY] == int(later)


def test_pages_tell_the_timeout_warning_how_long_the_session_has_left(client, settings, monkeypatch):
    plan = PlanFactory()
    client.force_login(editor_for(plan))
    client.get(reverse("plans:overview", args=[plan.pk]))  # renews: two hours from now
    later = time.time() + 120  # within the renewal interval: this page does not renew it
    monkeypatch.setattr(time, "time", lambda: later)
    body = client.get(reverse("plans:overview", args=[plan.pk])).content.decode()
    left = settings.SESSION_COOKIE_AGE - 120
    assert f'data-bcf-session-left="{left}"' in body or f'data-bcf-session-left="{left + 1}"' in body
    assert 'data-bcf-session-warning="120"' in body
    assert "You’re about to be signed out" in body and "Stay signed in" in body


def test_the_presence_heartbeat_names_the_other_editor_and_does_not_keep_the_session_alive(client, monkeypatch):
    plan = PlanFactory()
    sam = editor_for(plan, user=UserFactory(first_name="Sam", last_name="Walters"))
    presence.section_opened(plan_id=plan.pk, slug="vision", user=sam)
    me = editor_for(plan)
    client.force_login(me)
    page = client.get(reverse("plans:section", args=[plan.pk, "vision"]))
    assert "Sam Walters is also editing this section" in text_of(page)
    key = client.session.session_key
    before = Session.objects.get(session_key=key).session_data
    later = time.time() + 3600  # long past the renewal interval
    monkeypatch.setattr(time, "time", lambda: later - 3600 + 1)
    url = reverse("plans:section_presence", args=[plan.pk, "vision"])
    assert client.post(url).json()["message"] == "Sam Walters is also editing this section"
    assert Session.objects.get(session_key=key).session_data == before
    # Sam leaves: nobody else is there.
    presence.section_closed(plan_id=plan.pk, slug="vision", user=sam)
    assert client.post(url).json()["message"] == ""


def test_readers_are_not_listed_as_editing_and_cannot_send_heartbeats(client):
    plan = AwaitingSignOffPlanFactory()
    signatory = signatory_for(plan, ccg=plan.ordered_ccgs()[0])
    client.force_login(signatory)
    assert client.post(reverse("plans:section_presence", args=[plan.pk, "vision"])).status_code == 403
    editor = editor_for(plan)
    assert presence.section_opened(plan_id=plan.pk, slug="vision", user=editor) == []


def test_save_and_continue_goes_to_the_next_section_and_return_goes_to_the_task_list(client):
    plan = PlanFactory()
    client.force_login(editor_for(plan))
    sections = [s.slug for s in plan.edition_def.sections]
    here = sections.index("vision")
    url = reverse("plans:section", args=[plan.pk, "vision"])
    form = client.get(url).context["form"]
    data = {name: "" if form[name].value() is None else form[name].value() for name in form.fields}
    response = client.post(url, {**data, "then": "continue"})
    assert response.status_code == 302, response.context["form"].errors
    assert response.url == reverse("plans:section", args=[plan.pk, sections[here + 1]])
    data["revision"] = client.get(url).context["form"]["revision"].value()
    response = client.post(url, {**data, "then": "return"})
    assert response.url == reverse("plans:overview", args=[plan.pk])


def test_a_signatory_is_not_told_they_completed_the_sections(client):
    plan = AwaitingSignOffPlanFactory()
    client.force_login(signatory_for(plan, ccg=plan.ordered_ccgs()[0]))
    text = text_of(client.get(reverse("plans:overview", args=[plan.pk])))
    assert "You have completed" not in text
    assert "sections are complete" in text


def test_the_sign_page_links_to_the_pdf_and_explains_the_version_reference(client):
    plan = AwaitingSignOffPlanFactory()
    client.force_login(signatory_for(plan, ccg=plan.ordered_ccgs()[0]))
    response = client.get(reverse("workflow:sign", args=[plan.pk]))
    body, text = response.content.decode(), text_of(response)
    assert f'href="{reverse("outputs:part1", args=[plan.pk])}" id="pdf-to-sign"' in body
    assert "version reference" in text and "fingerprint" not in text.lower()
    assert "What is the version reference?" in text


def test_email_links_follow_the_port_the_service_runs_on():
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    env.update(PORT="8111", DJANGO_SETTINGS_MODULE="bcf.settings")
    code = "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "http://127.0.0.1:8111"


def test_make_run_serves_the_services_own_error_pages():
    with open(os.path.join(ROOT, "Makefile")) as f:
        makefile = f.read()
    run = makefile[makefile.index("\nrun:") : makefile.index("\ntest:")]
    assert "DJANGO_DEBUG=$${DJANGO_DEBUG:-0}" in run and "SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)}" in run


def test_a_missing_page_is_the_services_own_404(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = text_of(response)
    assert "Page not found" in text and "Using the URLconf" not in text


def test_the_annex1_page_shows_the_schemes_investment_from_part2(client):
    from decimal import Decimal

    from tests.factories import SchemeFactory
    from tests.metrics.factories import ExpenditureRowFactory

    plan = PlanFactory()
    scheme = SchemeFactory(plan=plan, ref="UP2")
    other = SchemeFactory(plan=plan, ref="UP3")
    ExpenditureRowFactory(plan=plan, scheme=scheme, amount_2014_15=Decimal("0"), amount_2015_16=Decimal("104000"))
    ExpenditureRowFactory(
        plan=plan,
        scheme=scheme,
        amount_2014_15=Decimal("2500.5"),
        amount_2015_16=Decimal("1000"),
        area_of_spend="Acute",
    )
    ExpenditureRowFactory(plan=plan, scheme=other, amount_2015_16=Decimal("999999"))
    client.force_login(editor_for(plan))
    text = text_of(client.get(reverse("schemes:annex1", args=[plan.pk, scheme.pk])))
    assert "From Part 2, tab 3 (expenditure plan): 2 lines for scheme UP2" in text
    assert "£104,000.00" in text and "£2,500.50" in text
    assert "Total £2,500.50 £105,000.00" in text
    assert "£999,999.00" not in text  # another scheme's money
    empty = text_of(client.get(reverse("schemes:annex1", args=[plan.pk, SchemeFactory(plan=plan, ref="UP9").pk])))
    assert "No line of the Part 2 expenditure plan (tab 3) names this scheme yet." in empty
