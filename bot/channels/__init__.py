"""Rasa input channels for the clinic's website (configured in credentials.yml)."""
