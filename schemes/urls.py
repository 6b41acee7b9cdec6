from django.urls import path

from schemes import views

app_name = "schemes"

urlpatterns = [
    path("plans/<int:plan_id>/schemes/<int:row_id>/annex-1/", views.annex1, name="annex1"),
]
