"""Downloading the Part 1 PDF: for the people who may read the plan only, a page while it is prepared,
the file itself once ready, and a clear page (not a server error) when rendering fails."""

import pytest
from django.urls import reverse

from bcf.core.jobs import LimitExceeded
from plans.models import Answer, FileJob, Role
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

    def test_editor_sees_preparing_page_while_a_job_renders_then_gets_the_file_at_once(self, client, run_jobs):
        plan = PlanFactory()
        Answer.objects.create(plan=plan, key="vision.vision", text="A vision in the downloaded file.")
        client.force_login(editor_for(plan))
        page_url, file_url = urls(plan)
        status_url = reverse("outputs:part1_status", args=[plan.pk])

        preparing = client.get(page_url)  # no render in the request: a job is queued
        assert preparing.status_code == 200
        page = preparing.content.decode()
        assert "Preparing your document" in page and "Waiting to start" in page
        assert '<noscript><meta http-equiv="refresh"' in page and f'data-status-url="{status_url}"' in page
        assert client.get(status_url).json()["status"] == "queued"
        assert client.get(file_url).url == page_url  # not ready yet: back to the preparing page
        client.get(page_url)
        assert FileJob.objects.filter(plan=plan).count() == 1  # asking again does not queue twice

        run_jobs()
        assert client.get(status_url).json() == {"status": "ready", "progress": "Ready.", "file_url": file_url}
        download = client.get(file_url)
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        assert download["Content-Disposition"].startswith('attachment; filename="example-')
        assert download["Content-Disposition"].endswith("-bcf-part-1-v1-" + download["ETag"].strip('"')[:12] + '.pdf"')
        assert "A vision in the downloaded file." in body_text(download.content)

        ready = client.get(page_url)
        assert ready.status_code == 302 and ready.url == file_url

    def test_reviewer_of_the_area_can_download(self, client, run_jobs):
        area = AreaTeamFactory()
        plan = PlanFactory(hwb__area_team=area)
        client.force_login(RoleFactory(role=Role.REVIEWER, area_team=area).user)
        assert client.get(urls(plan)[0]).status_code == 200
        run_jobs()
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

    def test_failed_render_shows_why_not_a_server_error_and_can_be_tried_again(self, client, monkeypatch, run_jobs):
        plan = PlanFactory()
        client.force_login(editor_for(plan))

        def broken(view, digest=None):
            raise LimitExceeded("Laying out the PDF took longer than 120 seconds and was stopped.")

        monkeypatch.setattr(pdf, "render_pdf", broken)
        client.get(urls(plan)[0])
        run_jobs()
        response = client.get(urls(plan)[0])
        page = response.content.decode()
        assert response.status_code == 503
        assert "Sorry, we could not create the PDF" in page and "Your plan has not been changed" in page
        assert "took longer than 120 seconds and was stopped" in page
        assert not pdf.PdfCache().storage.listdir("")[1]  # nothing half-made is cached

        monkeypatch.undo()
        again = client.get(urls(plan)[0] + "?again=1")
        assert again.status_code == 200 and "Preparing your document" in again.content.decode()
        run_jobs()
        assert client.get(urls(plan)[0]).status_code == 302
