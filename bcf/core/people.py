"""How a person is named on a signature, a comment, a version or a page: their full name, else their e-mail."""


def display_name(user):
    return (user.get_full_name() or "").strip() or user.email
