"""The clinic core: everything the assistant knows and does for a clinic, with no Rasa in it.

The Rasa graph components in `bot.nlp.rasa_components` are the one exception: they adapt this core to Rasa's NLU.
"""
