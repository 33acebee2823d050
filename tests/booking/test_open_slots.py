from bot.booking import book_consultation, open_slots
from bot.db.models import ScheduleException
from bot.scheduling.availability import BookingRules, Interval, find_open_slots, provider_weeks


def _monday(database, clinic, now, at, **kwargs):
    with database.session() as session:
        return open_slots(session, clinic, Interval(at(0), at(23, 59)), now, **kwargs)


def test_open_slots_match_the_engine_on_the_clinic_config(database, clinic, now, at) -> None:
    window = Interval(at(0), at(0, day=9))
    with database.session() as session:
        from_db = open_slots(session, clinic, window, now)
    rules = BookingRules.for_appointment(clinic, "consultation")
    assert from_db == find_open_slots(provider_weeks(clinic), [], [], rules, now, window)
    assert from_db and {s.provider_id for s in from_db} == {p.id for p in clinic.providers}


def test_a_booking_hides_the_slots_its_hold_touches(database, clinic, make_request, rivera, now, at) -> None:
    rivera_only = dict(provider_ids=["dr-rivera"], location_ids=["austin"])
    before = {s.start for s in _monday(database, clinic, now, at, **rivera_only)}
    assert rivera(10).start in before
    book_consultation(database.sessions, make_request(rivera(10)), now=now)
    after = {s.start for s in _monday(database, clinic, now, at, **rivera_only)}
    assert before - after == {at(9, 30), at(9, 45), at(10), at(10, 15), at(10, 30)}


def test_a_closed_exception_removes_slots(database, clinic, now, at) -> None:
    with database.session() as session:
        session.add(ScheduleException(provider_id="dr-rivera", start_utc=at(12), end_utc=at(17), kind="closed"))
        session.commit()
    slots = _monday(database, clinic, now, at, provider_ids=["dr-rivera"], limit=100)
    assert slots and max(s.start for s in slots) < at(12)
    assert len(_monday(database, clinic, now, at, provider_ids=["dr-rivera"], limit=3)) == 3
