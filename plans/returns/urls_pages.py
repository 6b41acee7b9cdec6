"""Quarterly returns: the pages URLs (included by plans/returns/urls.py, namespace "returns")."""

from django.urls import path

from plans.returns import views

urlpatterns = [
    path("returns/", views.home, name="home"),
    path("returns/review/", views.review, name="review"),
    path("returns/boards/<int:hwb_id>/", views.board, name="board"),
    path("returns/boards/<int:hwb_id>/start/", views.start, name="start"),
    path("returns/<int:return_id>/", views.overview, name="overview"),
    path("returns/<int:return_id>/sign/", views.sign, name="sign"),
    path("returns/<int:return_id>/reopen/", views.reopen, name="reopen"),
    path("returns/<int:return_id>/submit/", views.submit, name="submit"),
    path("returns/<int:return_id>/accept/", views.accept, name="accept"),
    path("returns/<int:return_id>/send-back/", views.send_back, name="send_back"),
    path("returns/<int:return_id>/new-version/", views.resubmit, name="resubmit"),
    path("returns/<int:return_id>/<slug:slug>/", views.section, name="section"),
]
