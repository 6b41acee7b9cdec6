"""The history page as people read it: questions by name, money as money, long text as the words
changed; and the workflow reads the history by typed verb, not by its words."""

from decimal import Decimal

import pytest
from django.urls import reverse

from plans.content import services
from plans.editing import section_revision
from plans.models import ChangeRecord, Verb
from tests.factories import PlanFactory, editor_for
from tests.plans.content.test_views import text_of

LONG = "The Board will join up health and social care for older people across Rutland. " * 6


@pytest.mark.django_db
class TestHistoryPage:
    def test_a_change_is_named_by_its_question_and_money_is_formatted(self, client):
        plan = PlanFactory()
        user = editor_for(plan)
        services.answers_save(
            plan=plan,
            user=user,
            section="oversight",
            revision=section_revision(plan, "oversight"),
            values={"action.oversight": {"text": "A new board"}},
        )
        services.answers_save(
            plan=plan,
            user=user,
            section="conditions-social-care",
            revision=section_revision(plan, "conditions-social-care"),
            values={"conditions.social_care_amount": {"amount": Decimal("33971484.00")}},
        )
        client.force_login(user)
        history = text_of(client.get(reverse("plans:history", args=[plan.pk])))
        assert "4 c) Management and oversight of delivery" in history
        assert "£33,971,484.00" in history
        assert "conditions.social_care_amount" not in history and "33971484.00" not in history

    def test_a_long_text_change_shows_the_words_added_and_removed(self, client):
        plan = PlanFactory()
        user = editor_for(plan)
        for text in (LONG, LONG.replace("older people", "older people and carers", 1)):
            services.answers_save(
                plan=plan,
                user=user,
                section="oversight",
                revision=section_revision(plan, "oversight"),
                values={"action.oversight": {"text": text}},
            )
        client.force_login(user)
        page = client.get(reverse("plans:history", args=[plan.pk])).content.decode()
        assert "2 words added, 0 removed" in page
        assert '<ins class="bcf-history-new">and carers </ins>' in page or "<ins" in page and "and carers" in page
        # the whole old text is not struck through: only what changed is marked
        assert page.count("<del") == 0


@pytest.mark.django_db
def test_every_workflow_line_has_a_typed_verb_and_a_status_line_its_target():
    plan = PlanFactory()
    user = editor_for(plan)
    services.plan_create(hwb=plan.hwb, edition="2014-09", round="final", user=user)
    created = ChangeRecord.objects.filter(verb=Verb.CREATED)
    assert created.count() == 1 and created.get().field == "plan created"
