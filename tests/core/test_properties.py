"""Property-based tests: hostile and random input never causes a crash, a partial save or a wrong sum."""

import copy
import json
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bcf.core.imports import PlanImportError
from bcf.core.markup import render_markup
from bcf.core.money import ParseError, format_money, parse_money
from plans.content.plan_json import import_plan
from plans.editions import get_edition
from plans.models import Answer, ChangeRecord, Plan
from tests.conftest import demo_document
from tests.factories import PlanFactory, editor_for

HOSTILE_TEXT = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "=cmd|' /C calc'!A0",
            "'; DROP TABLE plans_plan; --",
            "\x00\x01",
            "£1,228M",
            "1.209111",
            "-5",
            "9" * 40,
            "NaN",
            "Infinity",
            "1e309",
            "{{ 7*7 }}",
            "{% debug %}",
            "\u202e\u0000",
            "![x](file:///etc/passwd)",
            "[x](javascript:alert(1))",
            "<img src=x onerror=alert(1)>",
        ]
    ),
)
JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), HOSTILE_TEXT),
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=6,
)


@given(HOSTILE_TEXT)
def test_money_parser_accepts_exactly_or_refuses_clearly(raw):
    try:
        value = parse_money(raw)
    except ParseError as exc:
        assert str(exc)
    else:
        assert value is None or (value >= 0 and value == value.quantize(Decimal("0.01")))


@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2))
def test_money_shown_then_typed_back_is_the_same_amount(amount):
    assert parse_money(format_money(amount)) == amount


@given(HOSTILE_TEXT)
def test_markup_never_lets_html_or_script_links_through(text):
    html = render_markup(text)
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html.lower()


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value[:3]):
            yield from _paths(child, (*prefix, index))


RUTLAND = demo_document("rutland")
PATHS = [p for p in _paths(RUTLAND) if p]


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(PATHS), value=JSON_VALUES)
def test_import_of_a_mutated_plan_succeeds_or_refuses_without_creating_anything(path, value):
    doc = copy.deepcopy(RUTLAND)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    before = Plan.objects.count(), Answer.objects.count()
    try:
        plan = import_plan(json.loads(json.dumps(doc)))
    except PlanImportError as exc:
        assert exc.message
        assert (Plan.objects.count(), Answer.objects.count()) == before
    else:
        assert plan.status == "DRAFT"


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(HOSTILE_TEXT, min_size=12, max_size=12),
    slug=st.sampled_from([s.slug for s in get_edition("2014-09").sections if s.questions or s.kind == "summary"]),
)
def test_section_forms_never_crash_and_never_half_save(client, values, slug):
    plan = PlanFactory()
    client.force_login(editor_for(plan))
    url = reverse("plans:section", args=[plan.pk, slug])
    page = client.get(url).content.decode()
    names = [
        n for n in dict.fromkeys(re.findall(r'name="([^"]+)"', page)) if n not in ("csrfmiddlewaretoken", "action")
    ]
    data = {name: values[i % len(values)] for i, name in enumerate(names)}
    data.update({"revision": "0", "action": "save"})
    response = client.post(url, data)
    assert response.status_code in (200, 302, 400)
    if response.status_code != 302:
        assert not ChangeRecord.objects.filter(plan=plan).exists()
        assert not Answer.objects.filter(plan=plan).exists()
