"""The clinic's reminder settings (`reminders:` in data/clinic.yml), with the defaults the issue asks for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import Dict, Optional, Tuple

from bot.clinic import Clinic, parse_time_range

TOUCH_UP_FLOOR = timedelta(days=90)  # never invite for a touch-up sooner, whatever the configuration says


@dataclass(frozen=True)
class ReminderSettings:
    before_visit: Tuple[timedelta, ...] = (timedelta(hours=48), timedelta(hours=2))
    check_in_after: timedelta = timedelta(days=14)
    touch_up_after: timedelta = timedelta(weeks=14)
    quiet_hours: Tuple[time, time] = (time(8), time(21))  # the window messages may go out in (local time)
    max_attempts: int = 5
    retry_after: timedelta = timedelta(minutes=2)
    consent_text: str = ""
    marketing_consent_text: str = ""
    email_consent_text: str = ""
    whatsapp_templates: Dict[str, str] = field(default_factory=dict)  # kind -> approved template's Content SID

    @classmethod
    def of(cls, clinic: Clinic, language: Optional[str] = None) -> "ReminderSettings":
        """The clinic's settings; with language "es", the notices a patient agrees to as the clinic words them in
        Spanish (`spanish: reminders:` in data/clinic.yml), which is what their consent records."""
        raw = {**clinic.reminders, **((clinic.spanish.get("reminders") or {}) if language == "es" else {})}
        default = cls()
        hours = raw.get("before_visit_hours")
        return cls(
            before_visit=tuple(timedelta(hours=float(h)) for h in hours) if hours else default.before_visit,
            check_in_after=timedelta(days=float(raw.get("check_in_days", 14))),
            touch_up_after=max(timedelta(weeks=float(raw.get("touch_up_weeks", 14))), TOUCH_UP_FLOOR),
            quiet_hours=parse_time_range(raw["quiet_hours"]) if raw.get("quiet_hours") else default.quiet_hours,
            max_attempts=int(raw.get("max_attempts", default.max_attempts)),
            retry_after=timedelta(minutes=float(raw.get("retry_after_minutes", 2))),
            consent_text=str(raw.get("consent_text", "")),
            marketing_consent_text=str(raw.get("marketing_consent_text", "")),
            email_consent_text=str(raw.get("email_consent_text", "")),
            whatsapp_templates={str(k): str(v) for k, v in (raw.get("whatsapp_templates") or {}).items() if v},
        )

    def retry_delay(self, attempts: int) -> timedelta:
        """Backoff after the `attempts`-th failed try: retry_after, then twice, four times as long..."""
        return self.retry_after * (2 ** max(attempts - 1, 0))
