"""The safety analyser: findings with their assertion, from one message, in plain Python and spaCy (medspaCy).

One blank spaCy pipeline per language: a sentencizer, medspaCy's TargetMatcher with the lexicon, and medspaCy's
ConText with rules for patients' words. English text is normalised first (shorthand, typos); the Spanish pipeline
reads the plain text. Both run on every message, so a Spanish symptom in a mostly English message is not missed.
A message in French, Portuguese, German or Italian is also read by that language's pipeline (european.py).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Dict, List, Set, Tuple

import spacy
from medspacy.context import ConText, ConTextRule
from medspacy.target_matcher import TargetMatcher, TargetRule
from spacy.language import Language
from spacy.tokens import Span

from bot.safety import context_rules, european, lexicon
from bot.safety.findings import CHECKIN, CONTRAINDICATION, URGENT, Assertion, Finding, SafetyReport
from bot.safety.form_answers import read_answers
from bot.safety.language import detect_language, possible_languages
from bot.safety.normalise import normalise, plain, plain_spanish
from bot.safety.urgency_net import urgent_likelihood

SPANS = "safety"
# Face or lip swelling that is mild or at the injection site is an ordinary check-in, not an allergic sign.
_SWELLING = "urgent:allergic_swelling"


def _pipeline(language: str, targets: Dict[str, List[str]], modifiers: List[context_rules.Rule]) -> Language:
    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    matcher: TargetMatcher = nlp.add_pipe(
        "medspacy_target_matcher", config={"result_type": "group", "span_group_name": SPANS, "prune": False}
    )
    matcher.add([TargetRule(label, label, pattern=pattern) for label, pattern in lexicon.rules(targets)])
    context: ConText = nlp.add_pipe(
        "medspacy_context",
        config={
            "rules": None, "input_span_type": "group", "span_group_name": SPANS, "span_attrs": None,
        },
    )
    context.add([
        ConTextRule(
            category.lower(), category, pattern=pattern, direction=direction, max_scope=scope,
            allowed_types=set(only[0]) if only else None,
            terminated_by=None if category in context_rules.ACROSS_COMMAS else {context_rules.CLAUSE_BREAK},
            on_modifies=_ON_MODIFIES.get(category, _outside),
        )
        for category, direction, pattern, scope, *only in modifiers
    ])
    return nlp


@lru_cache(maxsize=1)
def _pipelines() -> Tuple[Language, Language]:
    return (
        _pipeline("en", lexicon.ENGLISH, context_rules.ENGLISH),
        _pipeline("es", lexicon.SPANISH, context_rules.SPANISH),
    )


def _assertion(categories: Set[str]) -> Assertion:
    about_someone_else = context_rules.OTHER_PERSON in categories
    if categories & {context_rules.NEGATED, context_rules.ANIMAL}:  # denied, or an animal's
        return Assertion.NEGATED
    # An everyday cause is never a denial: at worst the patient reads the warning signs and when to call 911.
    everyday = categories & {context_rules.EVERYDAY_CAUSE, context_rules.SLEEPINESS, context_rules.USUAL}
    if everyday and context_rules.TREATMENT_LINK not in categories:
        return Assertion.HYPOTHETICAL
    if not categories & {context_rules.CURRENT, context_rules.TREATMENT_LINK}:
        if context_rules.SECONDHAND in categories:  # someone else's, in the media, in the past: the warning signs
            return Assertion.HYPOTHETICAL
        # A counterfactual is a hypothetical cue too: medspaCy keeps one of two cues on the same words ("if").
        if categories & {context_rules.HYPOTHETICAL, context_rules.COUNTERFACTUAL} or _asked_in_general(categories):
            return Assertion.HYPOTHETICAL
        if categories & {context_rules.HISTORICAL, context_rules.RESOLVED, context_rules.LONG_AGO}:
            return Assertion.PAST
    return Assertion.OTHER_PERSON if about_someone_else else Assertion.REPORTED


def _asked_in_general(categories: Set[str]) -> bool:
    """A question that names nobody ("is a hoarse voice after botox serious?"), unlike "is my voice meant to be
    hoarse?"."""
    return context_rules.QUESTION in categories and not categories & {
        context_rules.FIRST_PERSON, context_rules.OTHER_PERSON, context_rules.CURRENT_HINT}


