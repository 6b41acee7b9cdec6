from decimal import Decimal

import pytest

from bcf.core.money import ParseError, format_money, parse_money, parse_percent


@pytest.mark.parametrize(
    "raw",
    ["£21,838,000.00", "21838000", "£21.838m", "21838000.00", " £ 21,838,000 ", "£21838k", "21.838M"],
)
def test_money_forms_people_type_store_the_same_pence(raw):
    assert parse_money(raw) == Decimal("21838000.00")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("£1,228M", "ambiguous"),
        ("1.209111", "more than two decimal places"),
        ("1,22,000", "commas in the wrong places"),
        ("twelve pounds", "not an amount"),
        ("-£5", "negative"),
        ("£1.234567891m", "more precision than a penny"),
    ],
)
def test_ambiguous_or_wrong_money_is_refused_with_a_reason(raw, message):
    with pytest.raises(ParseError, match=message):
        parse_money(raw)


def test_blank_money_is_none():
    assert parse_money("") is None
    assert parse_money(None) is None


def test_small_millions_convert_exactly():
    assert parse_money("£1.2m") == Decimal("1200000.00")
    assert parse_money("£2.226m") == Decimal("2226000.00")
    assert parse_money("£591k") == Decimal("591000.00")


def test_percentages():
    assert parse_percent("3.5%") == Decimal("3.5")
    assert parse_percent(" 12 ") == Decimal("12")
    with pytest.raises(ParseError):
        parse_percent("101%")
    with pytest.raises(ParseError):
        parse_percent("about half")


def test_money_is_shown_with_pounds_and_commas():
    assert format_money(Decimal("16117000")) == "£16,117,000.00"
    assert format_money(Decimal("153470"), pence=False) == "£153,470"
    assert format_money(None) == ""
