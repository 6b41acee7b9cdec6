"""Hostile and odd input as a standing property (issue 16).

Generated hostile values (huge and tiny numbers, NaN, infinities, other scripts' digits, long, empty
and control-character strings, impossible dates, missing and malformed hidden fields) are sent to
every form of every page of a plan, found by walking the URL patterns and reading each page's HTML,
as the plan's rightful editor; to the plan JSON importer (with its Part 2); and to the workbook
upload. Each must answer with a page or a refusal, never a server error, and a refusal must leave the
plan exactly as it was; what is accepted must not break the plan's exports or checks afterwards.

The counts (tried, refused, accepted, 500s, partial saves) are printed at the end of the run.
"""

import copy
import io
import json
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import NoReverseMatch, reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.utils.exceptions import IllegalCharacterError

from bcf.core.imports import PlanImportError
from metrics.definitions import part2_edition
from metrics.models import BenefitRow, ExpenditureRow
from plans.content.checks import check_plan
from plans.content.plan_json import export_json, import_plan
from plans.content.selectors import plan_view
from plans.content.views import TABLES
from plans.models import ChangeRecord, Plan, PlanStatus, SectionRevision
from plans.outputs.workbook import workbook_bytes
from plans.workflow import services as workflow
from schemes.models import Scheme
from tests.conftest import demo_document
from tests.factories import editor_for
from tests.hostile import HOSTILE_JSON, HOSTILE_STRING, fail, hostile_post, post_forms, record
from tests.metrics.factories import BenefitRowFactory, complete_part2_plan
from tests.test_url_role_matrix import patterns

ROW_MODELS = {
    "schemes:annex1": Scheme,
    "metrics:expenditure_edit": ExpenditureRow,
    "metrics:expenditure_remove": ExpenditureRow,
    "metrics:benefits_edit": BenefitRow,
    "metrics:benefits_remove": BenefitRow,
}
DOWNLOADS = {"plans:document_file", "workflow:download", "outputs:part1_pdf", "metrics:workbook"}


def plan_urls(plan):
    """Every page of the plan the URL patterns define, with the plan's own sections, rows and codes."""
    sections = [s.slug for s in plan.edition_def.sections]
    codes = [m.code for m in part2_edition(plan.edition).metrics]
    urls = []
    for name, params in patterns():
        params = set(params)
        if "plan_id" not in params or name in DOWNLOADS or "kind" in params:
            continue
        options = [{"plan_id": plan.pk}]
        if "slug" in params:
            options = [{**o, "slug": slug} for o in options for slug in sections]
        if "code" in params:
            options = [{**o, "code": code} for o in options for code in codes]
        if "table" in params:
            expanded = []
            for option in options:
                for table, definition in TABLES.items():
                    row = definition.model.objects.filter(plan=plan).order_by("pk").first()
                    if "row_id" in params and row is None:
                        continue
                    expanded.append({**option, "table": table, **({"row_id": row.pk} if "row_id" in params else {})})
            options = expanded
        elif "row_id" in params:
            model = ROW_MODELS.get(name)
            row = model.objects.filter(plan=plan).order_by("pk").first() if model else None
            options = [{**o, "row_id": row.pk} for o in options] if row else []
        for option in options:
            try:
                urls.append(reverse(name, kwargs=option))
            except NoReverseMatch:  # a parameter this walk cannot fill (a comment's id, say): not a form page
                continue
    return urls


def discover_forms(client, plans):
    """The POST forms of every page of the plans, one per distinct action and set of fields."""
    found = {}
    for plan in plans:
        for url in plan_urls(plan):
            response = client.get(url)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            for form in post_forms(response.content.decode(), url):
                if not form["action"].startswith("/plans/"):
                    continue  # signing out, the header's forms
                form["plan"] = plan
                found.setdefault((form["action"], tuple(sorted(form["fields"]))), form)
    return list(found.values())


def plan_state(plan):
    """What any save changes: the history, the plan's revision and state, each section's revision."""
    row = Plan.objects.values_list("revision", "status").get(pk=plan.pk)
    sections = tuple(SectionRevision.objects.filter(plan=plan).order_by("section").values_list("section", "revision"))
    return ChangeRecord.objects.filter(plan=plan).count(), row, sections


