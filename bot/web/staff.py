"""The staff inbox at /staff: log in, see the handoff queue, open a conversation, take it, reply, note, close.

Register it on the web app with `register_staff(app)` (in `bot.web.app.create_app`).

Routes (every one but the login page, the login POST and the static files needs a logged-in staff member; pages
redirect to the login page, the JSON API answers 401; every POST needs the session's CSRF token, in the form field
`csrf_token` or the header `X-CSRF-Token`):

  GET  /staff                               the queue (urgent first, then the longest waiting)
  GET  /staff/login, POST /staff/login      log in (5 failures per username and address in 15 minutes lock it)
  POST /staff/logout
  GET  /staff/requests/<id>                 one conversation: summary, contact, the whole transcript
  POST /staff/requests/<id>/take|reply|note|close
  GET  /staff/api/queue                     the queue as JSON (the page polls it)
  GET  /staff/api/requests/<id>?after=<n>   the request and its messages after message n (the page polls it)
  GET  /staff/day?date=YYYY-MM-DD&location=<id>   the front desk's day: confirmations, cancels, attended, no-shows
  POST /staff/day/<reference>/attended|no-show     mark a visit (recorded with the logged-in staff member's name)
  GET  /staff/static/<file>                 staff.js, staff.css

Environment: DATABASE_URL (the clinic database), RASA_URL and RASA_API_TOKEN (Rasa's HTTP API), STAFF_COOKIE_SECURE
("1" behind https: the session cookie gets `Secure`), EVENT_BROKER_URL and EVENT_BROKER_QUEUE (where Rasa's
conversation events come from, see bot/handoff/events.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Blueprint, Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.db.handoff_models import STAFF, SYSTEM, HandoffMessage, HandoffRequest
from bot.db.models import ATTENDED, NO_SHOW
from bot.db.session import Database
from bot.db.types import utcnow
from bot.front_desk import (
    FrontDeskError,
    NoSuchAppointment,
    NoSuchLocation,
    Place,
    day_sheet,
    day_summary,
    local_day,
    places,
    record_outcome,
)
from bot.handoff.events import event_source
from bot.handoff.hours import describe_opening, is_staffed, next_opening, staff_zone
from bot.handoff.inbox import Inbox
from bot.handoff.queue import HandoffError, HandoffQueue, NotFound
from bot.handoff.rasa_api import RasaAPI
from bot.handoff.staff_auth import RateLimited, StaffAuth, StaffUser, csrf_ok
from bot.handoff.summary import reason_label

log = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES = WEB_DIR / "templates"
STATIC = WEB_DIR / "static"
STATIC_FILES = {"staff.js": "application/javascript; charset=utf-8", "staff.css": "text/css; charset=utf-8"}
SESSION_COOKIE = "staff_session"
LOGIN_CSRF_COOKIE = "staff_login_csrf"
COOKIE_PATH = "/staff"
PUSH_CHANNELS = {"socketio", "twilio", "facebook", "telegram", "slack"}
CHANNEL_LABELS = {"socketio": "website chat", "twilio": "SMS/WhatsApp", "rest": "REST API", "facebook": "Messenger"}
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


@dataclass
class StaffContext:
    db: Database
    queue: HandoffQueue
    auth: StaffAuth
    rasa: RasaAPI
    inbox: Inbox
    templates: Environment
    secure_cookies: bool
    clock: Callable[[], datetime] = field(default=utcnow)  # the front desk's "now" (tests fix it)


def make_context(db: Optional[Database] = None, rasa: Optional[RasaAPI] = None,
                 env: Optional[Dict[str, str]] = None) -> StaffContext:
    env = os.environ if env is None else env
    db = db or Database()
    queue = HandoffQueue(db)
    rasa = rasa or RasaAPI(env=env)
    templates = Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(default=True, default_for_string=True)
    )
    templates.filters["local_time"] = local_time
    return StaffContext(
        db=db, queue=queue, auth=StaffAuth(db), rasa=rasa, inbox=Inbox(queue, rasa), templates=templates,
        secure_cookies=(env.get("STAFF_COOKIE_SECURE") or "").lower() in ("1", "true", "yes"),
    )


# --- presenting -----------------------------------------------------------------------------------------------


def local_time(moment: Optional[datetime]) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(staff_zone())
    return f"{local:%a %b} {local.day}, {local.hour % 12 or 12}:{local:%M} {'AM' if local.hour < 12 else 'PM'}"


def iso(moment: Optional[datetime]) -> Optional[str]:
    return moment.isoformat() if moment else None


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel)


def request_json(request: HandoffRequest, full: bool = False) -> Dict[str, Any]:
    summary = request.summary or {}
    data = {
        "id": request.id,
        "status": request.status,
        "urgent": request.urgent,
        "reason": request.reason,
        "reason_label": reason_label(request.reason),
        "channel": request.channel,
        "channel_label": channel_label(request.channel),
        "can_push": request.channel in PUSH_CHANNELS,
        "live": request.live,
        "topic": summary.get("topic"),
        "contact_name": request.contact_name,
        "staff": (request.staff.display_name or request.staff.username) if request.staff else None,
        "created_at": iso(request.created_at),
        "created_local": local_time(request.created_at),
        "reply_by_local": local_time(request.reply_by),
        "last_patient_message_at": iso(request.last_patient_message_at),
    }
    if full:
        data.update(
            contact_phone=request.contact_phone,
            contact_email=request.contact_email,
            question=request.question,
            summary=summary,
            taken_at=iso(request.taken_at),
            closed_at=iso(request.closed_at),
        )
    return data


def delivery_text(message: HandoffMessage) -> str:
    """How a message to the patient fared, for the transcript ('' when it went out, or for other messages)."""
    if message.kind not in (STAFF, SYSTEM):
        return ""
    if message.relayed_at is None:
        return "not sent yet (retrying)"
    return {"not_pushable": "not delivered: the channel cannot push", "failed": "sending failed"}.get(
        message.delivery or "", "")


def message_json(message: HandoffMessage) -> Dict[str, Any]:
    return {
        "id": message.id,
        "kind": message.kind,
        "text": message.text,
        "staff": (message.staff.display_name or message.staff.username) if message.staff else None,
        "at": iso(message.created_at),
        "at_local": local_time(message.created_at),
        "before_handoff": message.before_handoff,
        "delivery": message.delivery,
        "delivery_text": delivery_text(message),
    }


# --- the blueprint ------------------------------------------------------------------------------------------------


def client_ip(request: Request) -> str:
    return request.remote_addr or request.ip or ""


def wants_json(request: Request) -> bool:
    return "application/json" in (request.headers.get("accept") or "") or bool(request.headers.get("x-csrf-token"))


def html(ctx: StaffContext, template: str, status: int = 200, **values: Any) -> HTTPResponse:
    body = ctx.templates.get_template(template).render(**values)
    return response.html(body, status=status, headers=dict(SECURITY_HEADERS))


def json_reply(data: Any, status: int = 200) -> HTTPResponse:
    return response.json(data, status=status, headers=dict(SECURITY_HEADERS))


def set_cookie(ctx: StaffContext, reply: HTTPResponse, request: Request, name: str, value: str,
               max_age: int, samesite: str = "Lax") -> None:
    reply.cookies[name] = value
    cookie = reply.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = samesite
    cookie["path"] = COOKIE_PATH
    cookie["max-age"] = max_age
    if ctx.secure_cookies or request.scheme == "https":
        cookie["secure"] = True


def clear_cookie(reply: HTTPResponse, name: str) -> None:
    reply.cookies[name] = ""
    reply.cookies[name]["path"] = COOKIE_PATH
    reply.cookies[name]["max-age"] = 0
    reply.cookies[name]["httponly"] = True


Handler = Callable[..., Awaitable[HTTPResponse]]


def staff_blueprint(ctx: StaffContext, name: str = "staff_inbox") -> Blueprint:
    bp = Blueprint(name, url_prefix="/staff")

    async def db(function: Callable, *args: Any) -> Any:
        return await asyncio.to_thread(function, *args)

    async def current_user(request: Request) -> Optional[StaffUser]:
        return await db(ctx.auth.user_for, request.cookies.get(SESSION_COOKIE))

    def refuse(request: Request, api: bool) -> HTTPResponse:
        if api or wants_json(request):
            return json_reply({"error": "login required"}, 401)
        return response.redirect("/staff/login", status=303, headers={"Cache-Control": "no-store"})

    def login_required(api: bool = False) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            async def wrapped(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
                user = await current_user(request)
                if user is None:
                    return refuse(request, api)
                if request.method == "POST":
                    given = request.headers.get("x-csrf-token")
                    if not given and request.form:
                        given = request.form.get("csrf_token")
                    if not csrf_ok(user.csrf_token, given):
                        return json_reply({"error": "invalid CSRF token"}, 403) if wants_json(request) else \
                            response.text("Invalid CSRF token: reload the page and try again.", status=403,
                                          headers=dict(SECURITY_HEADERS))
                return await handler(request, user, *args, **kwargs)

            wrapped.__name__ = handler.__name__
            return wrapped

        return decorate

    # --- login / logout -----------------------------------------------------------------------------------

    def login_page(request: Request, error: str = "", status: int = 200, username: str = "") -> HTTPResponse:
        token = secrets.token_urlsafe(32)
        reply = html(ctx, "staff_login.html", status=status, csrf_token=token, error=error, username=username)
        set_cookie(ctx, reply, request, LOGIN_CSRF_COOKIE, token, max_age=3600, samesite="Strict")
        return reply

    @bp.get("/login")
    async def login_form(request: Request) -> HTTPResponse:
        if await current_user(request) is not None:
            return response.redirect("/staff", status=303)
        return login_page(request)

    @bp.post("/login")
    async def login(request: Request) -> HTTPResponse:
        form = request.form or {}
        username = (form.get("username") or "")[:200]
        password = (form.get("password") or "")[:1000]
        if not csrf_ok(request.cookies.get(LOGIN_CSRF_COOKIE), form.get("csrf_token")):
            return login_page(request, "Your login form expired. Please try again.", 403, username)
        try:
            account = await db(ctx.auth.authenticate, username, password, client_ip(request))
        except RateLimited:
            return login_page(request, "Too many failed attempts. Please wait 15 minutes and try again.", 429, username)
        if account is None:
            return login_page(request, "Wrong username or password.", 401, username)
        token, _ = await db(ctx.auth.start_session, account)
        reply = response.redirect("/staff", status=303, headers={"Cache-Control": "no-store"})
        set_cookie(ctx, reply, request, SESSION_COOKIE, token, max_age=12 * 3600)
        clear_cookie(reply, LOGIN_CSRF_COOKIE)
        return reply

    @bp.post("/logout")
    @login_required()
    async def logout(request: Request, user: StaffUser) -> HTTPResponse:
        await db(ctx.auth.end_session, request.cookies.get(SESSION_COOKIE))
        reply = response.redirect("/staff/login", status=303, headers={"Cache-Control": "no-store"})
        clear_cookie(reply, SESSION_COOKIE)
        return reply

    # --- pages ----------------------------------------------------------------------------------------------

    def page_values(user: StaffUser) -> Dict[str, Any]:
        now_open = is_staffed()
        return {
            "user": user,
            "csrf_token": user.csrf_token,
            "staffed": now_open,
            "next_opening": None if now_open else describe_opening(next_opening()),
        }

    @bp.get("/")
    @login_required()
    async def queue_page(request: Request, user: StaffUser) -> HTTPResponse:
        requests = await db(ctx.queue.queue, 10)
        rows = [request_json(r) for r in requests]
        return html(ctx, "staff_queue.html", requests=rows, **page_values(user))

    @bp.get("/requests/<request_id:int>")
    @login_required()
    async def request_page(request: Request, user: StaffUser, request_id: int) -> HTTPResponse:
        try:
            handoff = await db(ctx.queue.get, request_id)
        except NotFound:
            return html(ctx, "staff_missing.html", status=404, **page_values(user))
        if handoff.is_open:
            await ctx.inbox.sync(handoff)
            handoff = await db(ctx.queue.get, request_id)
        messages = [message_json(m) for m in await db(ctx.queue.messages, request_id)]
        return html(ctx, "staff_request.html", handoff=request_json(handoff, full=True), messages=messages,
                    mine=handoff.staff_id == user.id, **page_values(user))

    # --- actions --------------------------------------------------------------------------------------------

    def done(request: Request, request_id: int, data: Optional[Dict[str, Any]] = None) -> HTTPResponse:
        if wants_json(request):
            return json_reply({"ok": True, **(data or {})})
        return response.redirect(f"/staff/requests/{request_id}", status=303)

    def failed(request: Request, request_id: int, error: Exception) -> HTTPResponse:
        status = 404 if isinstance(error, NotFound) else 409
        text = "No such conversation." if isinstance(error, NotFound) else str(error)
        if wants_json(request):
            return json_reply({"error": text}, status)
        return response.text(text, status=status, headers=dict(SECURITY_HEADERS))

    def text_of(request: Request) -> str:
        if request.form:
            return (request.form.get("text") or "").strip()
        try:
            return str((request.json or {}).get("text") or "").strip()
        except Exception:
            return ""

    @bp.post("/requests/<request_id:int>/take")
    @login_required()
    async def take(request: Request, user: StaffUser, request_id: int) -> HTTPResponse:
        try:
            await ctx.inbox.take(request_id, user.id, user.name)
        except HandoffError as error:
            return failed(request, request_id, error)
        return done(request, request_id)

    @bp.post("/requests/<request_id:int>/reply")
    @login_required()
    async def reply(request: Request, user: StaffUser, request_id: int) -> HTTPResponse:
        text = text_of(request)
        if not text:
            return failed(request, request_id, HandoffError("Type a message first."))
        try:
            message = await ctx.inbox.reply(request_id, user.id, text)
        except HandoffError as error:
            return failed(request, request_id, error)
        return done(request, request_id, {"message_id": message.id})

    @bp.post("/requests/<request_id:int>/note")
    @login_required()
    async def note(request: Request, user: StaffUser, request_id: int) -> HTTPResponse:
        text = text_of(request)
        if not text:
            return failed(request, request_id, HandoffError("Type a note first."))
        try:
            message = await ctx.inbox.note(request_id, user.id, text)
        except HandoffError as error:
            return failed(request, request_id, error)
        return done(request, request_id, {"message_id": message.id})

    @bp.post("/requests/<request_id:int>/close")
    @login_required()
    async def close(request: Request, user: StaffUser, request_id: int) -> HTTPResponse:
        try:
            await ctx.inbox.close(request_id, user.id)
        except HandoffError as error:
            return failed(request, request_id, error)
        return done(request, request_id)

    # --- the front desk -------------------------------------------------------------------------------------

    async def front_desk_page(user: StaffUser, day_text: str, location_id: str, error: str = "",
                              status: int = 200) -> HTTPResponse:
        choices: List[Place] = await db(places, ctx.db.sessions)
        now = ctx.clock()
        zone = next((p.timezone for p in choices if p.id == location_id), staff_zone().key)
        try:
            day = date.fromisoformat(day_text) if day_text else local_day(now, zone)
        except ValueError:
            day, error, status = local_day(now, zone), f"{day_text!r} is not a date like 2026-03-02.", 400
        try:
            entries = await db(day_sheet, ctx.db.sessions, day, location_id or None, now)
        except NoSuchLocation as refusal:
            entries, error, status = [], str(refusal), 404
        return html(ctx, "staff_day.html", status=status, entries=entries, summary=day_summary(entries), day=day,
                    location=location_id, locations=choices, error=error, **page_values(user))

    @bp.get("/day")
    @login_required()
    async def day_page(request: Request, user: StaffUser) -> HTTPResponse:
        return await front_desk_page(user, request.args.get("date") or "", request.args.get("location") or "")

    @bp.post("/day/<reference:str>/<outcome:str>")
    @login_required()
    async def mark_visit(request: Request, user: StaffUser, reference: str, outcome: str) -> HTTPResponse:
        outcomes = {"attended": ATTENDED, "no-show": NO_SHOW}
        if outcome not in outcomes:
            return response.text("Not found.", status=404, headers=dict(SECURITY_HEADERS))
        form = request.form or {}
        day_text, location_id = form.get("date") or "", form.get("location") or ""
        try:
            marked = await db(record_outcome, ctx.db.sessions, reference, outcomes[outcome], user.username,
                              ctx.clock())
        except FrontDeskError as refusal:
            status = 404 if isinstance(refusal, NoSuchAppointment) else 409
            if wants_json(request):
                return json_reply({"error": str(refusal)}, status)
            return await front_desk_page(user, day_text, location_id, str(refusal), status)
        if wants_json(request):
            return json_reply({"ok": True, "reference": marked.reference, "outcome": marked.outcome})
        query = urlencode({key: value for key, value in (("date", day_text), ("location", location_id)) if value})
        return response.redirect(f"/staff/day{'?' + query if query else ''}", status=303)

    # --- JSON for the pages' polling ------------------------------------------------------------------------

    @bp.get("/api/queue")
    @login_required(api=True)
    async def api_queue(request: Request, user: StaffUser) -> HTTPResponse:
        requests = await db(ctx.queue.queue, 10)
        return json_reply({"requests": [request_json(r) for r in requests], "staffed": is_staffed()})

    @bp.get("/api/requests/<request_id:int>")
    @login_required(api=True)
    async def api_request(request: Request, user: StaffUser, request_id: int) -> HTTPResponse:
        try:
            after = max(0, int(request.args.get("after") or 0))
        except ValueError:
            after = 0
        try:
            handoff = await db(ctx.queue.get, request_id)
        except NotFound:
            return json_reply({"error": "No such conversation."}, 404)
        if handoff.is_open:  # new messages come with Rasa's events; only staff messages Rasa missed are retried
            await ctx.inbox.relay_pending(handoff)
        messages = await db(ctx.queue.messages, request_id)
        return json_reply(
            {
                "request": {**request_json(handoff, full=True), "mine": handoff.staff_id == user.id},
                "messages": [message_json(m) for m in messages if m.id > after],
                # delivery of earlier messages changes after they are shown
                "deliveries": {m.id: delivery_text(m) for m in messages if m.kind in (STAFF, SYSTEM)},
            }
        )

    # --- static files ---------------------------------------------------------------------------------------

    @bp.get("/static/<name:str>")
    async def static(request: Request, name: str) -> HTTPResponse:
        if name not in STATIC_FILES:
            return response.text("Not found.", status=404)
        return await response.file(
            STATIC / name, mime_type=STATIC_FILES[name],
            headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
        )

    return bp


# --- registration and the event consumer ------------------------------------------------------------------------


async def consume_events(ctx: StaffContext) -> None:
    """Follows Rasa's conversation events into the queue (bot/handoff/events.py); Rasa's trackers are read once at
    start, never in a loop."""
    try:
        await event_source(ctx.inbox).run()
    except Exception as error:  # e.g. var/ is not writable: the inbox still works, without new messages
        log.error("the handoff event consumer stopped (%s)", type(error).__name__)


def register_staff(app: Sanic, ctx: Optional[StaffContext] = None, event_consumer: bool = True) -> StaffContext:
    """Adds the staff inbox to `app` (and, unless turned off, the consumer of Rasa's conversation events)."""
    existing = getattr(app.ctx, "staff", None)
    if existing is not None:  # registered already (create_app does it)
        return existing
    if ctx is None:
        rasa_url = getattr(getattr(app.ctx, "settings", None), "rasa_url", None)  # the web app's RASA_URL
        ctx = make_context(rasa=RasaAPI(base_url=rasa_url) if rasa_url else None)
    app.blueprint(staff_blueprint(ctx))
    app.ctx.staff = ctx

    if event_consumer:
        @app.after_server_start
        async def start_consumer(app_: Sanic, _loop: Any) -> None:
            app_.ctx.staff_events = asyncio.get_running_loop().create_task(consume_events(ctx))

        @app.before_server_stop
        async def stop_consumer(app_: Sanic, _loop: Any) -> None:
            task = getattr(app_.ctx, "staff_events", None)
            if task is not None:
                task.cancel()
            await ctx.rasa.close()

    return ctx


__all__ = ["StaffContext", "make_context", "register_staff", "staff_blueprint"]
