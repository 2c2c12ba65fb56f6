"""Investigation catalog: codes, exact prices, price history, panels, pickers, paging."""

from __future__ import annotations

from decimal import Decimal

import pytest
from peewee import fn

from patolab_desktop.db.models import Investigation, PanelMember, PriceChange
from patolab_desktop.services import catalog
from patolab_desktop.services.errors import RuleError, ValidationError
from patolab_desktop.services.paging import PageRequest
from tests.paging_helpers import every_page, one_page
from tests.two_desks import stale_save
from tests.unit.catalog_helpers import make_investigation

# --- codes and names -------------------------------------------------------------------------


def test_code_is_stored_upper_case(database):
    investigation_id = make_investigation(" glu ", "Glucosa")
    assert catalog.get(investigation_id).code == "GLU"


def test_code_is_unique_ignoring_case(database):
    make_investigation("GLU", "Glucosa")
    with pytest.raises(ValidationError) as caught:
        make_investigation("glu", "Glucosa otra vez")
    assert "GLU" in caught.value.fields["code"] and "Glucosa" in caught.value.fields["code"]
    assert Investigation.select().where(fn.UPPER(Investigation.code) == "GLU").count() == 1


def test_code_may_not_be_taken_by_an_update(database):
    make_investigation("GLU")
    other = make_investigation("HEM")
    data = catalog.get(other)
    data.code = "Glu"
    assert "code" in catalog.validate(data)


@pytest.mark.parametrize("code", ["", "GL U", "ÁCIDO", "X" * 21])
def test_bad_codes_refused(database, code):
    assert "code" in catalog.validate(catalog.InvestigationData(code=code, name="N", price="1"))


def test_name_required(database):
    errors = catalog.validate(catalog.InvestigationData(code="GLU", name="  ", price="80"))
    assert "name" in errors


# --- prices ----------------------------------------------------------------------------------


def test_decimal_prices_exact_to_three_places(database):
    price = Decimal("0.1") + Decimal("0.2")
    investigation_id = make_investigation("A", price=price)
    stored = catalog.get(investigation_id).price
    assert stored == Decimal("0.300") and str(stored) == "0.300"
    assert isinstance(stored, Decimal)
    make_investigation("B", price="0.1")
    make_investigation("C", price="0.2")
    total = sum(
        (r["price"] for r in catalog.search("prueba", limit=10) if r["code"] in ("B", "C")),
        Decimal("0"),
    )
    assert str(total) == "0.300"
    raw = (
        Investigation.select(fn.SUM(Investigation.price))
        .where(Investigation.code.in_(["B", "C"]))
        .scalar()
    )
    assert raw == 300  # thousandths, exact in SQL too


def test_float_prices_are_refused(database):
    errors = catalog.validate(catalog.InvestigationData(code="A", name="A", price=0.1 + 0.2))
    assert "coma flotante" in errors["price"]


@pytest.mark.parametrize(
    "price, message",
    [
        ("-1", "negativo"),
        ("1.2345", "3 decimales"),
        ("abc", "número"),
        ("", "Escriba"),
    ],
)
def test_bad_prices_refused(database, price, message):
    errors = catalog.validate(catalog.InvestigationData(code="A", name="A", price=price))
    assert message in errors["price"]


def test_price_input_forms(database):
    assert catalog.parse_price("L 1,234.5") == Decimal("1234.500")
    assert catalog.parse_price(180) == Decimal("180.000")
    assert catalog.parse_price(Decimal("0")) == Decimal("0.000")


def test_price_changes_are_recorded_with_date_and_who(database):
    investigation_id = make_investigation("GLU", price="80.000")
    catalog.set_price(investigation_id, "95.500", changed_by="admin")
    catalog.set_price(investigation_id, "95.500", changed_by="admin")  # same price: no record
    # without changed_by the acting user is recorded (the tests act as "test")
    data = catalog.get(investigation_id)
    data.price = "100"
    catalog.update(data, changed_by="supervisora")
    history = catalog.price_history(investigation_id)
    assert [(h["old_price"], h["new_price"], h["changed_by"]) for h in history] == [
        (Decimal("95.500"), Decimal("100.000"), "supervisora"),
        (Decimal("80.000"), Decimal("95.500"), "admin"),
        (None, Decimal("80.000"), "test"),
    ]
    assert all(h["changed_at"] is not None for h in history)
    assert catalog.get(investigation_id).price == Decimal("100.000")