def poisoned(plan):
    """The exports and checks a saved or imported value could break (1e308 once broke all three)."""
    try:
        plan = Plan.objects.get(pk=plan.pk)
        json.loads(export_json(plan))
        check_plan(plan_view(plan))
        workbook_bytes(plan)
    except Exception as exc:  # noqa: BLE001 - any failure here is the finding
        return f"{type(exc).__name__}: {exc}"[:300]
    return None


def _request(send):
    """Send one request inside a savepoint, so a database error in it cannot spoil the next one."""
    savepoint = transaction.savepoint()
    response = send()
    if response.status_code >= 500:
        transaction.savepoint_rollback(savepoint)
    else:
        transaction.savepoint_commit(savepoint)
    return response


@pytest.fixture
def site(demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    rutland, cheshire = demo["rutland"], demo["cheshire-east"]
    BenefitRowFactory(plan=rutland, scheme=rutland.schemes.first())
    client = Client(raise_request_exception=False)
    editors = {}
    for plan in (rutland, cheshire):
        editor = plan.hwb.roles.filter(role="editor").first().user
        editors[plan.pk] = editor
    yield {"client": client, "plans": [rutland, cheshire], "editors": editors}
    cache.clear()


@pytest.fixture
def forms(site):
    client = site["client"]
    found = []
    for plan in site["plans"]:
        client.force_login(site["editors"][plan.pk])
        found += discover_forms(client, [plan])
    # The hostile test is only as good as the forms it reaches: every editable page is among them.
    actions = {form["action"].split("/", 3)[3] for form in found}
    for expected in (
        "sections/summary/",
        "sections/vision/",
        "risks/add/",
        "schemes/add/",
        "milestones/add/",
        "documents/add/",
        "providers/add/",
        "annex-1/",
        "remove/",
        "part-2/funding/",
        "part-2/expenditure/add/",
        "part-2/benefits/add/",
        "part-2/p4p/",
        "part-2/metrics/",
        "part-2/workbook/upload/",
    ):
        assert any(expected in action for action in actions), expected
    assert len(found) >= 40
    return found


@pytest.mark.django_db
@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(data=st.data())
def test_every_form_answers_hostile_values_without_a_server_error_or_a_partial_save(site, forms, data):
    form = data.draw(st.sampled_from(forms), label="form")
    plan, client = form["plan"], site["client"]
    editor = site["editors"][plan.pk]
    client.force_login(editor)
    post = hostile_post(data, form)
    before = plan_state(plan)
    response = _request(lambda: client.post(form["action"], post))
    after = plan_state(plan)
    where = f"POST {form['action']} {sorted(post)}"
    if response.status_code >= 500:
        record("forms", "500", where)
        fail(f"{response.status_code} from {where}")
    elif after == before:
        record("forms", "refused")
    elif response.status_code in (301, 302, 303):
        record("forms", "accepted")
        problem = poisoned(plan)
        if problem:
            record("forms", "poisoned", f"{where}: {problem}")
            fail(f"after {where} the plan's exports or checks fail: {problem}")
    else:
        record("forms", "partial save", f"{response.status_code} but saved: {where}")
        fail(f"{response.status_code} from {where}, but the plan changed")
    plan.refresh_from_db()
    if plan.status != PlanStatus.DRAFT:  # marked ready: reopen it, so the next examples can still edit
        workflow.plan_reopen(plan=plan, user=editor)


# --- the plan JSON importer (and its Part 2) ---------------------------------------------------------


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value[:2]):
            yield from _paths(child, (*prefix, index))


RUTLAND = demo_document("rutland")
CHESHIRE = demo_document("cheshire-east")
RUTLAND["part2"]["benefits"] = [
    {"scheme_ref": "UP1", "measure": "Other", "unit": "bed day", "quarters": [1, 2, 3, 4], "value_per_unit": "100.00"}
]
DOCUMENTS = {"rutland": RUTLAND, "cheshire-east": CHESHIRE}
PATHS = [(name, path) for name, doc in DOCUMENTS.items() for path in _paths(doc) if path]


