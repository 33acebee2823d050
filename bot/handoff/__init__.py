"""Handoff to the clinic's staff: when a person takes over a conversation, the queue, staff hours, summaries,
notifications, the link to Rasa's HTTP API and staff accounts. Plain Python, no Rasa imports (the action server's
adapters are in `actions/handoff.py`, the staff inbox is `bot/web/staff.py`)."""
