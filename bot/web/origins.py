"""The websites allowed to embed the chat widget: env `WIDGET_ALLOWED_ORIGINS`, comma- or space-separated."""

from __future__ import annotations

import os
from typing import Iterable, List, Optional, Union

ORIGINS_ENV = "WIDGET_ALLOWED_ORIGINS"
DEFAULT_ALLOWED_ORIGINS = ("http://localhost:8000", "http://127.0.0.1:8000")

Origins = Union[List[str], str]  # a list of origins, or "*" for any origin


def parse_origins(value: Union[None, str, Iterable[str]]) -> Origins:
    """`"https://a.example, https://b.example/"` or a list -> `["https://a.example", "https://b.example"]`.

    `"*"` anywhere means any origin and gives `"*"`; nothing gives `[]`.
    """
    if value is None:
        return []
    items = value.replace(",", " ").split() if isinstance(value, str) else [str(item).strip() for item in value]
    origins = [item.rstrip("/") for item in items if item]
    return "*" if "*" in origins else list(dict.fromkeys(origins))


def allowed_origins(configured: Union[None, str, Iterable[str]] = None, env: Optional[dict] = None) -> Origins:
    """The env variable wins over `configured` (e.g. credentials.yml), which wins over the local demo site."""
    env = os.environ if env is None else env
    for source in (env.get(ORIGINS_ENV), configured):
        origins = parse_origins(source)
        if origins:
            return origins
    return list(DEFAULT_ALLOWED_ORIGINS)


def is_allowed(origin: Optional[str], origins: Origins) -> bool:
    return bool(origin) and (origins == "*" or origin.rstrip("/") in origins)