def _nested(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


STRUCTURES = st.sampled_from(["value", "value", "value", "long list", "deep"])


@pytest.mark.django_db
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.sampled_from(PATHS), value=HOSTILE_JSON, shape=STRUCTURES)
def test_the_importer_refuses_hostile_documents_with_paths_and_creates_nothing(target, value, shape):
    name, path = target
    doc = copy.deepcopy(DOCUMENTS[name])
    holder = doc
    for key in path[:-1]:
        holder = holder[key]
    holder[path[-1]] = {"value": value, "long list": [value] * 2500, "deep": _nested(40)}[shape]
    before = Plan.objects.count(), ChangeRecord.objects.count()
    savepoint = transaction.savepoint()
    try:
        plan = import_plan(doc)
    except PlanImportError as exc:
        transaction.savepoint_rollback(savepoint)
        record("import_plan", "refused")
        problems = getattr(exc, "problems", [(exc.path, exc.message)])  # one problem, before issue 16
        assert problems and all(isinstance(p, str | None) and m for p, m in problems)
        assert (Plan.objects.count(), ChangeRecord.objects.count()) == before
    except Exception as exc:  # noqa: BLE001 - a traceback instead of "Invalid plan: <path>" is the finding
        transaction.savepoint_rollback(savepoint)
        record("import_plan", "500", f"{'.'.join(map(str, path))} = {str(value)[:40]!r}: {type(exc).__name__}")
        fail(f"import_plan crashed on {path} = {value!r}: {type(exc).__name__}: {exc}")
    else:
        transaction.savepoint_commit(savepoint)
        record("import_plan", "accepted")
        problem = poisoned(plan)
        if problem:
            record("import_plan", "poisoned", f"{path} = {str(value)[:40]!r}: {problem}")
            fail(f"importing {path} = {value!r} broke the plan: {problem}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text, message",
    [
        ("[" * 200_000 + "]" * 200_000, "nested more than"),
        ('{"format": "bcf-plan/1", "edition": NaN}', "NaN is not a number JSON allows"),
        ('{"format": "bcf-plan/1", "n": ' + "9" * 5000 + "}", "not valid JSON"),
        ("\ufeff{", "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b" " * (10 * 1024 * 1024 + 1), "larger than 10 MB"),
    ],
)
def test_the_import_command_refuses_unreadable_files_with_a_message(tmp_path, text, message):
    from django.core.management import CommandError, call_command

    path = tmp_path / "plan.json"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(CommandError, match=message):
        call_command("import_plan", str(path))
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_the_import_reports_every_problem_with_its_path(tmp_path):
    from django.core.management import CommandError, call_command

    doc = copy.deepcopy(RUTLAND)
    doc["risks"][0]["financial_impact_000s"] = 1e308
    doc["risks"][1]["financial_impact_000s"] = 12.25
    doc["milestones"][0]["number"] = 1e30
    doc["answers"]["conditions.high_risk_proportion"]["percent"] = 101
    doc["provider_commentaries"][0]["nel_ffces"]["2013/14 outturn"] = 10**30
    doc["part2"]["expenditure"][0]["nhs_share_percent"] = "١٢"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(CommandError) as raised:
        call_command("import_plan", str(path))
    message = str(raised.value)
    assert message.startswith("Invalid plan: ")
    for where in (
        "risks[0].financial_impact_000s: must be 10,000,000 or less",
        "milestones[0].number: must be 9,999 or less",
        "answers.conditions.high_risk_proportion.percent: must be 100 or less",
        "provider_commentaries[0].nel_ffces.2013/14 outturn: must be 10,000,000 or less",
    ):
        assert where in message, message
    assert not Plan.objects.exists()
    # Once the range problems are put right, the next layer reports every row's problem too.
    doc = copy.deepcopy(RUTLAND)
    doc["risks"][1]["financial_impact_000s"] = 12.25
    doc["part2"]["expenditure"][0]["nhs_share_percent"] = "١٢"
    with pytest.raises(PlanImportError) as raised:
        import_plan(doc)
    paths = [p for p, _m in raised.value.problems]
    assert "risks[1].financial_impact_000s" in paths and "part2.expenditure[0].nhs_share_percent" in paths


@pytest.mark.django_db
@pytest.mark.parametrize("value", [float("nan"), 1e308, "1e308", -0.0, 1e30])
def test_the_importer_never_accepts_a_number_that_breaks_the_plan_later(value):
    doc = copy.deepcopy(RUTLAND)
    doc["risks"][0]["financial_impact_000s"] = value
    doc["part2"]["metrics"] = [
        {"code": "N1", "baseline": {"numerator": value, "denominator": 5, "period": "2013/14"}, "targets": []}
    ]
    if value == -0.0:
        plan = import_plan(doc)
        assert str(plan.risks.order_by("position").first().financial_impact_000s) == "0.0"
        assert poisoned(plan) is None
        return
    with pytest.raises(PlanImportError) as raised:
        import_plan(doc)
    assert {p for p, _m in raised.value.problems} >= {"risks[0].financial_impact_000s"}


# --- the workbook upload ---------------------------------------------------------------------------------


def _edit_workbook(content, edits):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(content))
    for sheet, row, column, value in edits:
        ws = wb[sheet] if isinstance(sheet, str) else wb.worksheets[sheet % len(wb.worksheets)]
        ws.cell(row=row, column=column).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


