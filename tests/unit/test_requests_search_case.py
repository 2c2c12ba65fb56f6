"""The requests list searched by name finds the letters in the patient's name, e-mail or
phone, never in the upper-case identity tokens of the search text: on SQLite, whose
``LIKE`` ignores ASCII case, «ana» found the requests of patients whose token held
``ANA`` (about one in a hundred for three letters from a to p), both when the list is
walked and when the patients are listed first."""

from __future__ import annotations

import datetime as dt

import pytest

from patolab_desktop.services import identity, requests
from patolab_desktop.services.requests import search as request_search
from tests.paging_helpers import every_page
from tests.unit.requests_fixtures import lab, make_customer  # noqa: F401

NAME = "Li Wu"  # no letter of it in a token's alphabet (A-P) except «i»


def _token_letters() -> tuple[str, str]:
    """A DNI and three letters of one of its tokens, lower case."""
    for n in range(1, 1000):
        number = f"08011990{n:05d}"
        token = identity.search_tokens(number).split()[0]
        letters = token[2:5].lower()
        if letters not in NAME.lower():
            return number, letters
    raise AssertionError("no token found")


@pytest.mark.parametrize("walked", [True, False])
def test_a_term_found_only_in_the_identity_token_finds_nothing(lab, monkeypatch, walked):  # noqa: F811
    number, letters = _token_letters()
    patient = make_customer(NAME, id_number=number)
    lab.create(lab.hem, patient_id=patient, requested_at=dt.datetime(2025, 6, 2, 8, 0))
    if walked:  # a name many patients carry: the list is walked, each patient checked
        monkeypatch.setattr(request_search, "_many_patients", lambda *_a: 0)
        monkeypatch.setattr(request_search, "PROBE", 1)  # the latest request is probed
        assert request_search._search("li wu").patient is not None  # walked indeed
    found = every_page(requests.page, requests.RequestFilter(search=letters), "", True, 3, 10)
    assert found == []
    same_letters_upper = every_page(
        requests.page, requests.RequestFilter(search="li wu"), "", True, 3, 10
    )
    assert [r["patient_name"] for r in same_letters_upper] == [NAME]
