"""Start a plan from a Word document; download Part 1 as Word."""

from django.urls import path

from . import views

app_name = "word"

urlpatterns = [
    path("plans/start-from-word/", views.upload, name="upload"),
    path("plans/start-from-word/<str:token>/", views.review, name="review"),
    path("plans/<int:plan_id>/part-1.docx", views.part1_docx, name="part1_docx"),
]