def _finding(span: Span) -> Finding:
    categories = {modifier.category for modifier in span._.modifiers}
    label = span.label_
    if label == _SWELLING:
        label = "checkin:checkin" if context_rules.MILD in categories else "urgent:allergic"
    kind, name = label.split(":")
    assertion, someone_else = _assertion(categories), _said_of_someone_else(span)
    if kind == URGENT and assertion.holds_now and _imagined(span):
        assertion = Assertion.HYPOTHETICAL
    if kind == URGENT and assertion == Assertion.PAST and _returned(span):
        assertion = Assertion.OTHER_PERSON if someone_else else Assertion.REPORTED
    if kind == URGENT and assertion == Assertion.HYPOTHETICAL and (
            _state_after_question(span, categories) or _owned_after_question(span)):
        assertion = Assertion.OTHER_PERSON if someone_else else Assertion.REPORTED
    return Finding(kind, name, assertion, someone_else)


def _imagined(span: Span) -> bool:
    """A symptom imagined in a conditional just before it, in a message that asks something ("if I felt short of
    breath after treatment, should I call you or 911?", "suppose I got double vision, could I drive home?") and has no
    moment of now but "started" ("if I felt this since Monday", "what would I do if I started having trouble
    breathing? it's happening right now" and "idk if i got the right number my lips swelled up help" stay reports)."""
    conditionals = [m for m in span._.modifiers if m.category == context_rules.COUNTERFACTUAL]
    text = span.doc.text
    return (
        any(0 <= span.start - m.modifier_span[1] <= 6 for m in conditionals)
        and bool(context_rules.ASKS.search(text))
        and not context_rules.says_now_beyond_a_conditional(text, span.doc.lang_)
    )


def _state_after_question(span: Span, categories: Set[str]) -> bool:
    """A question with no question mark and the symptom told as a state in it: "can botox do this cant swallow
    water", "would botox cause vision this blurry cant read". Not a question about people in general ("can you
    not swallow after botox", "what if I cannot breathe"), nor a symptom an everyday cause explains."""
    explained = categories & {context_rules.EVERYDAY_CAUSE, context_rules.SLEEPINESS, context_rules.USUAL}
    sentence = span.sent.text
    state = context_rules.STATE_AFTER_QUESTION.get(span.doc.lang_)
    return bool(
        state and not explained and "?" not in sentence
        and state.search(sentence) and not context_rules.GENERAL_SUBJECT.search(sentence)
    )


def _owned_after_question(span: Span) -> bool:
    """Asked in general, then owned in the next sentence: "Is blurred vision normal? mine started yesterday". English
    only."""
    if span.doc.lang_ != "en" or "?" not in span.sent.text:
        return False
    return any(context_rules.OWNED_AFTER_QUESTION.search(sentence.text) for sentence in _next_sentence(span))


def _returned(span: Span) -> bool:
    """Over once, and back after it, in its own sentence or the next: "went away in 2022, but it's back since my
    botox". English only. Not a voice, whose coming back is the recovery ("lost my voice last week, it's back")."""
    if span.doc.lang_ != "en" or span.label_ == "urgent:speech_voice":
        return False
    pieces = [span.doc[span.end:span.sent.end].text, *(sentence.text for sentence in _next_sentence(span))]
    return any(context_rules.RETURNED.search(piece) and not context_rules.RETURN_ASKED.search(piece)
               for piece in pieces)


def _next_sentence(span: Span) -> List[Span]:
    """The sentence after the span's, if there is one."""
    sentences = list(span.doc.sents)
    return sentences[sentences.index(span.sent) + 1:][:1]


