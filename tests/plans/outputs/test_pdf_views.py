"""Downloading the Part 1 PDF: for the people who may read the plan only, a page while it is prepared,
the file itself once ready, and a clear page (not a server error) when rendering fails."""

import pytest
from django.urls import reverse

from plans.models import Answer, Role
from plans.outputs import pdf
from tests.factories import AreaTeamFactory, PlanFactory, RoleFactory, editor_for
from tests.plans.outputs.test_pdf import body_text


@pytest.fixture(autouse=True)
def pdf_dirs(settings, tmp_path):
    settings.PDF_CACHE_DIR = tmp_path / "pdf-cache"
    settings.MEDIA_ROOT = tmp_path / "uploads"


def urls(plan):
    return reverse("outputs:part1", args=[plan.pk]), reverse("outputs:part1_pdf", args=[plan.pk])


@pytest.mark.django_db
class TestDownload:
    def test_plan_page_links_to_the_pdf(self, client):
        plan = PlanFactory()
        client.force_login(editor_for(plan))
        page = client.get(reverse("plans:overview", args=[plan.pk])).content.decode()
        assert f'href="{urls(plan)[0]}"' in page and "Download Part 1 (PDF)" in page

    def test_editor_sees_preparing_page_then_gets_the_file_then_gets_it_at_once(self, client):
        plan = PlanFactory()
        Answer.objects.create(plan=plan, key="vision.vision", text="A vision in the downloaded file.")
        client.force_login(editor_for(plan))
        page_url, file_url = urls(plan)

        preparing = client.get(page_url)
        assert preparing.status_code == 200
        assert "Preparing your document" in preparing.content.decode()
        assert preparing["Refresh"] == f"1; url={file_url}"
        assert f'href="{file_url}"' in preparing.content.decode()

        download = client.get(file_url)
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith('attachment; filename="example-')
        assert download["Content-Disposition"].endswith("-bcf-part-1-v1-" + download["ETag"].strip('"')[:12] + '.pdf"')
        assert "A vision in the downloaded file." in body_text(download.content)

        ready = client.get(page_url)
        assert ready.status_code == 302 and ready.url == file_url

    def test_reviewer_of_the_area_can_download(self, client):
        area = AreaTeamFactory()
        plan = PlanFactory(hwb__area_team=area)
        client.force_login(RoleFactory(role=Role.REVIEWER, area_team=area).user)
        assert client.get(urls(plan)[1]).status_code == 200

    def test_another_hwbs_plan_is_not_found(self, client):
        mine, theirs = PlanFactory(), PlanFactory()
        client.force_login(editor_for(mine))
        for url in urls(theirs):
            assert client.get(url).status_code == 404

    def test_signed_out_user_is_sent_to_sign_in(self, client):
        plan = PlanFactory()
        for url in urls(plan):
            response = client.get(url)
            assert response.status_code == 302 and response.url.startswith(reverse("login"))

    def test_failed_render_shows_an_error_page_not_a_server_error(self, client, monkeypatch, caplog):
        plan = PlanFactory()
        client.force_login(editor_for(plan))

        def broken(view, digest=None):
            raise RuntimeError("Pango gave up")

        monkeypatch.setattr(pdf, "render_pdf", broken)
        response = client.get(urls(plan)[1])
        page = response.content.decode()
        assert response.status_code == 503
        assert "Sorry, we could not create the PDF" in page and "Your plan has not been changed" in page
        reference = page.split('id="error-reference">')[1].split("<")[0]
        assert any(reference in r.getMessage() and r.exc_info for r in caplog.records)
        assert not list(pdf.PdfCache().directory.glob("*.pdf"))  # nothing half-made is cached
