"""The task list's stored statuses (plans.content.task_summary): worked out once per revision of the plan,
renewed after every write the application makes, never stored for a revision that has moved on, and
never the source of signature validity."""

import datetime
import re
from decimal import Decimal

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bcf.core.issues import COMPLETED, IN_PROGRESS, NOT_STARTED
from metrics.admin import ReferenceDataAdmin
from metrics.models import ReferenceData
from plans import deadlines, editing
from plans.content import checks, selectors, task_summary
from plans.content.services import answers_save
from plans.editing import section_revision
from plans.models import Plan, PlanStatus
from plans.workflow import services as workflow
from tests.factories import PlanFactory, editor_for
from tests.plans.content.test_views import text_of
from tests.plans.workflow.test_workflow import NOTTS_EDITOR, RUTLAND_EDITOR, person

pytestmark = pytest.mark.django_db


def vision_key(plan):
    return plan.edition_def.section("vision").questions[0].key


def overview(client, plan):
    return client.get(reverse("plans:overview", args=[plan.pk]))


def refuse_checking(monkeypatch):
    """From here on, working the plan's statuses out fails the test."""

    def refused(*args, **kwargs):
        raise AssertionError("the plan was loaded and checked again")

    monkeypatch.setattr(checks, "check_content", refused)


class TestStoredSummary:
    def test_the_task_list_reads_the_stored_summary_without_loading_or_checking_the_plan(self, client, monkeypatch):
        plan = PlanFactory()
        client.force_login(editor_for(plan))
        first = overview(client, plan)
        plan.refresh_from_db()
        assert plan.task_summary["tag"] == f"{plan.revision}:{task_summary.rules_version()}"
        refuse_checking(monkeypatch)
        with CaptureQueriesContext(connection) as queries:
            again = overview(client, plan)
        assert len(status_ids(first)) == len(plan.edition_def.sections) + len(plan.task_summary["part2_tasks"])
        assert again.status_code == 200 and status_ids(again) == status_ids(first)
        assert progress(again) == progress(first)
        read = " ".join(q["sql"] for q in queries.captured_queries)
        assert "plans_answer" not in read and "schemes_scheme" not in read and "metrics_" not in read

    def test_a_save_renews_the_summary_once_committed_and_the_task_list_shows_it(
        self, client, monkeypatch, django_capture_on_commit_callbacks
    ):
        plan = PlanFactory()
        editor = editor_for(plan)
        client.force_login(editor)
        assert f"vision-{NOT_STARTED}" in status_ids(overview(client, plan))
        with django_capture_on_commit_callbacks(execute=True):
            answers_save(
                plan=plan,
                user=editor,
                section="vision",
                revision=section_revision(plan, "vision"),
                values={vision_key(plan): {"text": "Joined-up care for older people in their own homes."}},
            )
        plan.refresh_from_db()
        assert plan.task_summary["tag"] == f"{plan.revision}:{task_summary.rules_version()}"
        assert plan.task_summary["statuses"]["vision"] in (IN_PROGRESS, COMPLETED)
        refuse_checking(monkeypatch)  # stored by the save: the page does not work it out again
        assert f"vision-{plan.task_summary['statuses']['vision']}" in status_ids(overview(client, plan))

    def test_a_write_that_is_not_yet_summarised_is_worked_out_on_the_next_view(self, client):
        plan = PlanFactory()
        editor = editor_for(plan)
        client.force_login(editor)
        overview(client, plan)
        # No commit callbacks run here (the test's transaction never commits): the next view finds
        # the stored summary a revision behind.
        answers_save(
            plan=plan,
            user=editor,
            section="vision",
            revision=section_revision(plan, "vision"),
            values={vision_key(plan): {"text": "Joined-up care for older people in their own homes."}},
        )
        assert f"vision-{NOT_STARTED}" not in status_ids(overview(client, plan))

    def test_a_summary_worked_out_while_the_plan_changed_is_not_stored(self, monkeypatch):
        plan = PlanFactory()
        real_plan_view = selectors.plan_view

        def view_then_a_concurrent_write(plan_id):
            view = real_plan_view(plan_id)
            editing.touch(plan_id)  # another request's write, committed while this one worked
            return view

        monkeypatch.setattr(selectors, "plan_view", view_then_a_concurrent_write)
        data = task_summary.refresh(plan.pk)
        plan.refresh_from_db()
        assert data["statuses"] and plan.task_summary is None

    def test_a_new_version_of_the_code_works_every_summary_out_again(self, monkeypatch):
        plan = PlanFactory()
        task_summary.task_summary(plan)
        plan.refresh_from_db()
        worked_out = []
        real_refresh = task_summary.refresh
        monkeypatch.setattr(
            task_summary, "refresh", lambda plan_id: worked_out.append(plan_id) or real_refresh(plan_id)
        )
        task_summary.task_summary(plan)
        assert worked_out == []
        monkeypatch.setattr(task_summary, "rules_version", lambda: "a-new-release")
        task_summary.task_summary(plan)
        assert worked_out == [plan.pk]

    def test_the_deadline_warning_is_counted_when_read_not_stored(self, monkeypatch):
        plan = PlanFactory()
        deadline = deadlines.round_deadline(plan.edition, plan.round)
        monkeypatch.setattr(deadlines, "now", lambda: deadline - datetime.timedelta(days=1))
        before = task_summary.task_summary(plan)
        plan.refresh_from_db()
        monkeypatch.setattr(deadlines, "now", lambda: deadline + datetime.timedelta(minutes=1))
        refuse_checking(monkeypatch)
        after = task_summary.task_summary(plan)
        assert after.warnings == before.warnings + 1 and after.errors == before.errors


