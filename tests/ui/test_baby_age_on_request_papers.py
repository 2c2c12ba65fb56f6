"""A baby's age on the request entry, its summary and its tube labels: «3 meses», «8 m»,
never «0 años» / «0 a» (the tube the lab works from said the patient was 0 years old).
One rule, ``customers.age_text``, from the date of birth or the declared age."""

from __future__ import annotations

import datetime as dt

import pytest

from patolab_desktop.documents.tube_labels import age_sex_text
from patolab_desktop.services import customers, reference
from patolab_desktop.services import requests as requests_service
from patolab_desktop.services.customers import age_text
from patolab_desktop.services.requests.reports import label_data, request_summary_data
from patolab_desktop.ui.requests.request_entry import RequestEntry
from tests.security_helpers import fast_hashing  # noqa: F401 (a fixture)

from .requests_helpers import acting, desk  # noqa: F401 (fixtures)
from .role_helpers import act_as

TODAY = dt.date.today()


def _baby(first: str, date_of_birth: dt.date | None = None, age_text: str = "") -> int:
    department = reference.departments()[0][0]
    municipality = reference.municipalities(department)[0][0]
    gender = next(g for g, name in reference.genders() if name == "Mujer")
    return customers.create(
        customers.CustomerData(
            type="cliente",
            first_name=first,
            last_name="Bebé",
            name=f"{first} Bebé",
            id_number="",
            gender_id=gender,
            date_of_birth=date_of_birth,
            age_text=age_text,
            phone="9876-5432",
            department_id=department,
            municipality_id=municipality,
        )
    )


@pytest.mark.parametrize(
    ("born", "declared", "long", "short"),
    [
        (TODAY - dt.timedelta(days=95), "", "3 meses", "3 m"),
        (None, "8m", "8 meses", "8 m"),
        (None, "3d", "3 días", "3 d"),
    ],
)
def test_a_babys_age_in_months_or_days_at_the_desk(
    qtbot,
    desk,  # noqa: F811
    fast_hashing,  # noqa: F811
    born,
    declared,
    long,
    short,
):
    baby = _baby("Sofía", born, declared)
    act_as("Recepción")
    entry = RequestEntry(by="recepcion")
    qtbot.addWidget(entry)
    entry.show()
    entry.set_patient(customers.summary(baby))
    assert entry.patient_info.text().startswith(f"{long} · Mujer")
    request_id, _number = requests_service.create(
        requests_service.RequestDraft(
            patient_id=baby, doctor_id=desk["doctor"], investigation_ids=[desk["catalog"]["HEM"]]
        )
    )
    assert request_summary_data(request_id)["patient"]["age_text"] == long
    label = label_data(request_id)[0]
    assert label["age_sex"] == f"{short} · Mujer"
    assert age_sex_text(label) == f"{short} · Mujer"


def test_the_age_text_from_a_date_of_birth_or_a_declared_age():
    day = dt.date(2026, 3, 15)
    born = {
        dt.date(2026, 3, 14): ("1 día", "1 d"),
        dt.date(2026, 2, 13): ("1 mes", "1 m"),
        dt.date(2025, 3, 15): ("12 meses", "12 m"),
        dt.date(2024, 3, 15): ("2 años", "2 a"),
        dt.date(1990, 3, 16): ("35 años", "35 a"),
    }
    for date_of_birth, (long, short) in born.items():
        assert age_text(date_of_birth, None, "", None, day) == long
        assert age_text(date_of_birth, None, "", None, day, short=True) == short
    assert age_text(None, 1, "", day, day) == "1 año"
    assert age_text(None, 35, "", dt.date(2025, 3, 15), day) == "36 años"
    assert age_text(None, 0, "8m", dt.date(2026, 1, 15), day) == "10 meses"
    assert age_text(None, None, "", None, day) == ""


def test_a_babys_age_in_the_customers_list_and_the_patient_picker(
    qtbot,
    desk,  # noqa: F811
    fast_hashing,  # noqa: F811
):
    """The list's Edad column and the picker's drop-down word the age as the papers do:
    a 3-month baby is «3 meses» there too, not «0» / «0 años»."""
    from patolab_desktop.ui.customers.customers_window import CustomersWindow
    from patolab_desktop.ui.requests.entry_texts import patient_lookup
    from tests.ui.list_helpers import search

    _baby("Sofía", TODAY - dt.timedelta(days=95))
    _baby("Mateo", None, "8m")
    act_as("Recepción")
    window = CustomersWindow()
    qtbot.addWidget(window)
    window.show()
    search(window, "Bebé")
    ages = window.model.columns.index(next(c for c in window.model.columns if c.sort == "age"))
    shown = {
        window.model.index(row, 0).data(): window.model.index(row, ages).data()
        for row in range(window.model.rowCount())
    }
    assert shown == {"Sofía Bebé": "3 meses", "Mateo Bebé": "8 meses"}

    lookup = patient_lookup("Paciente")
    qtbot.addWidget(lookup)
    lookup.show()
    qtbot.keyClicks(lookup, "Sofia")
    lookup.refresh_now()  # the search the typing starts, without its short wait
    assert lookup.popup_visible()
    assert lookup.popup().item(0).text() == "Sofía Bebé  —  3 meses · Mujer · +504 9876-5432"
