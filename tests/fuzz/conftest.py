"""The fuzz tests reuse the channel tests' harness: `serve`, `fake_api`, `fake_assistant`, `options` and `consent`
from tests/channels/conftest.py (whose `channel_fakes` is imported by bare name, so its folder goes on sys.path, as
tests/handoff/conftest.py does for its fakes). The trained `assistant` comes from tests/conftest.py."""

from __future__ import annotations

import sys
from pathlib import Path

CHANNEL_TESTS = Path(__file__).resolve().parents[1] / "channels"
if str(CHANNEL_TESTS) not in sys.path:
    sys.path.insert(0, str(CHANNEL_TESTS))

from tests.channels.conftest import consent, fake_api, fake_assistant, options, serve  # noqa: E402

__all__ = ["consent", "fake_api", "fake_assistant", "options", "serve"]
