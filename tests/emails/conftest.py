"""The enrolment fixtures, for the emails an enrolment decision sends."""

from tests.inscriptions.conftest import open_activity, today  # noqa: F401
