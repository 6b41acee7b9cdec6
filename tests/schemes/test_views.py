"""Annex 1, the page schemes owns: an editor completes a scheme's Detailed Scheme Description."""

import pytest
from django.urls import reverse

from plans.editing import section_revision
from tests.factories import PlanFactory, SchemeFactory, editor_for


@pytest.mark.django_db
class TestAnnex1:
    def test_annex1_completes_the_scheme(self, client):
        plan = PlanFactory()
        scheme = SchemeFactory(plan=plan, ref="UP1")
        client.force_login(editor_for(plan))
        fields = [
            "objective",
            "overview",
            "delivery_chain",
            "evidence_base",
            "impact",
            "feedback_loop",
            "success_factors",
        ]
        client.post(
            reverse("schemes:annex1", args=[plan.pk, scheme.pk]),
            {"revision": section_revision(plan, "schemes"), **{f: f"About {f}" for f in fields}},
        )
        scheme.refresh_from_db()
        assert scheme.annex1_complete

    def test_another_boards_scheme_is_not_found(self, client):
        plan = PlanFactory()
        scheme = SchemeFactory(plan=PlanFactory(), ref="UP1")
        client.force_login(editor_for(plan))
        response = client.get(reverse("schemes:annex1", args=[plan.pk, scheme.pk]))
        assert response.status_code == 404
