"""The demo page: a small clinic website built from `data/clinic.yml`, with the chat widget's one script tag."""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from bot.clinic import WEEKDAY_NAMES, Clinic, Location, clinic

if TYPE_CHECKING:  # pragma: no cover
    from bot.web.app import Settings


def tel_href(phone: str) -> str:
    """`+1 512-555-0100` -> `tel:+15125550100`."""
    return "tel:" + re.sub(r"[^0-9+]", "", phone)


def hours_lines(location: Location) -> list:
    lines = []
    for day, name in enumerate(WEEKDAY_NAMES):
        hours = location.opening_hours.get(day)
        text = f"{hours[0]:%H:%M}–{hours[1]:%H:%M}" if hours else "Closed"
        lines.append(f'<tr><th scope="row">{name}</th><td>{text}</td></tr>')
    return lines


def location_card(location: Location) -> str:
    return f"""
      <article class="location">
        <h3>{escape(location.name)}</h3>
        <p>{escape(location.address)}</p>
        <p><a href="{escape(tel_href(location.phone))}">{escape(location.phone)}</a></p>
        <p class="parking">{escape(location.parking)}</p>
        <table class="hours"><caption>Opening hours (local time)</caption>{"".join(hours_lines(location))}</table>
      </article>"""


def widget_tag(info: Clinic, settings: "Settings") -> str:
    """The one tag a clinic page needs for the chat widget."""
    attributes = {
        "src": "/widget/widget.js",
        "data-server-url": settings.widget_server_url or settings.rasa_url,
        "data-clinic-name": info.name,
        "data-clinic-phone": info.phone,
        "data-primary-color": settings.primary_color,
        "data-greeting": settings.greeting,
    }
    rendered = " ".join(f'{name}="{escape(value)}"' for name, value in attributes.items())
    return f"<script {rendered} defer></script>"


def render_demo_page(settings: "Settings", info: Clinic | None = None) -> str:
    info = info or clinic()
    name, phone = escape(info.name), escape(info.phone)
    locations = "".join(location_card(location) for location in info.locations)
    return f"""<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{name} — Botox for facial balance</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/assets/site.css">
</head>
<body>
  <a class="skip-link" href="#main">Skip to content</a>
  <header class="site-header">
    <p class="brand">{name}</p>
    <nav aria-label="Main">
      <a href="#treatments">Treatments</a>
      <a href="#locations">Locations</a>
      <a href="#contact">Contact</a>
    </nav>
    <a class="call" href="{escape(tel_href(info.phone))}">Call {phone}</a>
  </header>
  <main id="main">
    <section class="hero">
      <h1>Botox for facial balance</h1>
      <p>Soften a gummy smile, even out uneven brows or a lopsided smile — with a plan made for your face by a
        licensed provider.</p>
      <p><a class="button" href="{escape(tel_href(info.phone))}">Book a consultation</a>
        <button type="button" class="button secondary" data-clinic-chat-open>Ask our assistant</button></p>
    </section>
    <section id="treatments">
      <h2>What we treat</h2>
      <ul class="treatments">
        <li>Gummy smile</li><li>Uneven brows</li><li>Lopsided smile and mouth corners</li>
        <li>Chin dimpling</li><li>Jawline and neck bands</li>
      </ul>
    </section>
    <section id="locations">
      <h2>Our locations</h2>
      <div class="locations">{locations}
      </div>
    </section>
    <section id="contact">
      <h2>Contact</h2>
      <p>Call <a href="{escape(tel_href(info.phone))}">{phone}</a> or email
        <a href="mailto:{escape(info.email)}">{escape(info.email)}</a>.</p>
    </section>
  </main>
  <footer class="site-footer">
    <p>{name} is a fictional clinic for this demo. The chat assistant gives general information, not medical
      advice. In an emergency, call 911.</p>
  </footer>
  {widget_tag(info, settings)}
</body>
</html>
"""