CELL_VALUES = st.one_of(
    HOSTILE_STRING,
    st.sampled_from([1e308, -1e308, 1e-308, 10**30, -1, -0.0, 0.5, 2**63, True]),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
)


@pytest.fixture
def upload(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    plan = complete_part2_plan()
    client = Client(raise_request_exception=False)
    client.force_login(editor_for(plan))
    return plan, client, workbook_bytes(plan), reverse("metrics:workbook_upload", args=[plan.pk])


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    edits=st.lists(
        st.tuples(st.integers(1, 6), st.integers(1, 40), st.integers(1, 12), CELL_VALUES), min_size=1, max_size=4
    )
)
def test_the_workbook_upload_answers_hostile_cells_without_a_server_error(upload, edits):
    plan, client, content, url = upload
    try:
        edited = _edit_workbook(content, edits)
    except (ValueError, TypeError, AttributeError, IllegalCharacterError):
        return  # openpyxl itself refuses to write the value (or the cell is merged): nothing to upload
    before = plan_state(plan)
    response = _request(lambda: client.post(url, {"file": SimpleUploadedFile("part2.xlsx", edited), "replace": "on"}))
    if response.status_code >= 500:
        record("workbook", "500", str(edits)[:200])
        fail(f"{response.status_code} for {edits}")
    elif plan_state(plan) == before:
        record("workbook", "refused")
    elif response.status_code == 302:
        record("workbook", "accepted")
        problem = poisoned(plan)
        if problem:
            record("workbook", "poisoned", f"{edits}: {problem}")
            fail(f"after uploading {edits} the plan's exports or checks fail: {problem}")
    else:
        record("workbook", "partial save", str(edits)[:200])
        fail(f"{response.status_code} for {edits}, but the plan changed")


def _repacked(content, extra):
    """The workbook with extra or replaced entries (a zip bomb, a sheet of many cells)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename not in extra:
                target.writestr(info, source.read(info))
        for name, data in extra.items():
            target.writestr(name, data)
    return out.getvalue()


@pytest.mark.django_db
def test_a_workbook_that_expands_too_far_is_refused_with_a_message(upload):
    plan, client, content, url = upload
    bomb = _repacked(content, {"xl/media/padding.bin": b" " * (6 * 1024 * 1024)})
    assert len(bomb) < 200_000  # it compresses to almost nothing
    response = client.post(url, {"file": SimpleUploadedFile("part2.xlsx", bomb), "replace": "on"})
    assert response.status_code == 400
    assert "far larger than a Part 2 workbook (more than 5 MB when unpacked)" in response.content.decode()


@pytest.mark.django_db
def test_a_workbook_with_too_many_cells_is_refused_before_it_is_read(upload):
    plan, client, content, url = upload
    source = zipfile.ZipFile(io.BytesIO(content))
    sheet = next(n for n in source.namelist() if n.startswith("xl/worksheets/sheet"))
    cells = "".join(f'<c r="A{row}"><v>1</v></c>' for row in range(1, 60_001))
    xml = source.read(sheet).decode()
    xml = xml.replace("</sheetData>", f'<row r="9999">{cells}</row></sheetData>')
    response = client.post(
        url, {"file": SimpleUploadedFile("part2.xlsx", _repacked(content, {sheet: xml.encode()})), "replace": "on"}
    )
    assert response.status_code == 400
    assert "more than 50,000 cells" in response.content.decode()


@pytest.mark.django_db
def test_workbook_numbers_in_other_scripts_are_refused(upload):
    plan, client, content, url = upload
    from metrics.workbook_layout import P4P

    edited = _edit_workbook(content, [("5. HWB P4P metric", P4P.population, 3, "٣٧٤٠٠")])
    response = client.post(url, {"file": SimpleUploadedFile("part2.xlsx", edited), "replace": "on"})
    assert response.status_code == 400 and "is not a number" in response.content.decode()
