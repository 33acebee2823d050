from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.booking import LookupBlocked, LookupLimiter, book_consultation, lookup_booking
from bot.db.models import LookupFailure


def test_wrong_code_and_wrong_contact_look_the_same(database, make_request, rivera, now) -> None:
    reference = book_consultation(database.sessions, make_request(rivera(10)), now=now).reference
    found = lookup_booking(database.sessions, reference, "512 555 0134", requester="conv-1", now=now)
    assert found.reference == reference and found.provider_name == "Dr. Elena Rivera"
    assert lookup_booking(database.sessions, "ABCDEFGH", "512 555 0134", requester="conv-1", now=now) is None
    assert lookup_booking(database.sessions, reference, "someone@else.example", requester="conv-1", now=now) is None


def test_five_failures_block_the_requester_for_fifteen_minutes(database, make_request, rivera, now) -> None:
    reference = book_consultation(database.sessions, make_request(rivera(10)), now=now).reference
    limiter = LookupLimiter(max_failures=5, window=timedelta(minutes=15))
    for minute in range(5):
        at = now + timedelta(minutes=minute)
        assert lookup_booking(database.sessions, "WRONG234", "5125550134", "conv-9", limiter, at) is None
    later = now + timedelta(minutes=5)
    with pytest.raises(LookupBlocked):  # even the right answer, once blocked
        lookup_booking(database.sessions, reference, "5125550134", "conv-9", limiter, later)
    assert lookup_booking(database.sessions, reference, "5125550134", "conv-other", limiter, later)
    after_window = now + timedelta(minutes=15, seconds=1)
    assert lookup_booking(database.sessions, reference, "5125550134", "conv-9", limiter, after_window)


def test_requesters_are_stored_hashed(database, now) -> None:
    lookup_booking(database.sessions, "WRONG234", "5125550134", "sender+15125550134", now=now)
    with database.session() as session:
        stored = session.execute(select(LookupFailure.requester)).scalar_one()
    # A keyed hash: neither the phone nor the sender's id is in it. (Its hex digits may well contain "555".)
    assert "5125550134" not in stored and "sender" not in stored
    assert len(stored) == 64 and all(ch in "0123456789abcdef" for ch in stored)