def _said_of_someone_else(span: Span) -> bool:
    """A cue names another person, and no first person speaks of the symptom ("no cap she hit something i cant get my
    water down" is the patient's). An animal's cue reaches too far to count ("walked the dog and hives popping up all
    over my arms")."""
    return any(
        modifier.category == context_rules.OTHER_PERSON
        and not _said_of_the_patient(span, span.doc[slice(*modifier.modifier_span)])
        for modifier in span._.modifiers
    )


def _read(nlp: Language, text: str) -> Tuple[List[Finding], str]:
    """The findings, and the text without its idioms: what is left may still report a symptom in other words."""
    doc = nlp(text)
    spans = list(doc.spans.get(SPANS, []))
    idioms = [span for span in spans if span.label_ == lexicon.IDIOM]
    findings = [
        _finding(span) for span in spans
        if span.label_ != lexicon.IDIOM
        and not any(_overlap(span, idiom) for idiom in idioms)
        and not any(_nested(span, other) for other in spans)
    ]
    in_idioms = {token.i for idiom in idioms for token in idiom}
    return findings, "".join(token.text_with_ws for token in doc if token.i not in in_idioms)


def _nested(span: Span, other: Span) -> bool:
    """"pregnant" inside "not trying to get pregnant" is the longer finding's word, not a finding of its own.
    Only contraindications nest: throat swelling inside "lip and throat swelling" is still an allergic sign, and so
    is the reaction in "I'm having an allergic reaction to the botox"."""
    both_contraindications = span.label_.split(":")[0] == other.label_.split(":")[0] == CONTRAINDICATION
    inside = other.start <= span.start and span.end <= other.end and len(other) > len(span)
    return both_contraindications and inside


def _overlap(span: Span, other: Span) -> bool:
    return span.start < other.end and other.start < span.end


def _outside(target: Span, modifier: Span, _between: Span) -> bool:
    """A cue that starts inside a symptom's own words ("air is not going in") does not modify that symptom; one that
    starts before it and runs through it ("no me desmaye ni ...") does."""
    return not target.start <= modifier.start < target.end


def _pets_own(target: Span, modifier: Span, between: Span) -> bool:
    """"walking my dog and suddenly I can't breathe", "mi gata me desperto porque no puedo respirar": a symptom said
    of the patient, or told in a new clause, after naming a pet is the patient's."""
    return (
        _outside(target, modifier, between)
        and not context_rules.NEW_CLAUSE.search(between.text)
        and not _said_of_the_patient(target, modifier)
    )


def _explains(target: Span, modifier: Span, between: Span) -> bool:
    """"my husband ran up the stairs to get my inhaler because I can't breathe": someone else's exertion explains
    their own breathlessness, not the patient's."""
    someone_elses = context_rules.OTHER_SUBJECT.search(target.doc[max(modifier.start - 3, 0):modifier.start].text)
    return _outside(target, modifier, between) and not (someone_elses and _said_of_the_patient(target, modifier))


def _said_of_the_patient(target: Span, modifier: Span) -> bool:
    """A first person in the three words before the symptom (not the modifier's own "my dog"), or a Spanish
    first-person form in the symptom's words."""
    start = max(target.start - 3, modifier.end if modifier.end <= target.start else 0)
    before = target.doc[start:target.start].text
    return bool(context_rules.SELF.search(before) or context_rules.SELF_IN_SYMPTOM.search(target.text))


_NOT_JUST_HEAVY = re.compile(r"\b(?:eye)?lids?\b|droop|weak|will not|wo not|would not|cannot open|not open")


