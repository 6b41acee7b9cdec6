"""What a check finds: an Issue (an error or a warning, about a place in a plan or return), and
the task list statuses that issues decide (GOV.UK task list pattern)."""

from dataclasses import dataclass
from urllib.parse import urlencode

ERROR = "ERROR"
WARNING = "WARNING"

# Kinds of issue; "missing" means a required answer is empty (the section is then "In progress").
MISSING = "missing"
PROBLEM = "problem"


@dataclass(frozen=True)
class Issue:
    level: str
    message: str
    section: str = ""  # section slug
    anchor: str = ""  # id of the field on the section page
    kind: str = PROBLEM
    url: str = ""  # where the issue is put right, when it is not a section page (Part 2 pages)
    find: str = ""  # the text the issue is about (a placeholder), selected in its box when followed

    @property
    def query(self):
        """The query string a link to the field carries, so the page can select `find` in the box."""
        return f"?{urlencode({'find': self.find})}" if self.find else ""

    @property
    def is_error(self):
        return self.level == ERROR

    def line(self):
        return f"{self.level} {self.message}"


def errors(issues):
    return [i for i in issues if i.level == ERROR]


def warnings(issues):
    return [i for i in issues if i.level == WARNING]


# Section statuses on the task list.
NOT_STARTED = "Not started"
IN_PROGRESS = "In progress"
COMPLETED = "Completed"
HAS_ERRORS = "Has errors"
CANNOT_START = "Cannot start yet"
