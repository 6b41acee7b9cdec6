"""Sign-off, submission and versions (the workflow issue)."""

app_name = "workflow"

urlpatterns = []
