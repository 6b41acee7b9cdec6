"""Every URL pattern × every role: nobody reaches another HWB's or another area team's data.

The patterns are read from the URL resolver, so a page added later is covered without editing this
test. The foreign plan is Cheshire East's draft; every account used holds roles elsewhere only."""

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from plans.content.plan_json import export_json
from plans.models import ChangeRecord, RelatedDocument, SectionComment
from tests.metrics.factories import BenefitRowFactory, ExpenditureRowFactory

ACCOUNTS = [
    "editor@rutland.example.org",
    "david.briggs@eastleicestershirerutland.example.org",
    "helen.briggs@rutland.example.org",
    "chair@rutland.example.org",
    "reviewer@ll-at.example.org",
    "reviewer@dn-at.example.org",
    "editor@nottinghamshire.example.org",
    "national@bcf.example.org",
]
NOT_REACHED = {404, 405}


def patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            yield from patterns(entry, entry.namespace or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}:{entry.name}" if namespace else entry.name, entry.pattern.converters.keys()


def kwargs_for(name, params, plan, rows):
    values = {"plan_id": plan.pk}
    for param in params:
        if param == "slug":
            values["slug"] = "vision"
        elif param == "table":
            values["table"] = "risks"
        elif param == "row_id":
            values["row_id"] = rows.get(name, rows["risk"])
        elif param == "code":
            values["code"] = "N1"
        elif param == "kind":
            values["kind"] = "json"
        elif param == "comment_id":
            values["comment_id"] = rows["comment"]
    return values


@pytest.fixture
def foreign(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    plan = demo["cheshire-east"]
    document = RelatedDocument.objects.create(
        plan=plan,
        title="Secret governance chart",
        content_type="image/png",
        file=SimpleUploadedFile("chart.png", b"\x89PNG\r\n\x1a\nsecret"),
    )
    scheme = plan.schemes.first()
    expenditure = ExpenditureRowFactory(plan=plan, scheme=scheme)
    benefit = BenefitRowFactory(plan=plan, scheme=scheme)
    rows = {
        "risk": plan.risks.first().pk,
        "metrics:expenditure_edit": expenditure.pk,
        "metrics:expenditure_remove": expenditure.pk,
        "metrics:benefits_edit": benefit.pk,
        "metrics:benefits_remove": benefit.pk,
        "schemes:annex1": scheme.pk,
        "plans:document_file": document.pk,
        "comment": SectionComment.objects.create(
            plan=plan,
            section="vision",
            text="A comment on the foreign plan",
            author_name="Someone",
            author_role="reviewer",
            created_at=timezone.now(),
        ).pk,
    }
    return plan, rows


@pytest.mark.parametrize("email", ACCOUNTS)
def test_no_role_reaches_another_hwbs_plan_through_any_url(client, foreign, email):
    plan, rows = foreign
    before = export_json(plan), ChangeRecord.objects.filter(plan=plan).count()
    client.force_login(get_user_model().objects.get(email=email))
    reached = []
    for name, params in patterns():
        if "plan_id" not in params:
            continue
        url = reverse(name, kwargs=kwargs_for(name, params, plan, rows))
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code not in NOT_REACHED:
                reached.append(f"{method.upper()} {url} → {response.status_code}")
    assert reached == []
    assert (export_json(plan), ChangeRecord.objects.filter(plan=plan).count()) == before


@pytest.mark.parametrize("email", ["editor@rutland.example.org", "reviewer@ll-at.example.org"])
def test_own_plan_urls_do_not_reach_another_plans_rows(client, foreign, demo, email):
    plan, rows = foreign
    mine = demo["rutland"]
    client.force_login(get_user_model().objects.get(email=email))
    reached = []
    for name, params in patterns():
        if "row_id" not in params:
            continue
        url = reverse(name, kwargs=kwargs_for(name, params, mine, rows))
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code not in NOT_REACHED:
                reached.append(f"{method.upper()} {url} → {response.status_code}")
    assert reached == []


# National viewers see every Board in England listed by whether it has submitted in a round (the
# Board's name and state, never its draft): the Board's name is expected there, its plan is not. The
# same for quarterly returns per period (a national viewer never sees a draft return).
BOARD_LISTS = {"review:national", "review:national_outstanding_csv", "returns:national", "returns:national_csv"}


@pytest.mark.parametrize("email", ACCOUNTS)
def test_lists_downloads_and_dashboards_never_show_the_foreign_plan(client, foreign, email):
    plan, _ = foreign
    secret = plan.answers.get(key="vision.vision").text[:80].encode()
    client.force_login(get_user_model().objects.get(email=email))
    for name, params in patterns():
        if params or name in ("logout",):
            continue
        response = client.get(reverse(name))
        content = b"".join(response.streaming_content) if response.streaming else response.content
        if content.startswith(b"PK"):
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                content = " ".join(archive.namelist()).encode()
        assert secret not in content, f"{email} sees the foreign plan's vision on {name}"
        if email == "national@bcf.example.org" and name in BOARD_LISTS:
            continue
        assert plan.hwb.name.encode() not in content, f"{email} sees {plan.hwb.name} on {name}"
        assert b"Cheshire East" not in content, f"{email} sees Cheshire East on {name}"
