"""The error an importer raises: where in the document (a path such as `risks[3].likelihood`) and what."""


class PlanImportError(ValueError):
    """The document was refused. `problems`: every (path, message) found; `path` and `message` are the
    first. Its text is one line per problem, "risks[3].likelihood: must be 5 or less"."""

    def __init__(self, path, message=None, *, problems=None):
        self.problems = list(problems) if problems else [(path, message)]
        self.path, self.message = self.problems[0]
        super().__init__("\n".join(f"{p}: {m}" if p else m for p, m in self.problems))
