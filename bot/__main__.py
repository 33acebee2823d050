"""Command line for the clinic: `python -m bot <command>`. See `python -m bot --help`."""

import argparse
import sys


def build_spacy(_: argparse.Namespace) -> int:
    from bot.nlp.spacy_pipeline import save_pipeline

    print(f"spaCy pipeline saved to {save_pipeline()}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Confidence Med Spa assistant tools")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build-spacy", help="build the project's spaCy pipeline").set_defaults(func=build_spacy)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