class TestWhatRenewsIt:
    def test_a_workflow_transition_renews_it(self, demo, django_capture_on_commit_callbacks):
        plan = demo["nottinghamshire"]
        assert task_summary.task_summary(plan).statuses["signoff"] == checks.CANNOT_START
        with django_capture_on_commit_callbacks(execute=True):
            workflow.plan_mark_ready(plan=plan, user=person(NOTTS_EDITOR))
        plan.refresh_from_db()
        assert plan.status == PlanStatus.AWAITING_SIGN_OFF
        assert plan.task_summary["statuses"]["signoff"] == IN_PROGRESS

    def test_reference_data_changed_in_the_admin_makes_its_plans_summaries_stale(self):
        mine, other = PlanFactory(), PlanFactory()
        row = ReferenceData.objects.create(hwb=mine.hwb, edition=mine.edition)
        for plan in (mine, other):
            task_summary.task_summary(plan)
            plan.refresh_from_db()
        ReferenceDataAdmin(ReferenceData, site).save_model(None, row, None, True)
        assert Plan.objects.get(pk=mine.pk).revision == mine.revision + 1
        assert Plan.objects.get(pk=other.pk).revision == other.revision

    def test_reloading_reference_data_over_the_old_makes_every_summary_stale(self):
        plan = PlanFactory()
        call_command("load_reference", stdout=open("/dev/null", "w"))  # noqa: SIM115
        plan.refresh_from_db()
        revision = plan.revision
        call_command("load_reference", stdout=open("/dev/null", "w"))  # noqa: SIM115 (kept: no change)
        assert Plan.objects.get(pk=plan.pk).revision == revision
        call_command("load_reference", "--overwrite", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert Plan.objects.get(pk=plan.pk).revision == revision + 1


def progress(response):
    return re.search(r"You have completed \d+ of \d+ sections", text_of(response)).group(0)


def status_ids(response):
    """ "<slug>-<status>" for each Part 1 task of the task list page."""
    page = response.content.decode()
    return {
        f"{slug}-{status.strip()}"
        for slug, status in re.findall(r'id="status-([a-z0-9-]+)">(?:<strong class="govuk-tag[^"]*">)?([^<]+)<', page)
    }


# --- one section brought up to date inside its save ----------------------------------------------------

EMPTY = {"text": "", "tool": "", "breakdown": []}
SAMPLES = {
    "blank": lambda part: EMPTY.get(part),
    "placeholder": lambda part: {"text": "To be completed", "tool": "tbc"}.get(part, EMPTY.get(part)),
    "answered": lambda part: {
        "text": "Integrated teams in every locality.",
        "tool": "Combined predictive model",
        "yes": False,
        "date": datetime.date(2014, 3, 1),
        "breakdown": [{"label": "Carers' breaks", "amount": "1000.00"}],
    }.get(
        part,
        Decimal("12.5")
        if part in ("percent", "percent_joint_care_plan")
        else 7
        if part == "count"
        else Decimal("1000.00"),
    ),
}


def stored_and_full(plan):
    """The summary the save stored, and the one worked out from scratch for the same revision."""
    plan.refresh_from_db()
    stored = plan.task_summary
    full = task_summary.refresh(plan.pk)
    return stored, full


class TestOneSectionUpdate:
    """After a save of one section's answers, checking just that section must give exactly what
    checking the whole plan gives: every status, count, total and the digest."""

    @pytest.mark.parametrize("name", ["rutland", "nottinghamshire"])
    def test_equals_the_whole_plan_checked_for_every_self_contained_section(
        self, demo, name, django_capture_on_commit_callbacks
    ):
        plan = demo[name]
        editor = person(RUTLAND_EDITOR if name == "rutland" else NOTTS_EDITOR)
        task_summary.refresh(plan.pk)
        updated = 0
        for section in plan.edition_def.sections:
            if not task_summary._self_contained(plan.edition, section.slug):
                continue
            for sample in ("placeholder", "blank", "answered"):
                values = {q.key: {part: SAMPLES[sample](part) for part in q.parts} for q in section.questions}
                plan.refresh_from_db()
                with django_capture_on_commit_callbacks(execute=False):  # no whole-plan refresh afterwards
                    answers_save(
                        plan=plan,
                        user=editor,
                        section=section.slug,
                        revision=section_revision(plan, section.slug),
                        values=values,
                    )
                stored, full = stored_and_full(plan)
                assert stored == full, (section.slug, sample)
                updated += 1
        assert updated >= 24  # every plain question section of the edition, three times

    def test_a_section_that_others_read_is_left_to_the_whole_plan_refresh(
        self, demo, django_capture_on_commit_callbacks
    ):
        plan = demo["rutland"]
        assert not task_summary._self_contained(plan.edition, "social-care")  # Part 2 reads its amount
        task_summary.refresh(plan.pk)
        plan.refresh_from_db()
        key = "conditions.social_care_amount"
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            answers_save(
                plan=plan,
                user=person(RUTLAND_EDITOR),
                section="social-care",
                revision=section_revision(plan, "social-care"),
                values={key: {"amount": Decimal("1.00")}},
            )
        assert callbacks  # the whole-plan refresh ran after the commit
        stored, full = stored_and_full(plan)
        assert stored == full and stored["tag"].startswith(f"{plan.revision}:")
