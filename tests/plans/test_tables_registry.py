"""Annex 2 and the structured tables are worded once (plans/editions/tables.py): the form, the PDF's
HTML and the version comparison all show the registry's words."""

import html
import re

import pytest

from plans.content.forms import ProviderCommentaryForm
from plans.content.selectors import plan_view
from plans.editions.tables import ANNEX2, ANNEX2_NEL_HEADING, RISK_COLUMNS
from plans.outputs import compare, pdf


def squash(text):
    return re.sub(r"\s+", " ", html.unescape(text))


def test_the_annex_2_form_asks_the_registrys_questions():
    form = ProviderCommentaryForm(plan=None)
    assert form.fields["agrees"].label == ANNEX2["agrees"]
    assert form.fields["disagreement"].label == ANNEX2["disagreement"]
    assert form.fields["prevented_2014_15"].label == ANNEX2["prevented_2014_15"]
    assert form.fields["provider_name"].label == ANNEX2["provider"]


def test_the_comparison_labels_rows_with_the_registrys_words():
    labels = {key: label for key, label, _long, _part in compare.PROVIDER_FIELDS}
    assert labels["agrees"] == ANNEX2["agrees"] and labels["nel_ffces"] == ANNEX2_NEL_HEADING
    assert [label for _k, label, _l, _p in compare.RISK_FIELDS] == [c.label for c in RISK_COLUMNS]


@pytest.mark.django_db
def test_the_pdf_shows_annex_2_in_the_registrys_words(demo):
    view = plan_view(demo["rutland"])
    assert view.provider_commentaries, "the Rutland demo plan has Annex 2 commentaries"
    body = squash(pdf.render_html(view))
    for key in ("hwb", "provider", "ceo", "agrees", "disagreement", "prevented_2015_16", "change_14_15"):
        assert squash(ANNEX2[key]) in body, key
