"""The handoff queue in the clinic database: requests, their messages, taking, replying, notes, closing.

Ordering: urgent first (higher `priority`), then the longest waiting. A conversation has at most one open request
(a partial unique index); asking again while one is open returns the open one. Writes on SQLite run in
`BEGIN IMMEDIATE` transactions (`Database.write_session`). Logs carry ids only, never what a patient wrote.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from bot.db.handoff_models import (
    BOT,
    CLOSED,
    NORMAL_PRIORITY,
    NOTE,
    OPEN_STATUSES,
    PATIENT,
    STAFF,
    SYSTEM,
    URGENT_PRIORITY,
    WAITING,
    WITH_STAFF,
    HandoffMessage,
    HandoffRequest,
)
from bot.db.session import Database
from bot.db.types import utcnow

log = logging.getLogger(__name__)

RESUMED_TEXT = (
    "Thanks for chatting with our team — the assistant is back. Ask me anything about Botox, your visit or our "
    "clinic, or say \"talk to a person\" to reach the team again."
)
MAX_TEXT_CHARS = 4000


class HandoffError(Exception):
    """An operation the request's state does not allow (e.g. replying to a closed request)."""


class NotFound(HandoffError):
    pass


class Conflict(HandoffError):
    pass


@dataclass
class NewRequest:
    conversation_id: str
    channel: str
    reason: str
    urgent: bool
    live: bool
    summary: Dict[str, Any]
    since_ts: float = 0.0
    contact_name: Optional[str] = None
    contact_phone: Optional[str] = None
    contact_email: Optional[str] = None
    question: Optional[str] = None
    reply_by: Optional[datetime] = None
    # The conversation so far: (kind "patient"/"bot", text, external id or None, Rasa timestamp or None).
    transcript: Sequence[Tuple[str, str, Optional[str], Optional[float]]] = ()

    @classmethod
    def waitlist(cls, conversation_id: str, channel: str, concern: Optional[str], wanted: str,
                 said: Optional[str], name: Optional[str], phone: Optional[str],
                 email: Optional[str]) -> "NewRequest":
        """A patient who found no open time in the booking horizon, for the team to call back: nothing is booked."""
        question = f"Waitlist: {concern or 'consultation'}, wants {wanted} (patient said: {said!r})."
        return cls(
            conversation_id=conversation_id, channel=channel, reason="waitlist", urgent=False, live=False,
            summary={"reason": "waitlist", "reason_label": "Waitlist for a consultation", "question": question},
            contact_name=name, contact_phone=phone, contact_email=email, question=question,
        )


@dataclass
class PatientMessage:
    external_id: str
    text: str
    timestamp: Optional[float] = None
    kind: str = PATIENT
    intent: Optional[str] = None


def _clip(text: str) -> str:
    text = (text or "").strip()
    return text[:MAX_TEXT_CHARS]


def _from_ts(timestamp: Optional[float]) -> datetime:
    if timestamp is None:
        return utcnow()
    from datetime import timezone

    return datetime.fromtimestamp(float(timestamp), tz=timezone.utc)


