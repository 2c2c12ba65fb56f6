"""Fixtures of the screen tests: nobody logged in, a fixed clock and cheap hashing for the
tests that log in as a role (``tests.security_helpers``)."""

from tests.security_helpers import clock, fast_hashing, no_session  # noqa: F401
