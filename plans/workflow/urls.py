"""Sign-off, submission and versions (the workflow issue)."""

from django.urls import path

from plans.workflow import views

app_name = "workflow"

urlpatterns = [
    path("plans/<int:plan_id>/ready/", views.mark_ready, name="mark_ready"),
    path("plans/<int:plan_id>/sign/", views.sign, name="sign"),
    path("plans/<int:plan_id>/decline/", views.decline, name="decline"),
    path("plans/<int:plan_id>/reopen/", views.reopen, name="reopen"),
    path("plans/<int:plan_id>/submit/", views.submit, name="submit"),
    path("plans/<int:plan_id>/submitted/", views.submitted, name="submitted"),
    path("plans/<int:plan_id>/return/", views.return_plan, name="return"),
    path("plans/<int:plan_id>/resubmit/", views.resubmit, name="resubmit"),
    path("plans/<int:plan_id>/versions/", views.versions, name="versions"),
    path("plans/<int:plan_id>/versions/compare/", views.compare, name="compare"),
    path("plans/<int:plan_id>/version/<slug:kind>/", views.download, name="download"),
]
