"""A form error carried across a redirect to the page that shows the field (a comment box far down a
section page), shown there in the error summary and next to the field with the typed text kept."""

CARRIED_ERROR = "carried_form_error"


def carry_form_error(request, *, path, field_id, message, value=""):
    """Keep a form's error across the redirect to the page that shows the field (a comment box far down
    a section page): that page shows it in its error summary and next to the field, with the text kept."""
    request.session[CARRIED_ERROR] = {"path": path, "field_id": field_id, "message": message, "value": value}


def carried_form_error(request):
    """`carried_error` for the page the error was carried to, once; base.html puts it in the summary."""
    session = getattr(request, "session", None)
    if session is None or CARRIED_ERROR not in session:
        return {}
    error = session.get(CARRIED_ERROR)
    if not isinstance(error, dict) or error.get("path") != request.path:
        return {}
    del session[CARRIED_ERROR]
    return {"carried_error": error}
