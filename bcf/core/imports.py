"""The error an importer raises: where in the document (a path such as `risks[3].likelihood`) and what."""


class PlanImportError(ValueError):
    def __init__(self, path, message):
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message
