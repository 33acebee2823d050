"""Clinic facts rendered as short texts, which fill the `{placeholders}` in the assistant's responses.

The Rasa server fills them into every response (bot/nlp/nlg.py), so editing `data/clinic.yml` and restarting
changes the answers without retraining, and they never depend on the action server.
"""

from __future__ import annotations

from datetime import time
from typing import Dict, Iterable, List

from bot.clinic import WEEKDAY_NAMES, Clinic, WeeklyHours


def format_time(value: time) -> str:
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{'am' if value.hour < 12 else 'pm'}"


SPANISH_WEEKDAYS = ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")


def format_time_24h(value: time) -> str:
    return f"{value.hour}:{value.minute:02d}"


def format_weekly_hours(hours: WeeklyHours, spanish: bool = False) -> str:
    """'Mon-Wed 9am-6pm, Thu 9am-7pm, Sat 10am-3pm, closed Sun' style, grouping equal neighbouring days; in Spanish
    'lun-mié 9:00-18:00, ..., cerrado dom'."""
    day_names = SPANISH_WEEKDAYS if spanish else [name[:3] for name in WEEKDAY_NAMES]
    clock = format_time_24h if spanish else format_time
    groups: List[List[int]] = []
    for day in range(7):
        if day in hours and groups and groups[-1][-1] == day - 1 and hours[groups[-1][-1]] == hours[day]:
            groups[-1].append(day)
        elif day in hours:
            groups.append([day])
    parts = []
    for group in groups:
        first, last = day_names[group[0]], day_names[group[-1]]
        days = first if len(group) == 1 else f"{first}-{last}"
        start, end = hours[group[0]]
        parts.append(f"{days} {clock(start)}-{clock(end)}")
    closed = [day_names[d] for d in range(7) if d not in hours]
    if closed:
        parts.append("cerrado " + listed(closed, "y") if spanish else "closed " + ", ".join(closed))
    return ", ".join(parts)


def listed(items: Iterable[str], last_word: str) -> str:
    """'Austin, Denver or San Diego' (last_word "or"), 'lunes y martes' ("y")."""
    names = list(items)
    return f" {last_word} ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def money(amount: float, clinic: Clinic) -> str:
    return f"${amount:,.0f}" if clinic.prices.get("currency", "USD") == "USD" else f"{amount:,.0f}"


def answer_facts(clinic: Clinic) -> Dict[str, str]:
    """Every clinic fact a response may quote, keyed by its placeholder name."""
    prices = clinic.prices
    return {
        "clinic_name": clinic.name,
        "clinic_phone": clinic.phone,
        "clinic_email": clinic.email,
        "clinic_website": clinic.website,
        "clinic_location_names": listed((loc.name for loc in clinic.locations), "or"),
        "clinic_locations": "; ".join(f"{loc.name}: {loc.address} ({loc.phone})" for loc in clinic.locations),
        "clinic_hours": "; ".join(
            f"{loc.name}: {format_weekly_hours(loc.opening_hours)}" for loc in clinic.locations
        ),
        "clinic_parking": " ".join(f"{loc.name}: {loc.parking}" for loc in clinic.locations),
        "clinic_providers": "; ".join(f"{p.name}, {p.credentials}" for p in clinic.providers),
        "price_per_unit": money(prices["per_unit"], clinic),
        "area_prices": "; ".join(f"{area} {money(cost, clinic)}" for area, cost in prices["areas"].items()),
        "consultation_fee": money(prices["consultation_fee"], clinic),
        "consultation_fee_note": prices.get("consultation_fee_note", ""),
        "payment_methods": prices["payment"],
        "aftercare_upright": clinic.aftercare["stay_upright"],
        "aftercare_exercise": clinic.aftercare["avoid_exercise"],
        "aftercare_massage": clinic.aftercare["avoid_massage_and_facials"],
        "aftercare_alcohol": clinic.aftercare["avoid_alcohol"],
        "cancellation_policy": clinic.booking["cancellation_policy"]["text"],
        "what_to_bring": clinic.booking["what_to_bring"],
        **{f"visit_{topic}": text for topic, text in clinic.visit.items()},
        **spanish_facts(clinic),
    }


def spanish_facts(clinic: Clinic) -> Dict[str, str]:
    """The facts that are words, in the clinic's own Spanish (`spanish:` in data/clinic.yml), as `<fact>_es`; the
    Spanish answers quote them. Names, numbers, prices and addresses are the same in both languages."""
    es = clinic.spanish
    if not es:
        return {}
    prices = clinic.prices
    return {
        "clinic_hours_es": "; ".join(
            f"{loc.name}: {format_weekly_hours(loc.opening_hours, spanish=True)}" for loc in clinic.locations
        ),
        "clinic_parking_es": " ".join(f"{loc.name}: {es['locations'][loc.id]['parking']}" for loc in clinic.locations),
        "clinic_providers_es": "; ".join(
            f"{p.name}, {es['providers'][p.id]['credentials']}" for p in clinic.providers
        ),
        "area_prices_es": "; ".join(
            f"{es['prices']['areas'][area]} {money(cost, clinic)}" for area, cost in prices["areas"].items()
        ),
        "consultation_fee_note_es": es["prices"]["consultation_fee_note"],
        "payment_methods_es": es["prices"]["payment"],
        "aftercare_upright_es": es["aftercare"]["stay_upright"],
        "aftercare_exercise_es": es["aftercare"]["avoid_exercise"],
        "aftercare_massage_es": es["aftercare"]["avoid_massage_and_facials"],
        "aftercare_alcohol_es": es["aftercare"]["avoid_alcohol"],
        "cancellation_policy_es": es["booking"]["cancellation_policy"],
        "what_to_bring_es": es["booking"]["what_to_bring"],
        **{f"visit_{topic}_es": es["visit"][topic] for topic in clinic.visit},
    }
