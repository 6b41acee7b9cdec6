"""Downloads of a plan's documents (PDF of Part 1; the workbook is under metrics)."""

app_name = "outputs"

urlpatterns = []