def _explains_heavy_eyes(target: Span, modifier: Span, between: Span) -> bool:
    """"can't keep my eyes open after a night shift": sleepiness explains the patient's own heavy eyes, not lids
    that droop, are weak or will not open, and not someone else's ("she is so tired, her eyelids keep closing")."""
    someone_else = (context_rules.OTHER_SUBJECT.search(target.doc[max(target.start - 4, 0):target.start].text)
                    or re.search(r"\b(?:his|her|their)\b", target.text))
    return _outside(target, modifier, between) and not _NOT_JUST_HEAVY.search(target.text) and not someone_else


def _explains_as_before(target: Span, modifier: Span, between: Span) -> bool:
    """"can't catch my breath, been laughing", "I have cataracts, things are blurry": the patient's usual explains it;
    "been laughing all day and now I can't breathe", "cataracts and everything is suddenly double" tell something
    new."""
    told_as_new = context_rules.NEW_CLAUSE.search(f"{between.text} {target.text}")
    return _outside(target, modifier, between) and not told_as_new


def _told_second_hand(target: Span, modifier: Span, between: Span) -> bool:
    """"a reddit post where someone said their throat felt weird", "a TikTok of a girl who got double vision":
    someone else's symptom, in the media, told in the past. Never the patient's own, and never in a message with a
    moment of now or someone's state now ("she's on the floor", "he won't answer") anywhere in it: a relative's
    post or live video can be an emergency (docs/safety.md, the dev17 review)."""
    language = target.doc.lang_
    text = target.doc.text
    said = target.doc[max(target.start - 4, 0):target.end].text
    before = target.doc[max(target.start - 6, 0):target.end].text
    return (
        _outside(target, modifier, between)
        and not _said_of_the_patient(target, modifier)
        and bool(context_rules.SECONDHAND_MEDIA[language].search(text))
        and bool(context_rules.SECONDHAND_SOMEONE[language].search(before))
        and bool(context_rules.SECONDHAND_PAST[language].search(said))
        and not context_rules.SECONDHAND_NOW[language].search(text)
    )


def _dated_long_ago(target: Span, modifier: Span, between: Span) -> bool:
    """"my eyes swelled shut from a hair dye, years ago", "I blacked out once at a concert, like 10 years ago": a time
    long ago that ends the sentence dates the symptom just before it, told in the past tense with at most how it was or
    what caused it in between, when nothing but an aside about treatment follows. Not a symptom with another event
    beside it ("my throat closed up like with penicillin, years ago"), one in a sentence said in the present ("I can't
    breathe, years ago"), nor one in a message that says now or asks for help anywhere ("... years ago. on my way to
    the er")."""
    doc = target.doc
    sentence = doc[target.sent.start:modifier.start].text
    # medspaCy's span between runs to the modifier's end, and so holds the modifier's own comma.
    gap = doc[target.end:modifier.start].text
    after = re.split(r"[^\w\s']+", doc[modifier.end:].text)
    only_how_or_why = bool(context_rules.HOW_OR_WHY.fullmatch(gap)) and not context_rules.NOT_HOW_OR_WHY.search(gap)
    told_in_the_past = not (context_rules.ANOTHER_EVENT.search(sentence) or context_rules.PRESENT.search(sentence))
    only_asides_after = all(context_rules.ASIDE.fullmatch(piece.strip()) for piece in after)
    return (_outside(target, modifier, between) and only_how_or_why and told_in_the_past and only_asides_after
            and not context_rules.says_now_or_asks_for_help(doc.text))


_ON_MODIFIES = {context_rules.ANIMAL: _pets_own, context_rules.EVERYDAY_CAUSE: _explains,
                context_rules.SLEEPINESS: _explains_heavy_eyes, context_rules.USUAL: _explains_as_before,
                context_rules.SECONDHAND: _told_second_hand, context_rules.LONG_AGO: _dated_long_ago}


def _without_checkins_beside_urgent(findings: List[Finding]) -> List[Finding]:
    """A bruise mentioned beside trouble breathing is not the point of the message."""
    if any(f.kind == URGENT for f in findings):
        return [f for f in findings if f.kind != CHECKIN]
    return findings


