import pytest

from bot.references import find_reference, is_only_a_reference


def test_booking_references():
    assert find_reference("it's 7k2q-9xbm") == "7K2Q9XBM"
    assert find_reference("7K2Q 9XBM") == "7K2Q9XBM"
    assert find_reference("cancel booking 7K2Q9XBM please", strict=True) == "7K2Q9XBM"
    assert find_reference("i want to cancel", strict=True) is None
    assert find_reference("appointment", strict=True) is None
    assert find_reference("123") is None


@pytest.mark.parametrize("text", ["TBQS2SKC", "7k2q-9xbm", "7K2Q 9XBM", "ref: 7K2Q9XBM", "it's 7k2q9xbm.",
                                  "my reference is XGGGXQHK", "#AQRQ8FVJ"])
def test_a_message_that_is_only_a_reference(text):
    assert is_only_a_reference(text)


@pytest.mark.parametrize("text", ["cancel booking 7K2Q9XBM please", "bye", "no thanks", "appointment",
                                  "goodbye!", "7K2Q9XBM and can I bring my sister?", ""])
def test_a_message_with_more_than_a_reference(text):
    assert not is_only_a_reference(text)
