"""`python -m bot.web [--host H] [--port P]`: serve the demo website with the chat widget."""

import argparse
import sys

from bot.web.app import Settings, create_app


def main(argv=None) -> int:
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m bot.web", description=__doc__)
    parser.add_argument("--host", default=settings.host, help=f"interface (env WEB_HOST, default {settings.host})")
    parser.add_argument("--port", type=int, default=settings.port, help=f"port (env WEB_PORT, default {settings.port})")
    args = parser.parse_args(argv)
    app = create_app(settings)
    app.run(host=args.host, port=args.port, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