@lru_cache(maxsize=len(european.LANGUAGES))
def _european_pipeline(language: str) -> Language:
    targets, modifiers = european.LANGUAGES[language]
    return _pipeline(language, targets, modifiers)


def _merged(readings: List[List[Finding]]) -> List[Finding]:
    """Every reading counts, but a finding several read keeps the assertion of the first (the message's own
    language)."""
    found: List[Finding] = []
    read: Set[Tuple[str, str]] = set()
    for reading in readings:
        found += [f for f in reading if (f.kind, f.name) not in read]
        read |= {(f.kind, f.name) for f in reading}
    return list(dict.fromkeys(found))


def _read_possible_languages(text: str, readings: List[List[Finding]]) -> str:
    """A message the detector took for English but may be French, Portuguese, German or Italian: an urgent symptom
    that language's pipeline finds counts, and the reply is in that language. Only urgent symptoms: a word like
    "dose" is also English."""
    for language in (code for code in possible_languages(text) if code in european.LANGUAGES):
        urgent = [f for f in _read(_european_pipeline(language), plain(text))[0] if f.kind == URGENT]
        if urgent:
            readings.insert(0, urgent)
            return language
    return ""


_A_WORD = re.compile(r"[^\W\d_]{3,}")


def analyse(text: str) -> SafetyReport:
    english, spanish = _pipelines()
    text = read_answers(text)
    language = detect_language(text)
    # Typos are corrected towards English words only in English text: "inyeccion" is not a misspelt "infection".
    english_text = normalise(text) if language == "en" else plain(text)
    (in_english, unidiomatic), (in_spanish, _) = _read(english, english_text), _read(spanish, plain_spanish(text))
    # English and Spanish are always read (a Spanish symptom in a mostly English message); French, Portuguese,
    # German and Italian only in a message detected as such, first.
    readings = [in_spanish, in_english] if language == "es" else [in_english, in_spanish]
    if language in european.LANGUAGES:
        readings.insert(0, _read(_european_pipeline(language), plain(text))[0])
    elif language == "en":
        language = _read_possible_languages(text, readings) or language
    found = _merged(readings)
    findings = tuple(_without_checkins_beside_urgent(found))
    # The net was trained on messages as patients typed them: it reads the normalised text only without idioms.
    net_text = text if unidiomatic == english_text else unidiomatic
    likelihood = urgent_likelihood(net_text) if _unread_by_the_rules(language, found, english_text) else 0.0
    return SafetyReport(language=language, findings=findings, urgent_likelihood=likelihood)


def _unread_by_the_rules(language: str, found: List[Finding], text: str) -> bool:
    """The urgency net reads English messages in which the rules found no urgent symptom reported now (none at all,
    or one they read as denied, past or asked about) and no contraindication, and the patient does not say all is
    well: there, a message in other words may still report one, and a cue the rules took for a denial or a question
    may not be one ("not sure if its related i can barely swallow my coffee"). A symptom said of someone else is left
    to the rules: the net cannot tell whose it is ("he ran up the stairs and now he's wheezing"). An urgent symptom
    reported now needs no second reading. The net reads the message without its idioms, so "a hard pill to swallow"
    is not read as urgent and an idiom hides nothing else."""
    urgent = [f for f in found if f.kind == URGENT]
    return (
        language == "en"
        and bool(_A_WORD.search(text))  # "la 2" (a pick) is no report; the net's reading of two characters is noise
        and not any(f.kind == CONTRAINDICATION for f in found)
        and not any(f.assertion.holds_now or f.about_someone_else for f in urgent)
        and not context_rules.says_all_is_well(text)
    )


def warm_up() -> None:
    """Builds the pipelines, loads the dictionaries and the urgency net's weights, so the first patient does not
    wait for it and a missing weights file stops the start rather than every message."""
    urgent_likelihood("warm up")
    analyse("warm up: no trouble swallowing since yesterday")
