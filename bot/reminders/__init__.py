"""Messages after booking: reminders before a visit, a results check-in after it, a touch-up invitation.

Each appointment's messages are rows of `scheduled_messages` (bot/db/reminder_models.py), created, moved and
cancelled in the same transaction as the booking change (`schedule.py`, called by bot/booking.py). The times follow
`timing.py` (pure functions), the settings `reminders:` in data/clinic.yml (`settings.py`). The worker
(`worker.py`, `python -m bot reminders run`) claims due messages and sends them through Rasa's HTTP API; the
patient's replies (YES, R, how the result looks) are handled by `replies.py`. See docs/reminders.md.
"""