class HandoffQueue:
    def __init__(self, db: Optional[Database] = None) -> None:
        self.db = db or Database()

    # --- the assistant's side -------------------------------------------------------------------------------------

    def open_request(self, new: NewRequest) -> Tuple[HandoffRequest, bool]:
        """The conversation's open request, creating it if there is none: (request, created)."""
        for _ in range(2):  # a concurrent insert of the same conversation loses on the unique index: read it then
            try:
                with self.db.write_session() as session:
                    existing = session.execute(
                        select(HandoffRequest).where(
                            HandoffRequest.conversation_id == new.conversation_id,
                            HandoffRequest.status.in_(OPEN_STATUSES),
                        )
                    ).scalar_one_or_none()
                    if existing is not None:
                        self._merge(existing, new)
                        return existing, False
                    request = HandoffRequest(
                        conversation_id=new.conversation_id,
                        channel=new.channel or "unknown",
                        reason=new.reason,
                        urgent=new.urgent,
                        priority=URGENT_PRIORITY if new.urgent else NORMAL_PRIORITY,
                        status=WAITING,
                        live=new.live,
                        contact_name=new.contact_name,
                        contact_phone=new.contact_phone,
                        contact_email=new.contact_email,
                        question=_clip(new.question) if new.question else None,
                        summary=new.summary,
                        since_ts=new.since_ts,
                        reply_by=new.reply_by,
                    )
                    session.add(request)
                    session.flush()
                    seen = set()
                    for kind, text, external_id, timestamp in new.transcript:
                        if external_id and external_id in seen:
                            continue
                        seen.add(external_id)
                        session.add(
                            HandoffMessage(
                                request_id=request.id, kind=kind, text=_clip(text), external_id=external_id,
                                before_handoff=True, created_at=_from_ts(timestamp),
                            )
                        )
                    log.info("handoff request %s created (reason=%s urgent=%s live=%s)", request.id, new.reason,
                             new.urgent, new.live)
                    return request, True
            except IntegrityError:
                continue
        raise HandoffError("could not create the handoff request")

    @staticmethod
    def _merge(request: HandoffRequest, new: NewRequest) -> None:
        if new.urgent and not request.urgent:
            request.urgent = True
            request.priority = URGENT_PRIORITY
            request.reason = new.reason
        request.contact_name = request.contact_name or new.contact_name
        request.contact_phone = request.contact_phone or new.contact_phone
        request.contact_email = request.contact_email or new.contact_email
        if new.question and not request.question:
            request.question = _clip(new.question)
        if new.live and not request.live:
            request.live = True

    def waiting_ahead(self, request_id: int) -> int:
        """How many waiting requests the staff will see before this one."""
        with self.db.session() as session:
            request = session.get(HandoffRequest, request_id)
            if request is None:
                raise NotFound(request_id)
            return session.execute(
                select(func.count(HandoffRequest.id)).where(
                    HandoffRequest.status == WAITING,
                    HandoffRequest.id != request.id,
                    or_(
                        HandoffRequest.priority > request.priority,
                        and_(
                            HandoffRequest.priority == request.priority,
                            HandoffRequest.created_at < request.created_at,
                        ),
                        and_(
                            HandoffRequest.priority == request.priority,
                            HandoffRequest.created_at == request.created_at,
                            HandoffRequest.id < request.id,
                        ),
                    ),
                )
            ).scalar_one()

    def open_for_conversation(self, conversation_id: str) -> Optional[HandoffRequest]:
        with self.db.session() as session:
            return session.execute(
                select(HandoffRequest).where(
                    HandoffRequest.conversation_id == conversation_id, HandoffRequest.status.in_(OPEN_STATUSES)
                )
            ).scalar_one_or_none()

    def claim_outgoing(self, conversation_id: str) -> Tuple[Optional[HandoffRequest], List[HandoffMessage]]:
        """Staff and system messages of the conversation not yet handed to Rasa, marked as handed over now.

        Returns the conversation's latest request (open, or the one just closed) and the messages, oldest first.
        """
        with self.db.write_session() as session:
            request = session.execute(
                select(HandoffRequest)
                .where(HandoffRequest.conversation_id == conversation_id)
                .order_by(HandoffRequest.id.desc())
                .limit(1)
            ).scalar_one_or_none()
            if request is None:
                return None, []
            messages = list(
                session.execute(
                    select(HandoffMessage)
                    .where(
                        HandoffMessage.request_id == request.id,
                        HandoffMessage.kind.in_((STAFF, SYSTEM)),
                        HandoffMessage.relayed_at.is_(None),
                    )
                    .order_by(HandoffMessage.id)
                ).scalars()
            )
            now = utcnow()
            for message in messages:
                message.relayed_at = now
            return request, messages

    # --- the inbox's side -----------------------------------------------------------------------------------------

    def queue(self, include_closed: int = 0) -> List[HandoffRequest]:
        """Open requests, urgent first then the longest waiting (waiting before with_staff), and the most recently
        closed ones (`include_closed` of them)."""
        with self.db.session() as session:
            open_requests = list(
                session.execute(
                    select(HandoffRequest)
                    .options(joinedload(HandoffRequest.staff))
                    .where(HandoffRequest.status.in_(OPEN_STATUSES))
                    .order_by(
                        (HandoffRequest.status == WITH_STAFF).asc(),
                        HandoffRequest.priority.desc(),
                        HandoffRequest.created_at.asc(),
                        HandoffRequest.id.asc(),
                    )
                ).scalars()
            )
            closed: List[HandoffRequest] = []
            if include_closed:
                closed = list(
                    session.execute(
                        select(HandoffRequest)
                        .options(joinedload(HandoffRequest.staff))
                        .where(HandoffRequest.status == CLOSED)
                        .order_by(HandoffRequest.closed_at.desc())
                        .limit(include_closed)
                    ).scalars()
                )
            return open_requests + closed

    def get(self, request_id: int) -> HandoffRequest:
        with self.db.session() as session:
            request = session.execute(
                select(HandoffRequest).options(joinedload(HandoffRequest.staff)).where(HandoffRequest.id == request_id)
            ).scalar_one_or_none()
            if request is None:
                raise NotFound(request_id)
            return request

    def messages(self, request_id: int, after_id: int = 0) -> List[HandoffMessage]:
        with self.db.session() as session:
            return list(
                session.execute(
                    select(HandoffMessage)
                    .options(joinedload(HandoffMessage.staff))
                    .where(HandoffMessage.request_id == request_id, HandoffMessage.id > after_id)
                    .order_by(HandoffMessage.id)
                ).scalars()
            )

    def open_requests(self) -> List[HandoffRequest]:
        with self.db.session() as session:
            return list(
                session.execute(select(HandoffRequest).where(HandoffRequest.status.in_(OPEN_STATUSES))).scalars()
            )

    def take(self, request_id: int, staff_id: int) -> HandoffRequest:
        with self.db.write_session() as session:
            request = self._open(session, request_id)
            if request.status == WITH_STAFF and request.staff_id not in (None, staff_id):
                raise Conflict("another staff member has taken this conversation")
            if request.status == WAITING:
                request.status = WITH_STAFF
                request.staff_id = staff_id
                request.taken_at = utcnow()
                log.info("handoff request %s taken by staff %s", request.id, staff_id)
            return request

    def add_staff_message(self, request_id: int, staff_id: int, text: str, kind: str = STAFF) -> HandoffMessage:
        """A reply to the patient (kind staff, taking the request if it was waiting) or a private note."""
        text = _clip(text)
        if not text:
            raise HandoffError("empty message")
        if kind not in (STAFF, NOTE):
            raise ValueError(kind)
        with self.db.write_session() as session:
            request = session.get(HandoffRequest, request_id)
            if request is None:
                raise NotFound(request_id)
            if kind == STAFF:
                if request.status == CLOSED:
                    raise Conflict("this conversation is closed")
                if request.status == WITH_STAFF and request.staff_id not in (None, staff_id):
                    raise Conflict("another staff member has taken this conversation")
                if request.status == WAITING:
                    request.status = WITH_STAFF
                    request.staff_id = staff_id
                    request.taken_at = utcnow()
            message = HandoffMessage(request_id=request.id, kind=kind, text=text, staff_id=staff_id)
            session.add(message)
            session.flush()
            return message

    def close(self, request_id: int, staff_id: int, resumed_text: str = RESUMED_TEXT) -> HandoffRequest:
        """Closes the request and queues the "assistant is back" message for the patient."""
        with self.db.write_session() as session:
            request = self._open(session, request_id)
            request.status = CLOSED
            request.closed_at = utcnow()
            if request.staff_id is None:
                request.staff_id = staff_id
            session.add(HandoffMessage(request_id=request.id, kind=SYSTEM, text=resumed_text, staff_id=staff_id))
            log.info("handoff request %s closed by staff %s", request.id, staff_id)
            return request

    def add_system_message(self, request_id: int, text: str) -> HandoffMessage:
        """A message from the clinic to the patient that no staff member typed (e.g. "Maria has joined")."""
        with self.db.write_session() as session:
            message = HandoffMessage(request_id=request_id, kind=SYSTEM, text=_clip(text))
            session.add(message)
            session.flush()
            return message

    def add_system_note(self, request_id: int, text: str) -> HandoffMessage:
        """A private note written by the system, for the staff only."""
        with self.db.write_session() as session:
            message = HandoffMessage(request_id=request_id, kind=NOTE, text=_clip(text))
            session.add(message)
            session.flush()
            return message

    def set_delivery(self, message_ids: Iterable[int], delivery: str) -> None:
        ids = list(message_ids)
        if not ids:
            return
        with self.db.write_session() as session:
            session.execute(update(HandoffMessage).where(HandoffMessage.id.in_(ids)).values(delivery=delivery))

    def undelivered(self, request_id: int) -> List[HandoffMessage]:
        """Staff/system messages handed to Rasa whose delivery was not yet confirmed by the inbox."""
        with self.db.session() as session:
            return list(
                session.execute(
                    select(HandoffMessage).where(
                        HandoffMessage.request_id == request_id,
                        HandoffMessage.kind.in_((STAFF, SYSTEM)),
                        HandoffMessage.delivery.is_(None),
                    )
                ).scalars()
            )

    def add_patient_messages(self, request_id: int, messages: Sequence[PatientMessage]) -> List[HandoffMessage]:
        """Stores messages copied from Rasa's tracker once each (by external id); returns the new ones."""
        if not messages:
            return []
        with self.db.write_session() as session:
            request = session.get(HandoffRequest, request_id)
            if request is None:
                raise NotFound(request_id)
            known = set(
                session.execute(
                    select(HandoffMessage.external_id).where(
                        HandoffMessage.request_id == request_id, HandoffMessage.external_id.is_not(None)
                    )
                ).scalars()
            )
            added = []
            for message in messages:
                if message.external_id in known or not message.text.strip():
                    continue
                known.add(message.external_id)
                row = HandoffMessage(
                    request_id=request_id,
                    kind=message.kind,
                    text=_clip(message.text),
                    external_id=message.external_id,
                    created_at=_from_ts(message.timestamp),
                )
                session.add(row)
                added.append(row)
                if message.kind == PATIENT:
                    request.last_patient_message_at = row.created_at
            session.flush()
            return added

    def mark_urgent(self, request_id: int, reason: str = "emergency") -> None:
        with self.db.write_session() as session:
            request = session.get(HandoffRequest, request_id)
            if request is not None and not request.urgent:
                request.urgent = True
                request.priority = URGENT_PRIORITY
                request.reason = reason
                log.info("handoff request %s marked urgent", request_id)

    @staticmethod
    def _open(session: Any, request_id: int) -> HandoffRequest:
        request = session.get(HandoffRequest, request_id)
        if request is None:
            raise NotFound(request_id)
        if request.status == CLOSED:
            raise Conflict("this conversation is closed")
        return request


__all__ = [
    "BOT", "NOTE", "PATIENT", "STAFF", "SYSTEM", "Conflict", "HandoffError", "HandoffQueue", "NewRequest", "NotFound",
    "PatientMessage", "RESUMED_TEXT",
]
