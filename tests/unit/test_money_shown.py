"""Issue 16 B: money is shown with 2 decimals everywhere a person reads it; the stored
precision (3 places) is unchanged and the shown rounding is stated once (util.money)."""

from decimal import Decimal

from patolab_desktop.util.money import amount_text, edit_text, format_lempiras, shown_amount


def test_lempiras_show_two_decimals_rounded_half_up():
    assert format_lempiras(Decimal("1160.000")) == "L 1,160.00"
    assert format_lempiras(Decimal("10.005")) == "L 10.01"
    assert format_lempiras(Decimal("-0.125")) == "-L 0.13"
    assert shown_amount("2.344") == Decimal("2.34")


def test_csv_text_two_decimals_and_edit_text_keeps_a_needed_third_place():
    assert amount_text(Decimal("175.500")) == "175.50"
    assert edit_text(Decimal("95.250")) == "95.25"
    assert edit_text(Decimal("95.255")) == "95.255"  # saving it back never changes the price


def test_request_export_csv_rounds_like_the_screen():
    from patolab_desktop.services.requests.export_rows import _money_text

    for raw in (0, 5, 1234, 10005, 175500, 999999999999):
        assert _money_text(raw) == amount_text(Decimal(raw) / 1000)
    assert _money_text(-125) == "-0.13"
