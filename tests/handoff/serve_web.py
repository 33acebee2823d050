"""The web app with the staff inbox, as the handoff tests run it: `python tests/handoff/serve_web.py PORT`.

`create_app` registers the inbox itself once the lead has merged `register_staff(app)` into it; until then (and
harmlessly after) this adds it.
"""

import sys

from bot.web.app import create_app
from bot.web.staff import register_staff

if __name__ == "__main__":
    app = create_app()
    register_staff(app)
    app.run(host="127.0.0.1", port=int(sys.argv[1]), access_log=False, motd=False)
