from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from bcf.core import auth as core_auth
from bcf.core import views as core_views
from bcf.core.auth import throttled_login_view
from bcf.core.forms import EmailLoginForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", core_views.healthz, name="healthz"),
    path("ping", core_views.ping, name="ping"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    path(
        "sign-in/",
        throttled_login_view().as_view(
            template_name="registration/login.html",
            authentication_form=EmailLoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("signed-out/", core_auth.signed_out, name="signed_out"),
    path("session/keep-alive/", core_auth.keep_signed_in, name="keep_signed_in"),
    path("", include("schemes.urls")),
    path("", include("plans.content.urls")),
    path("", include("plans.workflow.urls")),
    path("", include("plans.review.urls")),
    path("", include("plans.outputs.urls")),
    path("", include("plans.word.urls")),
    path("", include("metrics.urls")),
    path("", include("plans.returns.urls")),
]
