"""Custom actions for the Rasa action server: thin adapters between the tracker and the clinic core in `bot/`."""
