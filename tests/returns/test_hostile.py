"""Hostile and odd input to every form of a return's pages (issue 16's standing property, for
returns): generated values in every field of every section and workflow form, as the Board's editor.
Each must answer with a page or a refusal, never a server error, and a refusal leaves the return
exactly as it was. The same for the bcf-return/1 importer: hostile values at every path are refused
with the path named, and nothing is created."""

import copy
import json

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bcf.core.imports import PlanImportError
from plans.models import QuarterlyReturn, ReturnStatus
from plans.returns import services
from plans.returns.checks import SECTIONS
from plans.returns.document import return_document
from plans.returns.importer import import_return
from plans.returns.selectors import return_view
from tests.hostile import HOSTILE_JSON, fail, hostile_post, post_forms, record
from tests.returns.conftest import complete, period

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(board):
    ret = services.return_start(hwb=board["hwb"], period=period("2015/16 Q1"), user=board["editor"])
    client = Client(raise_request_exception=False)
    client.force_login(board["editor"])
    forms = []
    for slug, _title in SECTIONS:
        url = reverse("returns:section", args=[ret.pk, slug])
        forms += [f for f in post_forms(client.get(url).content.decode(), url) if "/returns/" in f["action"]]
    assert len(forms) >= len(SECTIONS)
    return {"ret": ret, "client": client, "forms": forms, "board": board}


def state(ret):
    ret = QuarterlyReturn.objects.get(pk=ret.pk)
    return ret.status, ret.revision, json.dumps(return_document(return_view(ret), computed=False), sort_keys=True)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_every_return_form_answers_hostile_values_without_a_server_error_or_a_partial_save(site, data):
    form = data.draw(st.sampled_from(site["forms"]), label="form")
    ret, client = site["ret"], site["client"]
    post = hostile_post(data, form)
    before = state(ret)
    savepoint = transaction.savepoint()
    response = client.post(form["action"], post)
    if response.status_code >= 500:
        transaction.savepoint_rollback(savepoint)
    else:
        transaction.savepoint_commit(savepoint)
    after = state(ret)
    where = f"POST {form['action']} {sorted(post)}"
    if response.status_code >= 500:
        record("return forms", "500", where)
        fail(f"{response.status_code} from {where}")
    elif after == before:
        record("return forms", "refused")
    elif response.status_code in (301, 302, 303):
        record("return forms", "accepted")
        view = return_view(QuarterlyReturn.objects.get(pk=ret.pk))
        return_document(view)  # the export (with its computed values) still works
    else:
        record("return forms", "partial save", f"{response.status_code} but saved: {where}")
        fail(f"{response.status_code} from {where}, but the return changed")
    assert QuarterlyReturn.objects.get(pk=ret.pk).status == ReturnStatus.DRAFT


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value[:2]):
            yield from _paths(child, (*prefix, index))


@pytest.fixture
def exported(board):
    ret = complete(
        services.return_start(hwb=board["hwb"], period=period("2015/16 Q1"), user=board["editor"]), board["editor"]
    )
    doc = return_document(return_view(ret), computed=False)
    QuarterlyReturn.objects.filter(pk=ret.pk).update(is_current=False)  # the import makes a new current one
    return doc


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_the_return_importer_refuses_hostile_values_with_a_path_and_creates_nothing(exported, data):
    doc = copy.deepcopy(exported)
    paths = [p for p in _paths(doc) if p]
    path = data.draw(st.sampled_from(paths), label="path")
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = data.draw(HOSTILE_JSON, label="value")
    before = QuarterlyReturn.objects.count()
    try:
        with transaction.atomic():
            created = import_return(doc)
            transaction.set_rollback(True)  # keep the next example's Board free for an import
    except PlanImportError as exc:
        record("import_return", "refused")
        assert str(exc).strip(), "a refusal says why"
        assert QuarterlyReturn.objects.count() == before
        return
    except Exception as exc:  # noqa: BLE001 - any other exception is the failure being looked for
        record("import_return", "500", f"{'.'.join(map(str, path))}: {type(exc).__name__}: {exc}")
        fail(f"import_return raised {type(exc).__name__} for a hostile value at {path}: {exc}")
    record("import_return", "accepted")
    assert created.pk is not None
