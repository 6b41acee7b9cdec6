"""The record cannot be rewritten in Django admin, and an administrator administers but does not act
on plans (issue 12, item 6)."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse

from plans.models import Answer, ChangeRecord, Plan, PlanStatus, SectionComment

ADMIN = "admin@bcf.example.org"


@pytest.fixture
def admin_client(client, demo):
    admin = get_user_model().objects.get(email=ADMIN)
    assert admin.is_superuser
    client.force_login(admin)
    return client


@pytest.mark.django_db
class TestTheRecordIsReadOnly:
    def test_a_submitted_plans_content_cannot_be_changed_in_admin(self, admin_client, demo):
        plan = demo["nottinghamshire"]
        Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.ASSURED)
        url = reverse("admin:plans_plan_change", args=[plan.pk])
        response = admin_client.post(url, {"boundary_differences": "Rewritten by an administrator"})
        assert response.status_code == 403
        plan.refresh_from_db()
        assert plan.boundary_differences != "Rewritten by an administrator"

    def test_a_drafts_answers_are_not_editable_in_admin(self, admin_client, demo):
        page = admin_client.get(reverse("admin:plans_plan_change", args=[demo["rutland"].pk])).content.decode()
        assert 'name="boundary_differences"' not in page  # shown read-only

    @pytest.mark.parametrize("model", ["changerecord", "signature", "submission", "sectioncomment", "assuranceoutcome"])
    def test_history_signatures_versions_comments_and_outcomes_cannot_be_added(self, admin_client, model):
        assert admin_client.get(reverse(f"admin:plans_{model}_add")).status_code == 403

    def test_a_history_line_cannot_be_edited_or_deleted(self, admin_client, demo):
        change = ChangeRecord.objects.filter(plan=demo["rutland"]).first()
        assert admin_client.post(reverse("admin:plans_changerecord_change", args=[change.pk]), {}).status_code == 403
        assert admin_client.post(reverse("admin:plans_changerecord_delete", args=[change.pk]), {}).status_code == 403

    def test_every_admin_change_is_recorded(self, admin_client):
        from plans.models import Provider

        response = admin_client.post(reverse("admin:plans_provider_add"), {"name": "A New Trust"})
        assert response.status_code == 302
        entry = LogEntry.objects.get(object_repr="A New Trust")
        assert entry.user.email == ADMIN
        assert Provider.objects.filter(name="A New Trust").exists()
        assert admin_client.get(reverse("admin:admin_logentry_changelist")).status_code == 200


@pytest.mark.django_db
class TestAnAdministratorDoesNotActOnPlans:
    def test_an_administrator_cannot_save_a_section(self, admin_client, demo):
        plan = demo["cheshire-east"]
        before = Answer.objects.get(plan=plan, key="vision.vision").text
        admin_client.post(
            reverse("plans:section", args=[plan.pk, "vision"]),
            {"revision": 0, "vision-vision-text": "Written by the administrator", "action": "save"},
        )
        assert Answer.objects.get(plan=plan, key="vision.vision").text == before

    def test_an_administrator_cannot_comment_as_a_reviewer(self, admin_client, demo):
        plan = demo["cheshire-east"]
        Plan.objects.filter(pk=plan.pk).update(status=PlanStatus.SUBMITTED)
        response = admin_client.post(
            reverse("review:comment_add", args=[plan.pk, "vision"]), {"text": "A comment as a reviewer"}
        )
        assert response.status_code == 403
        assert not SectionComment.objects.exists()
