from django.contrib import admin
from django.urls import include, path

from bcf.core import auth as core_auth
from bcf.core import views as core_views
from plans.urls import auth_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", core_views.healthz, name="healthz"),
    path("ping", core_views.ping, name="ping"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    path("", include(auth_urlpatterns)),
    path("signed-out/", core_auth.signed_out, name="signed_out"),
    path("session/keep-alive/", core_auth.keep_signed_in, name="keep_signed_in"),
    path("", include("plans.urls")),
    path("", include("plans.urls_workflow")),
    path("", include("plans.urls_review")),
    path("", include("plans.urls_outputs")),
    path("", include("metrics.urls")),
]
