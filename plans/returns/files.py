"""A submitted return's files (PDF, workbook, JSON), made by background jobs queued in the submitting
transaction, as a plan version's are (plans/workflow/files.py)."""


def queue_return_files(submission):
    """In the submitting transaction: one FileJob per file of the return, each with its job."""
    return []