def test_update_without_price_change_records_nothing(database):
    investigation_id = make_investigation("GLU", price="80")
    data = catalog.get(investigation_id)
    data.name = "Glucosa en ayunas"
    catalog.update(data)
    assert PriceChange.select().where(PriceChange.investigation == investigation_id).count() == 1


def test_set_price_refuses_negative(database):
    investigation_id = make_investigation("GLU", price="80")
    with pytest.raises(ValidationError):
        catalog.set_price(investigation_id, "-5")
    assert catalog.get(investigation_id).price == Decimal("80.000")


def test_stale_update_is_refused(database):
    investigation_id = make_investigation("GLU", price="80")
    stale_save(
        catalog.get, catalog.update, investigation_id, {"name": "Glucosa A"}, {"name": "Glucosa B"}
    )


# --- panels ----------------------------------------------------------------------------------


def test_panel_keeps_its_members_in_order(database):
    col, hdl, ldl = (make_investigation(c) for c in ("COL", "HDL", "LDL"))
    panel = make_investigation("PERLIP", "Perfil lipídico", "420", members=[ldl, col, hdl])
    got = catalog.get(panel)
    assert got.is_panel and got.member_ids == [ldl, col, hdl]
    assert catalog.panel_members(panel) == [ldl, col, hdl]
    assert [m["code"] for m in catalog.members_detail(panel)] == ["LDL", "COL", "HDL"]


def test_panel_needs_members(database):
    errors = catalog.validate(
        catalog.InvestigationData(code="P", name="P", price="1", is_panel=True)
    )
    assert "members" in errors


def test_no_panel_inside_itself(database):
    col = make_investigation("COL")
    panel = make_investigation("PERLIP", members=[col])
    with pytest.raises(RuleError) as caught:
        catalog.set_members(panel, [col, panel])
    assert "sí mismo" in str(caught.value)
    data = catalog.get(panel)
    data.member_ids = [panel]
    assert "sí mismo" in catalog.validate(data)["members"]


def test_cycle_refused_two_levels(database):
    col = make_investigation("COL")
    inner = make_investigation("INNER", members=[col])
    outer = make_investigation("OUTER", members=[inner])
    with pytest.raises(RuleError) as caught:
        catalog.set_members(inner, [col, outer])
    assert "ciclo" in str(caught.value) and "INNER → OUTER → INNER" in str(caught.value)
    assert catalog.panel_members(inner) == [col]


def test_cycle_refused_at_any_depth(database):
    leaf = make_investigation("LEAF")
    a = make_investigation("A", members=[leaf])
    b = make_investigation("B", members=[a])
    c = make_investigation("C", members=[b])
    d = make_investigation("D", members=[c])
    data = catalog.get(a)
    data.member_ids = [leaf, d]
    assert "ciclo" in catalog.validate(data)["members"]
    with pytest.raises(ValidationError):
        catalog.update(data)
    assert catalog.panel_members(a) == [leaf]
    # nesting without a cycle is fine and expands to the single tests
    e = make_investigation("E", members=[d, leaf])
    assert catalog.leaf_members(e) == [leaf]


def test_members_must_be_active_and_distinct(database):
    col = make_investigation("COL")
    hdl = make_investigation("HDL")
    catalog.deactivate(hdl)
    assert (
        "desactivadas: HDL"
        in catalog.validate(
            catalog.InvestigationData(code="P", name="P", price="1", member_ids=[col, hdl])
        )["members"]
    )
    assert (
        "dos veces"
        in catalog.validate(
            catalog.InvestigationData(code="P", name="P", price="1", member_ids=[col, col])
        )["members"]
    )


