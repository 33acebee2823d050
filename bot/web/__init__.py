"""The clinic's website side: a demo page with the chat widget, the widget's files and calendar downloads.

`python -m bot.web` serves it (port 8000, env WEB_PORT); `bot.web.app.create_app()` builds the Sanic app.
"""