def test_member_of_active_panel_cannot_be_deactivated(database):
    col = make_investigation("COL")
    panel = make_investigation("PERLIP", members=[col])
    with pytest.raises(RuleError) as caught:
        catalog.deactivate(col)
    assert "PERLIP" in str(caught.value)
    catalog.deactivate(panel)
    catalog.deactivate(col)  # fine once the panel is inactive
    with pytest.raises(RuleError):
        catalog.reactivate(panel)  # its member is inactive now
    catalog.reactivate(col)
    catalog.reactivate(panel)
    assert catalog.get(panel).active


def test_emptying_members_turns_panel_into_single_test(database):
    col = make_investigation("COL")
    panel = make_investigation("PERLIP", members=[col])
    catalog.set_members(panel, [])
    assert not catalog.get(panel).is_panel
    assert PanelMember.select().count() == 0


# --- pickers and paging ----------------------------------------------------------------------


def test_deactivated_investigation_hidden_from_pickers_but_kept(database):
    glu = make_investigation("GLU", "Glucosa")
    catalog.deactivate(glu)
    assert catalog.search("GLU") == [] and catalog.search("glucosa") == []
    assert glu not in [r["id"] for r in catalog.list_active()]
    assert catalog.get(glu).active is False and catalog.get(glu).code == "GLU"
    rows = catalog.page(catalog.CatalogFilter(include_inactive=True), PageRequest()).rows
    assert [r["id"] for r in rows] == [glu]
    assert catalog.page(catalog.CatalogFilter(), PageRequest()).rows == []


def test_search_by_code_prefix_or_folded_name(database):
    uric = make_investigation("URIC", "Ácido úrico")
    glu = make_investigation("GLU", "Glucosa en ayunas", "80")
    glu2 = make_investigation("GLU2H", "Glucosa postprandial")
    hba = make_investigation("HBA1C", "Hemoglobina glicosilada (HbA1c)")
    assert [r["id"] for r in catalog.search("acido")] == [uric]
    assert [r["id"] for r in catalog.search("glu")][:2] == [glu, glu2]  # exact code first
    assert [r["id"] for r in catalog.search("hba1c")] == [hba]
    assert [r["id"] for r in catalog.search("glucosa ayunas")] == [glu]
    row = catalog.search("GLU")[0]
    assert set(row) == {"id", "code", "name", "sample_type", "price", "is_panel"}
    assert row["price"] == Decimal("80.000")


def test_kind_filter_and_member_codes(database):
    col, hdl = make_investigation("COL"), make_investigation("HDL")
    panel = make_investigation("PERLIP", members=[col, hdl])
    panels = catalog.page(catalog.CatalogFilter(kind="panel"), PageRequest()).rows
    assert [r["id"] for r in panels] == [panel]
    assert panels[0]["members"] == "COL, HDL" and panels[0]["member_count"] == 2
    singles = catalog.page(catalog.CatalogFilter(kind="single"), PageRequest()).rows
    assert {r["id"] for r in singles} == {col, hdl}
    assert catalog.count(catalog.CatalogFilter(kind="single")) == 2


@pytest.mark.parametrize("sort", sorted(catalog.SORTS))
@pytest.mark.parametrize("descending", [False, True])
def test_keyset_pages_cover_every_row_once_in_order(database, sort, descending):
    samples = ["Suero", "Orina", "Sangre total (EDTA)", "Heces"]
    for number in range(23):
        make_investigation(
            f"T{number:02d}",
            f"Prueba {chr(65 + number % 7)} {number}",
            price=f"{(number % 5) * 10}.5{number % 3}",
            sample_type=samples[number % 4],
        )
    filters = catalog.CatalogFilter(include_inactive=True)
    seen = every_page(catalog.page, filters, sort, descending, limit=4)
    full = one_page(catalog.page, filters, sort, descending)
    assert len(seen) == 23 == len({r["id"] for r in seen})
    assert [r["id"] for r in seen] == [r["id"] for r in full]
    if sort == "price":
        prices = [r["price"] for r in seen]
        assert prices == sorted(prices, reverse=descending)
