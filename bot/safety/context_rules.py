"""ConText modifiers for patients' messages: what makes a symptom denied, asked about, past, someone else's, or now.

medspaCy's default rules are written for clinical notes ("r/o", "h/o"); patients write "what if", "years ago",
"since my appointment". Each entry: (category, direction, regex, max_scope in tokens or None for the sentence).
CURRENT is ours: a sign that the symptom is happening now ("since Tuesday", "is this normal?"). It outweighs a
question or a past reference, because a missed emergency costs more than an unneeded 911 reminder.
"""

from __future__ import annotations

import re
from datetime import date
from typing import List, Tuple

from bot.safety import lexicon

NEGATED = "NEGATED_EXISTENCE"
HYPOTHETICAL = "HYPOTHETICAL"
HISTORICAL = "HISTORICAL"
OTHER_PERSON = "FAMILY"
CURRENT = "CURRENT"
MILD = "MILD"
CLAUSE_BREAK = "CLAUSE_BREAK"
RESOLVED = "RESOLVED"
ANIMAL = "ANIMAL"  # "my dog keeps wheezing": not a person's symptom
# A weaker sign of "now" ("a day after", "is that an emergency?"): it outweighs nothing but the absence of a cue, so
# "double vision for a day after my botox years ago" is past and "if I got double vision, is that an emergency?" a
# question.
CURRENT_HINT = "CURRENT_HINT"
# An everyday cause the patient gives ("out of breath from running for the train"): the symptom is read as asked
# about, so the patient gets the warning signs and when to call 911, never a plain answer. The patient's own link to
# the treatment ("since my botox") outweighs it; it never explains an allergic sign or a faint.
EVERYDAY_CAUSE = "EVERYDAY_CAUSE"
# Sleepiness, an everyday cause of heavy eyes only, and only for the patient's own eyes that are hard to keep open
# (analyser.py): never for lids that droop, are weak or will not open, nor for someone else's.
SLEEPINESS = "SLEEPINESS"
# The patient's usual: their own laughter takes their breath away, glowing reviews make them "not see straight", dry
# eyes blur, GERD makes food stick, talking all day makes them hoarse. Each explains its own symptom only, and only
# when the symptom is not told as new after it ("and now", "suddenly").
USUAL = "USUAL"
TREATMENT_LINK = "TREATMENT_LINK"
# Told second-hand: someone else's symptom seen on Reddit, TikTok, a forum or in an article ("a reddit post where
# someone said their throat felt weird"). Read as asked about only when a medium is named, a third person comes just
# before the symptom, it is told in the past, and nothing in the message says now, names someone's state now or a
# close relative (analyser._told_second_hand): "my cousin posted on her story that she couldnt swallow, she's alone"
# is a report.
SECONDHAND = "SECONDHAND"
# A symptom imagined in a conditional ("if I felt short of breath after treatment, should I call you or 911?",
# "suppose I got double vision"): asked about even beside the words such a question carries itself (analyser.py).
COUNTERFACTUAL = "COUNTERFACTUAL"
# A clause made only of a time long ago that ends its sentence dates the symptom just before it ("my eyes swelled shut
# from a hair dye, years ago", "lips swelled up, that was 4 years ago"): read as past, like HISTORICAL, but only for a
# symptom told in the past tense with nothing but how or why between it and the time, in a message that says nothing
# of now or of help (analyser._dated_long_ago), so "I can't breathe, years ago I had asthma", "my lips are huge, I had
# a reaction once, years ago" and "my throat closed up like with penicillin, years ago" stay now.
LONG_AGO = "LONG_AGO"
# A question that opens its clause and names nobody ("can you faint from botox?", "is a hoarse voice after botox
# serious?") asks about the symptom; "is my voice supposed to be this hoarse?" reports it.
QUESTION = "QUESTION"
FIRST_PERSON = "FIRST_PERSON"
# Categories that reach across a comma: an explanation or a treatment often follows one.
ACROSS_COMMAS = frozenset({RESOLVED, LONG_AGO, EVERYDAY_CAUSE, SLEEPINESS, USUAL, TREATMENT_LINK, SECONDHAND})
# A symptom said of the patient (analyser.py): a first person in the three words before it ("suddenly I can't
# breathe", "mi gata me desperto"), or a Spanish first-person form in its own words ("no puedo tragar", "se me
# cierra la garganta", "veo doble").
SELF = re.compile(r"\b(?:i|me|my|myself|yo|puedo|pude|podia|tengo|tuve|estoy|estaba|siento|senti)\b")
SELF_IN_SYMPTOM = re.compile(r"\b(?:puedo|pude|podia|veo|me)\b")
# Back after it was over: "it went away in 2022, but it's back since my botox on Monday" reports it again. Said of
# the symptom itself ("it", "they"), in its own sentence or the next (analyser.py), and not asked about ("how do I
# avoid it happening again?"): "my frown lines came back", "she is back at the front desk" say nothing of it.
RETURNED = re.compile(
    r"(?<!never )(?<!not )\b(?:(?:it|they|that|this)(?: is|'s| are|'re| has| have)? (?:come |came |coming )?back"
    r"|(?:its|theyre) back|(?:it|they) (?:has |have )?returned|(?:it is|it's|its|they are|they're) (?:\w+ )?again"
    r"|(?:doubled?|blurry|drooping|droopy|swollen|slurred|wheezing) again)\b"
    r"(?!\s+(?:to|fine|negative|normal|clear|ok|okay|good|fully|completely|from|in|at|all|after|when)\b)"
)
RETURN_ASKED = re.compile(r"\b(?:avoid|prevent|stop|if|what if|could|would|might|worried|afraid|scared|chance)\b")
# A question without a question mark, with the symptom told as a state after it: "can botox do this cant swallow
# water", "would botox cause vision this blurry", "DOES BOTOX DO THIS VOICE GONE CANT SWALLOW". Someone in a panic
# types the question and what is happening in one breath (the dev17 review of questions).
STATE_AFTER_QUESTION = {
    "en": re.compile(r"\b(?:cannot|can not|can barely|can hardly|can only|can no longer)\b(?! (?:you|people|someone|anyone))"
                     r"|\b(?:do|does|cause|causing|make|making|doing) this\b|\bthis (?:blurry|hard|bad|loud|weird|tight"
                     r"|swollen|slurred|weak|double|droopy)\b|\blike this\b"),
    "es": re.compile(r"\bno (?:puedo|puede|pude)\b|\b(?:causar|hacer|provocar) esto\b"),
}
GENERAL_SUBJECT = re.compile(r"\b(?:you|your|people|someone|somebody|anyone|everyone|everybody|a person|patients?|if|when|whether)\b"
                             r"|\b(?:si|alguien|la gente|uno|cuando)\b")
# The patient owns a symptom just asked about, in the next sentence: "Is blurred vision normal? mine started
# yesterday", "is double vision normal?? because I have it" (the dev18 round).
OWNED_AFTER_QUESTION = re.compile(
    r"^\W*(?:(?:and|but|because|well|so) )?mine (?:just )?(?:started|began|came on|keeps|will not|wo not|is still"
    r"|has not (?:gone|cleared|stopped)|(?:is|are) (?:still |now |so )?(?:closed|shut|closing|swelling|swollen|drooping"
    r"|droopy|blurry|double|slurred|hoarse|tight|worse|getting worse))\b"
    r"|\b(?:because|and|but) i have it(?: now| right now| too| as well)?\s*(?:[.!?]|$)"
    r"|\bi have it (?:now|right now)\b|\bhappening to me (?:now|right now)\b"
    r"|^\W*(?:and |but )?(?:it is|its) (?:happening )?right now\b|^\W*mine (?:are|is) (?:\w+ ){0,8}?as i (?:watch|type)\b"
)
# A new clause after naming a pet: what follows is not the pet's ("walking the dog and now can't breathe").
NEW_CLAUSE = re.compile(r"\b(?:suddenly|now|then|because|de repente|ahora|porque|luego)\b")

# "fine now", "good since": a resolution, not a sign of now.
_DAYS = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs)?|fri|sat(?:ur)?|sun)(?:day)?"
# A resolution that is its own clause: after a clause break, or said of "it", "everything" or the patient ("normal
# since wed", "it's been perfect for a week"), never of another body part ("forehead has been normal since wed").
_OWN_CLAUSE = r"(?:[,;] (?:and )?|\b(?:it|everything|i|she|he)(?: has| is| was| have| am)? )"
_AFTER_WELL = "(?<!fine )(?<!better )(?<!good )(?<!okay )(?<!ok )(?<!great )(?<!normal )(?<!gone )"

# "since I was a kid", "since birth": a lifelong condition, not one that started lately.
_NOT_SINCE_CHILDHOOD = (r"(?! (?:i was (?:a kid|a child|a baby|a teen|little|young|small|born)|childhood|birth"
                        r"|forever)\b)")

# A time at least a year ago (LONG_AGO): an earlier year, never this one, which may be last month.
_A_PAST_YEAR = "(?:" + "|".join(str(year) for year in range(date.today().year - 1, 1939, -1)) + r")\b"
_LONG_AGO = (
    r"(?:(?:a|one|two|three|four|five|six|seven|eight|nine|ten|twenty|\d+|many|several|a few|a couple(?: of)?"
    r"|couple(?: of)?) )?(?:years?|decades?) ago|years back|ages ago|(?:a )?long time ago|long ago|forever ago"
    rf"|last year|(?:back )?in {_A_PAST_YEAR}|(?:back )?when (?:i|she|he|they) (?:was|were) (?:a kid|a child|little|young"
    r"|younger|a teen|a teenager|a baby|in (?:college|high school|school|uni)|\d+)|as a (?:kid|child|teen|teenager|baby)"
    r"|(?:back )?in (?:college|high school|my (?:teens|20s|twenties))"
)

Rule = Tuple  # (category, direction, regex, max_scope[, allowed target labels])
URGENT_LABELS = frozenset(label for label in lexicon.ENGLISH if label.startswith("urgent:"))
# What an everyday cause may explain: never an allergic sign or a faint, which are emergencies whatever the cause.
EXPLAINABLE = URGENT_LABELS - {"urgent:allergic", "urgent:allergic_swelling", "urgent:fainting"}

_PEOPLE = (
    r"mom|mum|mother|mama|dad|father|sister|sis|brother|wife|husband|hubby|partner|boyfriend|girlfriend|fiance|fiancee"
    r"|friend|bestie|bff|daughter|son|kid|child|grandma|grandmother|nana|grandpa|aunt|auntie|uncle|cousin|roommate"
    r"|coworker|co-worker|client|niece|nephew|neighbou?r|colleague|boss|mother in law|sister in law|bf|gf"
)

# Someone else as the subject just before an everyday cause: "my husband ran up the stairs" (analyser.py).
OTHER_SUBJECT = re.compile(rf"\b(?:my (?:{_PEOPLE})s?|he|she)\b")

# What makes a symptom told second-hand (SECONDHAND) someone else's past, not an emergency beside the patient.
# A medium the patient read or watched; not "post", "story", "news", "thread" or "comments", which are also everyday
# words ("post botox", "long story short", "bad news").
_MEDIA = (r"reddit|r/\w+|tiktoks?|youtube|instagram|facebook|forums?|podcast|documentary|articles?|netflix|influencer"
          r"|yelp|google reviews?|videos?|reels?")
_MEDIA_ES = (r"videos?|tiktok|facebook|instagram|resenas?|noticias?|articulo|reels?|publicacion|foro|influencer"
             r"|comentarios?|programa")
SECONDHAND_SOURCES = {
    "en": rf"\b(?:said|says|told (?:me|us|everyone|her|him|them)|tells (?:me|us|everyone)|swears|claims?|claimed|wrote"
          rf"|mentioned|apparently|heard|read)\b|\b(?:{_MEDIA})\b",
    "es": rf"\b(?:dijo|dice|conto|cuenta|escribio|publico|subio|me dijeron|lei|escuche|oi)\b|\b(?:{_MEDIA_ES})\b",
}
SECONDHAND_MEDIA = {"en": re.compile(rf"\b(?:{_MEDIA})\b"), "es": re.compile(rf"\b(?:{_MEDIA_ES})\b")}
# Said in the past: "could not", "was", "went", "felt"; not "has had" or "'s had", which are still going on.
SECONDHAND_PAST = {
    "en": re.compile(r"(?<!has )(?<!'s )(?<!have )\b(?:could not|was|were|had|went|got|felt|became|ended up|passed out"
                     r"|fainted|blacked out|swelled|swole|drooped|choked|slurred|lost)\b"),
    "es": re.compile(r"\bse (?:le |les )?\w+o\b|\b(?:quedo|tuvo|sintio|perdio|\w+aron|\w+ieron)\b"),
}
# A moment of now, someone's state now, a call for help, or a person close to the patient (whose own post or video
# can be an emergency) anywhere in the message: not hearsay.
SECONDHAND_NOW = {
    "en": re.compile(r"\b(?:just|right now|(?<!fine )(?<!better )(?<!ok )(?<!okay )now|today|tonight|this (?:morning"
                     r"|afternoon|evening)|last night|yesterday|ago|still|currently|live|with me|next to me|beside me"
                     r"|here|outside|keeps?|getting worse|since|alone|answer\w*|reach|nobody|911|er|ambulance|hospital"
                     r"|help|urgent\w*|asap|advise|serious|what (?:do|should) (?:i|we) do|should (?:i|we|she|he)"
                     r" (?:call|go|take|drive|bring)|call(?:ed|ing)?|texted|sent me|on the (?:floor|phone)"
                     r"|(?:after|since) (?:her|his|their) (?:botox|treatment|appointment|appt|injections?)"
                     rf"|my (?:{_PEOPLE})s?)\b"
                     r"|\b(?:she|he|they|it)(?:'s| is| are|'re| has| have| can not| cannot| will not| does not| keeps?)\b"
                     r"(?! (?:totally |completely |all )?(?:fine|ok|okay|good|better|recovered|normal)\b)"),
    "es": re.compile(r"\b(?:ahora|hoy|ayer|anoche|esta (?:manana|tarde|noche)|todavia|sigue|acaba de|aqui|conmigo"
                     r"|desde|hace|ayuda|911|urgencias|urgente|grave|hospital|que (?:hacemos|hago|debemos hacer)|llam\w+"
                     r"|esta|estan|no responde|despues del|mi (?:mama|madre|papa|padre|hermana|hermano|esposa|esposo"
                     r"|marido|hija|hijo|abuela|abuelo|novia|novio|pareja|amig[oa]|prima|primo|tia|tio|vecin[oa]"
                     r"|sobrin[oa]|suegr[oa]|cunad[oa]))\b"),
}
# Someone other than the patient, or their quoted words: "I was watching a video and everything was blurry" is the
# patient's.
SECONDHAND_SOMEONE = {
    "en": re.compile(r"\b(?:she|he|they|her|his|their|them|someone|somebody|people|patients|others?|one of"
                     r"|(?:a|an|the|this|some) (?:girl|guy|lady|woman|man|mom|patient|client|friend|nurse|influencer|guest)"
                     rf"|my (?:{_PEOPLE}))\b|['\"]\w"),
    "es": re.compile(r"\b(?:ella|el|ellos|ellas|alguien|gente|personas|le|les"
                     r"|una (?:senora|muchacha|chica|mujer|amiga|influencer)|un (?:senor|muchacho|chico|hombre|amigo)"
                     r"|mi (?:mama|madre|hermana|hermano|amig[oa]|prima|primo|tia|tio|vecin[oa]|suegra))\b"),
}

# Only "started" gives way to a COUNTERFACTUAL among the signs of now: "if I started having trouble swallowing after
# my appointment, who do I call?". 911, help or an emergency count only where they are asked about (_ASKED_ABOUT_LATER).
ASKED_WITH_A_CONDITIONAL = re.compile(r"started|starting|began|(?:\w+ )?days? after|empez\w*")
# A question somewhere in the message: an imagined symptom is asked about ("sorry if i got the wrong number i cant
# breathe please help" asks nothing).
ASKS = re.compile(r"\?|\b(?:should|would|could|can|do|does|will|what|who|how|is|are|am|que|quien|como|debo|puedo)\b"
                  r" (?:i|you|we|it|that|this|they|there|she|he|my|hago|llamo|voy|ir)\b")

ENGLISH: List[Rule] = [
    (NEGATED, "FORWARD", r"\bno\b(?!\s*(?:longer|idea|matter|clue|way|one|joke|lie|kidding|sure|better|change|more)\b)"
     r"(?!\s*[,.!?])", 6),
    (NEGATED, "FORWARD", r"\bwithout\b|\bnever\b(?= (?:had|have|got|been|get|fainted|passed out|experienced|noticed))|\bnothing like\b|\bzero\b|\bnone of\b"
     r"|\bdenies\b|\bfree of\b|\bhad no\b|\bnothing (?:\w+ )?like\b", 6),
    # The cue is "not" alone, so it never overlaps the symptom words it negates ("not seeing double").
    (NEGATED, "FORWARD", r"\bnot\b(?= (?:having|experiencing|getting|feeling|noticing|seeing|any|really|currently))"
     r"|\b(?:do|does|did) not\b(?= (?:have|get|feel|notice|see|think|pass|black|faint|even))|\b(?:have|has) not\b(?= (?:had|noticed|felt|seen|gotten|been))",
     6),
    (NEGATED, "FORWARD", r"\bnot\b(?! sure| able)", 2),
    # "swallowing totally fine, vision fine": only for symptoms, so "my OB said it's fine" never denies a pregnancy.
    # Not "can't swallow good", "can't breathe right normal": after a bare verb the word says how, not that it's fine.
    # Not "is double vision normal 3 days after??": a question mark just after it asks.
    (NEGATED, "BACKWARD", r"(?<!swallow )(?<!breathe )(?<!breath )(?<!talk )(?<!speak )(?<!see )"
     r"\b(?:totally |completely |perfectly |100% |all )?(?:fine|normal|ok|okay|good|perfect)\b(?!(?:\s+\w+){0,3}\s*\?)", 3, URGENT_LABELS),
    (NEGATED, "FORWARD", r"\bnot on\b", 5),
    # Short reach: "nothing is going down and I can't swallow" denies nothing.
    (NEGATED, "FORWARD", r"\bnothing\b(?= (?:getting|gets|got|is|feels|seems|has|stuck))(?! (?:is |seems )?(?:to )?(?:help|going down|working))", 3),
    # The cue is the conditional alone; the subject and a past verb must follow it ("god forbid my throat started
    # swelling"), so "in case it matters, my vision went double" imagines nothing.
    (COUNTERFACTUAL, "FORWARD", r"(?<!sorry )(?<!idk )(?<!know )(?<!sure )(?<!wondering )(?<!wonder )(?<!as )(?<!like )"
     r"(?<!see )(?<!ask )(?<!asked )(?<!check )(?<!even )(?<!describe )"
     r"\b(?:what if|if|in case|suppose|supposing|say|imagine|god forbid"
     r"|in the (?:unlikely |rare )?event(?: that)?)(?= (?:hypothetically |for example )?(?:i|someone|somebody|anyone"
     r"|a patient|she|he|my \w+(?: and (?:my )?\w+)?) (?:ever |suddenly |actually |really |somehow )?(?:felt|got|had(?! to)"
     r"|started|began|developed|became|went|were to|was to|experienced|noticed|ended up|lost|could not|swelled"
     r"|drooped|closed)\b)", None),
    (HYPOTHETICAL, "FORWARD", r"\bwhat would\b|\bhypothetical(?:ly)?\b|\b(?:keep |been )?(?:reading|hearing) (?:about|that)\b"
     r"|\b(?:told|tell|tells|say|says|said) (?:me )?(?:that )?(?:botox|tox|the botox|injections?) (?:can|could|may|might|will)\b"
     r"|\bsome (?:people|patients)\b|\bis true\b"
     r"|\bwhat if\b|\bin case\b(?! (?:it|this|that) (?:matters|helps|is (?:relevant|important)))|\bif\b|\bwhether\b|\bchances? (?:of|that)\b|\brisks? (?:of|that)\b"
     r"|\bany chance\b|\bhow (?:common|likely|rare|often|long)\b|\bsigns? of\b|\bsymptoms? of\b|\bwarning signs\b|\bis it true\b"
     r"|\b(?:read|heard|saw) (?:that|online|somewhere|it|about|people)\b|\bwhat happens\b|\bwhat do i do if\b"
     r"|\bshould i (?:watch|look) for\b|\bhow do i know\b|\bthe idea of\b"
     r"|\bprevent\b|\bavoid\b|\bhow would i know\b|\bwhat does it mean if\b|\bwould (?:that|it) be (?:an? )?(?:emergency"
     r"|serious|bad|normal)\b", None),
    (HYPOTHETICAL, "FORWARD", r"\b(?:can|could|does|do|will|would|might|may) (?:\w+\s+){0,3}?(?:cause|give (?:me|you|people|someone|her|him|them)|lead to"
     r"|result in|trigger|affect|mess (?:up|with)|make (?:it|you|people|someone|them) )", None),
    # Not after a subject: "i do botox every spring and this time my eyelid is drooping" tells, it does not ask.
    (HYPOTHETICAL, "FORWARD", r"(?<!\bi )(?<!\bwe )(?<!\bthey )(?<!\bshe )(?<!\bhe )"
     r"\b(?:can|could|does|do|will|would|might|may) (?:botox|it|this|that|the (?:treatment|shots?|injections?)"
     r"|injections?|tox|toxin|people|(?:someone|anyone)(?! (?:please )?(?:make|book|call|ring|help|see (?:me|us)|fit|squeeze|check|text|phone|answer|get back|tell|contact|reply|look|let))|a person|you (?:get|have|develop|still|be)|i (?:get|have|develop|still|be))\b"
     r"|\b(?:will|would|might|could|can) (?:i|my|your)\b|\bis (?:it|there) (?:possible|a risk|a chance|common|likely|rare|safe)\b", None),
    (HYPOTHETICAL, "FORWARD", r"\b(?:worried|afraid|scared|nervous|paranoid|concerned|anxious|terrified|freaked out)"
     r" (?:about|of|that|i would|i will|i might|i could|i may)\b|\bfear of\b|\bworry (?:about|that)\b", None),
    (HYPOTHETICAL, "BACKWARD", r"\b(?:a|the) (?:\w+ )?(?:side effect|risk|possibility)\b|\bcommon\b|\bever happen\b"
     r"|\bcan happen\b|\bhappen to\b|\bsomething that\b|\bnormal side effect\b|\bwarning signs?\b", None),
    # Habits and fears, not something happening now: "I faint at the sight of needles".
    (HYPOTHETICAL, "BIDIRECTIONAL", r"\b(?:needles?|shots?|the thought|blood|injections?) (?:\w+ )?makes? me\b|\bwhenever i (?:see|get|think|hear)\b"
     r"|\bevery time i (?:see|get|think)\b|\bat the sight of\b|\bwhen i see\b|\b(?:around|at) needles\b|\bpossible\b|\bthought of\b|\b(?:just )?thinking about\b|\bjust thinking\b"
     r"|\bsaw (?:a|an|this|that) (?:tiktok|video|post|reel|story|article|thread)\b|\bsomeone said\b|\bpeople say\b"
     r"|\bis (?:that|this|it) (?:a real thing|real|true|a thing)\b|\b(?:people|ppl|patients|anyone|someone) who\b"
     r"|\bever have (?:people|ppl|patients|anyone)\b|\bpeople\b(?= (?:\w+ ){1,5}sometimes\b)", None),
    (CURRENT, "BIDIRECTIONAL", rf"{_AFTER_WELL}\bsince\b{_NOT_SINCE_CHILDHOOD}|\bright now\b|\bcurrently\b|\bat the moment\b|\bthis (?:morning|afternoon|evening)\b"
     rf"|{_AFTER_WELL}(?<!recovered )\bnow\b|\btonight\b|\btoday\b|\byesterday\b|\blast night\b|\ball day\b|\bstarted\b|\bstarting\b|(?<!you )\bkeeps?\b|\bkept\b"
     r"|\bgetting worse\b|\bworse\b|\b(?:\d+|a few|few|couple(?: of)?|two|three|four|five|six|several) days? (?:ago|after|since|post|out|in)\b"
     r"|\b(?:an?|\d+|a few|few|couple(?: of)?|two|three|ten|twenty|half an?) (?:hours?|hrs?|minutes?|mins?) ago\b"
     r"|\bdays after\b"
     r"|\bis (?:this|that|it) normal\b|\bhelp\b|\b911\b|\bemergency\b|\bwhat do i do\b(?! if)"
     r"|\bwhat should i do\b(?! if)|\bsuddenly\b|\bjust now\b"
     r"|\bstill\b|\bwoke up\b|\ball of a sudden\b|\bbeen (?:having|feeling|getting)\b|\b(?:i am|she is|he is) (?:having|getting|feeling)\b"
     r"|\bhappening\b", None),
    # A symptom that has not gone, told right after it ("my vision went blurry an hour ago and hasn't cleared"); said of
    # a bruise before a question ("my bruise hasn't gone down, what are the signs of an allergic reaction?") it is not.
    (CURRENT, "BACKWARD", r"\b(?:has|have) not (?:cleared|gone away|gone down|settled|improved|got better)\b"
     r"|\b(?:getting|growing) bigger\b|\bas i (?:watch|type|write)\b", 5),
    # A warning the patient was given, then says is true: "told to call if I can't swallow, and I can't". The comma
    # is part of the match, so it does not end the reach back to the symptom.
    (CURRENT, "BACKWARD", r"(?:, ?)?\b(?:and|but|which) (?:um |uh |yes |yeah |well |honestly |now |really |still |sadly )*"
     r"(?:i|it|they|my \w+) (?:really |now |honestly )?(?:cannot|can not|do|does|am|is|are|have|has|did)"
     r"(?: (?:it|them|that|this|both))?(?: (?:right )?now)?(?= *(?:[.!,;?]|lol\b|$))", None),
    (CURRENT_HINT, "BIDIRECTIONAL", r"\b(?:a|an|one|the) day after\b|\bis (?:that|this|it) (?:an emergency|serious|bad)\b|\bam i (?:ok|okay)\b"
     r"|\bshould i (?:worry|be worried|go|wait|call)\b", None),
    # Breathless after the least effort ("after one flight of stairs") is a warning sign, not an explanation, and a
    # cause the patient denies or guesses at ("it's not from the heat", "maybe because of nerves?") explains nothing.
    (EVERYDAY_CAUSE, "BIDIRECTIONAL", r"(?<!not )(?<!is )(?<!be )(?<!was )(?<!maybe )(?<!probably )(?<!thought )"
     r"\b(?:from|after|following|bc|b/c|because(?: of)?|cuz|due to)"
     r" (?!(?:just )?(?:one|1|a single|a|a few) (?:flights?|steps?|stairs)|(?:just )?walking|(?:climbing|going up) (?:the |a few |some )?"
     r"(?:stairs|steps))(?:(?!botox|tox\b|treatment|injection)\w+ ){0,4}?(?:laugh(?:ing|ed|s)?(?! gas)"
     r"|gym|workout|working out|exercis\w*|spin class|cardio|hik(?:e|ing)|stairs|groceries|lifting|excite\w*|nerves"
     r"|yell\w*|shout\w*|scream\w*|cheer\w*|singing|karaoke|concert|crying|hangover|a cold|the flu"
     r"|running|sprinting|jogging|rushing|(?:my|a|the) (?:run|jog|hike|bus|train)"
     r"|hay fever|allergy season|pollen|prices?|bill|costs?|skipp(?:ed|ing) (?:breakfast|lunch|dinner|a meal)|the heat|the sun"
     r"|dehydrat\w*|hunger|hungry|low blood sugar|(?:have not|has not|had not|did not) eaten"
     r"|(?:new|old|wrong|scratched|dirty) glasses|(?:lack of|no|not enough|little) sleep"
     r"|gave blood|donating blood|(?:hip|knee) replacement|wisdom teeth|dental work|chlorine|cr(?:y|ied))\b"
     # A cause named together with the treatment explains nothing: "after the flu shot and the botox".
     r"(?!(?: \w+){0,2}? (?:and|&|plus) (?:the |my |getting |having |a )?(?:botox|tox|treatment|injections?|jabs?)\b)"
     r"|\b(?:bc|because|cuz) (?:i )?just woke up\b|\brunning late\b"
     r"|\b(?:ran|run|running|rushed|rushing|sprinted|jogged|hiked) (?:for|to|from|up|down) (?:the |a |my |\d+ |two |three |four |five )?"
     r"(?:train|bus|subway|metro|stairs|flights|station|office|gym|hill)\b|\b(?:carrying|lifting|moving) (?:\w+ )?(?:groceries|boxes"
     r"|furniture|house)\b|\b(?:yelling|shouting|screaming|cheering|singing) (?:at|during|for|along)\b"
     r"|\blooking at (?:my|the|your) (?:\w+ ){0,2}?(?:bill|prices?|total|statement|bank account)\b"
     r"|\bfrom (?:staring|chasing|chopping|gardening)\b|\bonions?\b|\bthe heat (?:\w+ )?(?:is|was) making me\b"
     r"|\b(?:burpees|workout|dancing|partying|laughing|crying|running)\b (?:\w+ ){0,3}?(?:til|till|until)\b"
     r"|\blaugh\w* so hard\b|\b(?:leg|arm) day\b|\b(?:forgot|lost|broke) (?:my )?glasses\b|\bdouble[- ]?book\w*"
     r"|\b(?:just )?finished (?:a |my )?(?:spin class|workout|run|class|training)\b|\belevator (?:is |was )?broken\b"
     r"|\bclimb\w* (?:up )?(?:\d+|five|six|seven|eight|ten) (?:floors?|flights)|\b(?:these|those|your|the) (?:prices|deals) (?:are|were)\b"
     r"|\b(?:was|been) at (?:a|the) (?:\w+ )?(?:concert|karaoke|festival|party|wedding)\b"
     r"|\bglasses (?:are|were) (?:so |really |all )?(?:scratched|dirty|smudged|old|broken)\b"
     r"|(?<!not my )(?<!not )\b(?:old|scratched|dirty|wrong|smudged) (?:glasses|prescription|contacts|lenses)\b",
     None, EXPLAINABLE),
    # The patient's usual (USUAL): "blurry without my reading glasses", "my normal dry eye", "hoarse because I talk all
    # day", "food feels stuck with my GERD", "can't catch my breath, been laughing".
    (USUAL, "BIDIRECTIONAL", r"\breading glasses\b|\bwithout (?:my )?(?:glasses|contacts)\b|\bcataracts?\b"
     r"|\bdry eyes?\b", None, frozenset({"urgent:vision"})),
    (USUAL, "BIDIRECTIONAL", r"\b(?:gerd|acid reflux)\b", None, frozenset({"urgent:swallowing"})),
    (USUAL, "BIDIRECTIONAL", r"\b(?:talk|talking|teach|teaching) all day\b", None, frozenset({"urgent:speech_voice"})),
    (USUAL, "BIDIRECTIONAL", r"(?<!not )(?<!nothing like )\b(?:my normal|normal for me)\b", None,
     frozenset({"urgent:vision", "urgent:speech_voice"})),
    # Not someone else's laughter ("my son is still laughing at me"), and not a symptom told after "now" or
    # "suddenly" (analyser.py: "been laughing all day and now I can't breathe" is a report).
    (USUAL, "BIDIRECTIONAL", r"(?<!is )(?<!are )(?<!was )\b(?:been|keep|kept|cannot stop|could not stop) laughing\b", None,
     frozenset({"urgent:breathing"})),
    (USUAL, "BIDIRECTIONAL", r"\b(?:reading|seeing) (?:\w+ ){0,2}?reviews\b", None, frozenset({"urgent:vision"})),
    # Sleepiness explains heavy eyes, nothing else: "can't keep my eyes open after a night shift".
    (SLEEPINESS, "BIDIRECTIONAL", r"(?<!not )\b(?:sleepy|drowsy|exhausted|tired(?! of)|jet ?lagged|night shifts?|long flight"
     r"|(?:no|little|not enough) sleep|(?:will not|won't|wont) let me sleep|(?:up|awake) (?:past|until|till) \d+"
     r"|past \d+ ?pm|hay ?fever"
     r"|in the wind)\b", None, frozenset({"urgent:eyelid_droop_with_weakness"})),
    # "can't talk, I'm in a meeting" is busy, not a symptom; only speech, so "I'm at work and can't breathe" stays urgent.
    (EVERYDAY_CAUSE, "BIDIRECTIONAL", r"\b(?:i am|i'm|im) (?:in a meeting|at work|in class|driving|on a call|at the movies)\b",
     None, frozenset({"urgent:speech_voice"})),
    (EVERYDAY_CAUSE, "BIDIRECTIONAL", r"\bat (?:a|the) (?:\w+ )?(?:concert|karaoke|festival|game|match)\b", None,
     frozenset({"urgent:speech_voice"})),
    # A thing's, not a person's: "my phone keeps blacking out", "seeing double on your website", "the wifi is weak".
    (EVERYDAY_CAUSE, "FORWARD", r"\b(?:my|our|the|your) (?:phone|laptop|computer|tv|car|battery|screen) (?:keeps|kept|is|was)\b",
     4, EXPLAINABLE),
    (EVERYDAY_CAUSE, "BIDIRECTIONAL", r"\b(?:my|our|the|your) (?:\w+ )?(?:website|web site|booking page|app|wifi|signal|camera"
     r"|lens|photos?|pics?|videos?)\b", 6, EXPLAINABLE),
    (TREATMENT_LINK, "BIDIRECTIONAL", r"\b(?:after|from) (?:my|the|her|his) (?:\w+ )?(?:botox|tox|treatment|injections?|shots?"
     rf"|appointment|appt) (?:on |last |this )?(?:{_DAYS}|yesterday|today|this morning|last night)\b"
     r"|\bsince (?:my |the |getting |having |that )?(?:\w+ )?(?:botox|tox|treatment|injections?"
     r"|shots?|appointment|appt|session|procedure|visit|jab)\b|\bpost[- ]?(?:botox|treatment|injection|tox)\b"
     r"|\b(?:is|could) (?:this|it|that) (?:be )?(?:the|from the|from my|my) (?:\w+ )?(?:botox|tox|injections?)\b", None),
    (QUESTION, "FORWARD", r"(?:^|(?<=[.!?:;] )|(?<=[.!?:;]))(?:is|are|can|could|does|did|will|would|should|has"
     r"|whats|what's|what|how|which)\b(?=[^.!]*\?)", None),
    (FIRST_PERSON, "BIDIRECTIONAL", r"\b(?:i|im|i'm|ive|i've|i'd|i'll|my|me|mine|myself)\b", None),
    # "are these hives from the botox?": a symptom pointed at is here, not asked about in general.
    (FIRST_PERSON, "FORWARD", r"\b(?:these|this)\b(?= (?:\w+ )?(?:hives|welts|bumps|rash|blotches|spots|swelling)\b)"
     r"(?![^.!?]*\b(?:photos?|pictures?|pics?|images?|leaflet|website|video|look like)\b)", 2),
    (HISTORICAL, "BIDIRECTIONAL", r"\b(?:years?|yrs?|a decade|decades) ago\b|\byears back\b|\bmonths ago\b|\bas a (?:kid|child|teen|teenager|baby)\b"
     r"|\bwhen i was (?:a |little|young|younger|in|pregnant)\b|\bgrowing up\b|\bused to\b|\bback in\b|\bin the past\b"
     r"|\bhistory of\b|\bwent away\b|\bgone now\b|\bis gone\b(?! (?:\w+ ){0,2}?(?:hoarse|raspy|croaky|husky|quiet|weak|numb"
     r"|droopy|blurry|slurred|heavy|floppy|limp|funny|weird|stiff|puffy|swollen|itchy|red|angry|infected|inflamed|worse)\b)|\bhas passed\b|\bpassed\b(?! out)|\bresolved\b|\bcleared(?: up)?\b"
     r"|\bbetter now\b|\ball better\b|\bno longer\b|\bnot anymore\b|\blast (?:year|winter|summer|spring|fall|autumn)\b|\bin (?:19|20)\d\d\b"
     r"|\blong time ago\b|\bages ago\b|\bchildhood\b|\bhad my baby\b|\bgave birth\b|\bstopped\b(?= (?:breastfeeding|nursing|pumping|taking))|\bdone\b(?= (?:breastfeeding|nursing))"
     r"|\b(?:is|are|its|it's|all|feels?) (?:fine|better|good|normal|gone|ok|okay) now\b|\bfine now\b|\blast time\b"
     r"|\bmy last (?:botox|treatment|appointment|session|round|visit)\b|\bprevious (?:botox|treatment)\b|\bat another (?:spa|clinic|place|office)\b"
     r"|\bweaned\b|\bfinished (?:my |the )?(?:antibiotics|course|meds|medication)\b|\bquit taking\b|\bcame off\b"
     r"|\bhealed\b|\bfixed now\b|\b(?:fully |completely )?recovered\b|\bback then\b|\bonce before\b|\bonce\b(?= *[,.!?]| *$)|\bonce (?:at|in|when|giving|during|as)\b"
     r"|\bwhen i was \d+\b|\bin (?:college|high school)\b|\bback to normal\b|\bnever since\b"
     r"|\bin my (?:teens|20s|30s|40s|twenties|thirties|forties)\b|\b(?:was|felt) fine after(?:wards)?\b", None),
    # A resolution with its day, after the symptom: the day says when it ended, not that it is happening ("the wheeze
    # went away yesterday"). Longer than the day alone, so it wins over CURRENT's "yesterday" on the same words. Not a
    # voice that went away (that is the symptom), "gone since Monday" (still gone), nor one that came back.
    (HISTORICAL, "BACKWARD", r"(?<!voice )(?<!voice has )(?<!voice just )(?<!voice completely )"
     r"\b(?:went away|cleared(?: up)?|gone|resolved|disappeared|settled) (?:completely |fully |totally )?"
     r"(?:yesterday|last night|this morning|(?:on |by )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
     r"|over the weekend|a (?:few|couple(?: of)?) days ago|\d+ days ago)\b"
     r"(?![^\n]{0,120}?\b(?:back|again|return\w*|worse|started|still)\b)", None),
    # "I had an allergic reaction to Dysport before": a past reaction, which the toxin allergy defers. Short reach,
    # so "I had a reaction an hour ago and my throat is closing" keeps the throat now.
    (HISTORICAL, "FORWARD", r"\b(?:had|gave me)\b(?= (?:an?|some|a bad|a mild) (?:\w+ )?(?:allergic )?reaction)", 4),
    (HISTORICAL, "BACKWARD", r"\bbefore\b(?= *(?:[,.!?]|but\b|$))", 6),
    (ANIMAL, "FORWARD", r"\b(?:my|our|the) (?:dogs?|pupp(?:y|ies)|pup|cats?|kittens?|goldfish|fish|birds?|parrot"
     r"|hamster|pets?|horse|rabbit|bunny)\b", 4),
    (OTHER_PERSON, "BIDIRECTIONAL", rf"\bmy (?:{_PEOPLE})s?\b|\b(?:she|he|her|him|they|someone|somebody)\b", None),
    (SECONDHAND, "BIDIRECTIONAL", SECONDHAND_SOURCES["en"], None, URGENT_LABELS),
    (MILD, "BIDIRECTIONAL", r"\ba (?:little|bit|tiny bit|touch)\b|\bslight(?:ly)?\b|\bbit\b|\bmild(?:ly)?\b|\bsmall\b|\btiny\b"
     r"|\bminor\b|\bwhere (?:the|they|she|he) (?:needle|injected|poked|went in)\b|\binjection (?:site|spot|point)s?\b"
     r"|\bat the (?:site|spot)s?\b", 5),
    (LONG_AGO, "BACKWARD", rf"[,;] (?:(?:that|it|this|all that|all this) (?:was|is|happened) )?(?:about |around |over "
     rf"|maybe |probably |at least |like (?=an? |\d|one|two|three|four|five|six|seven|eight|nine|ten|twenty))?(?:{_LONG_AGO})(?= *(?:lol|lmao|haha|tho|though|i think|or so)?(?: *[.!?\n]|$))",
     None, URGENT_LABELS),
    # A resolution that ends its clause, without a subject of its own, reaches back across a comma ("could hardly
    # swallow for a few days, all cleared up now"); "I had botox last year, I cannot swallow" and "I can't breathe,
    # it's better than the bruise" keep the symptom now. It reads as PAST. The comma is part of the match, so this
    # longer modifier wins over HISTORICAL's shorter one on the same words.
    (RESOLVED, "BACKWARD", r"(?:\b(?:it|that|which|all|they|those|both|everything)(?: has| had| have| is| was| were| are|'s)?"
     r" (?:all |completely |totally |fully )?(?:cleared(?: up)?|went away|gone(?: away)?|resolved|healed|better|fixed"
     r"|back to normal)|\b(?:fully |completely )?recovered|[,;.] (?:and )?(?:all |completely |totally |fully )?"
     r"(?:healed|cleared up|went away|resolved|gone|(?:fine|better|ok|okay|normal)(?= now)|back to normal"
     r"|(?:was|felt) fine after(?:wards)?)|(?:\b(?:it|she|he|i)(?: has|'s| was| is)? )?(?:been )?(?:fine|good|okay|ok|great|normal)"
     r" (?:ever )?since(?: then| (?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*)?|\b(?:she|he|i) (?:was|felt) fine after(?:wards)?"
     r"|\ball cleared|\bthen (?:good|fine|normal|ok|okay)|\bafter (?:\d+|a few|some|ten|two|three) (?:days|weeks) (?:normal|fine|ok|good)"
     # "normal since wed", "clear since", "it's been perfect for a week now", "today day 6 totally normal"
     rf"|{_OWN_CLAUSE}(?:been )?(?:fine|good|ok|okay|great|normal|clear|perfect) since"
     rf"(?: (?:{_DAYS}|yesterday|last week|the weekend|then))?\b(?!\s*\?)"
     rf"|{_OWN_CLAUSE}(?:been|all) (?:perfect|fine|normal|good|great|clear) for (?:a |two |three |\d+ |several |a few "
     r"|a couple of )?(?:week|weeks|days|months?) now\b(?!\s*\?)"
     r"|[,;] (?:and )?(?:today|now)(?: (?:is )?day \d+)?,? (?:i am |it is |all |totally |completely |back to |100% )*"
     r"(?:normal|fine|perfect|good)\b(?!\s*\?))"
     r"(?:\s+(?:now|completely|fully|on (?:its|their) own|again))?(?=\s*(?:[,.;!?]|👍|🙂|😊|$))", None),
    # A comma ends a denial, a question, a "now" and a past reference too ("can't read without squinting, everything
    # blurry"): analyser.py makes every category but RESOLVED end at a CLAUSE_BREAK.
    (CLAUSE_BREAK, "PSEUDO", r"[,;:]", 1),
    # Scope 1: medspaCy's overlap test misses a terminator whose scope contains the other's whole scope.
    ("TERMINATE", "TERMINATE", r"\bbut\b|\bhowever\b|\bthough\b|\balthough\b|\bexcept\b|\byet\b|\balso\b|\bplus\b"
     r"|\bbesides\b|\banyway\b", 1),
    # "can't finish a glass without sputtering" reports the sputtering.
    ("PSEUDO", "PSEUDO", r"(?:cannot|could not|can barely|can hardly)(?: \w+){1,5} without\b", None),
    ("PSEUDO", "PSEUDO", r"\bno idea\b|\bnot just\b|\bnot only\b|\bno matter\b|\bnot normal\b|\bnot right\b|\bnot (?:ok|okay)\b"
     r"|\bnot going away\b|\bno better\b|\bthan (?:normal|usual)\b|\bnot sure\b|\b(?:nothing|none|not|ever) since\b|\bnot go(?:ing)? down\b"
     r"|\basked (?:me )?if\b"
     # "never had my throat close up like this before" reports it: neither a denial nor the past.
     r"|\bnever (?:had|felt|seen|experienced) (?:\w+ ){0,6}?like this(?: before)?\b|\blike never before\b"
     r"|\bdoubt (?:it is|its|it's|that is|this is) (?:from|because of) (?:the |a |my )?\w+", None),
]

SPANISH: List[Rule] = [
    # Only for symptoms, as in English: "no" also asks for a yes ("estoy embarazada, no?").
    (NEGATED, "FORWARD", r"\bnada\b|\bno\b(?! (?:tengo|he tenido|siento|hay|estoy|esta|me (?:cuesta|duele|pica|falta|siento)"
     r"|veo (?:borroso|doble|nublado)))", 3, URGENT_LABELS),
    (NEGATED, "FORWARD", r"\bno tengo\b|\bno he tenido\b|\bno siento\b|\bno hay\b|\bsin\b|\bnada de\b|\bningun\w*\b"
     r"|\btampoco\b|\bno\b(?= (?:estoy|esta|me (?:cuesta|duele|pica|falta|siento)))|\bno\b(?= veo (?:borroso|doble|nublado))", 5),
    (HYPOTHETICAL, "BACKWARD", r"\b(?:es )?un efecto (?:comun|secundario)\b|\bes (?:algo )?comun\b", None),
    (COUNTERFACTUAL, "FORWARD", r"(?<!como )(?<!se )\b(?:en caso de que|y si|si|supongamos que|imagina que|imaginemos que|digamos que)"
     r"(?= (?:yo |alguien |mi \w+ )?(?:me |le |se me |se le )?\w+(?:ara|iera|ase|iese)n?\b)", None),
    (HYPOTHETICAL, "FORWARD", r"\bla gente\b|\bque pasa si\b|\bsi\b|(?<!no )\bpueden?\b|\bpodria\b|\bes posible\b|\briesgos?\b"
     r"|\bcausa\b|\bprovoca\b|\bmiedo\b|\bme preocupa que\b|\bsenales de\b|\bsintomas de\b|\bes verdad\b|\blei que\b"
     r"|\bescuche que\b|\bse puede\b"
     r"|\ben caso de\b|\bevit\w*|\bpara que no\b", None),
    (CURRENT, "BIDIRECTIONAL", r"\bdesde\b|\bahora\b|\bayer\b|\bhoy\b|\besta (?:manana|noche|tarde)\b|\banoche\b|\bempez\w*"
     r"|\bcada vez\b|\bes normal\b|\bayuda\b|\bauxilio\b|\burgente\b|\bhace (?:\d+|unos|dos|tres|un par de) dias\b"
     r"|\bdespues de (?:mi|la|el|las) (?:cita|aplicacion|inyeccion\w*|botox|tratamiento)\b|\btodavia\b|\bsigo\b|\bque hago\b(?! si\b| en caso)"
     r"|\bestoy (?:teniendo|sintiendo)\b|\bde repente\b", None),
    # A warning the patient then confirms: "me dijeron que llame si no puedo tragar, y no puedo".
    (CURRENT, "BACKWARD", r"(?:, ?)?\by (?:si,? |pues |ya |ahora |claro,? )*(?:no puedo|no pude|estoy \w+ndo \w+|me pasa|me esta"
     r" pasando|asi estoy)(?= *(?:[.!,;?]|$))", None),
    (HISTORICAL, "BIDIRECTIONAL", r"\bhace (?:como |unos |mas de |casi )?(?:\w+ )?anos?\b|\buna vez\b(?! que)|\bde (?:adolescente|joven|chic[oa]|pequen[oa])\b|\bya estoy bien\b|\bde nin[oa]\b|\bcuando era\b|\bya (?:paso|se me quito|no)\b"
     r"|\bla ultima vez\b|\bla vez pasada\b|\bla otra vez\b|\bdeje de\b|\btermine\b|\bhace tiempo\b|\bel ano pasado\b|\bse curo\b", None),
    (HISTORICAL, "BACKWARD", r"\b(?:ya )?se (?:me )?(?:quito|paso|fue)(?: del todo)? (?:ayer|anoche|esta manana|el (?:lunes|martes|miercoles"
     r"|jueves|viernes|sabado|domingo)|hace (?:\w+ )?dias)\b(?![^\n]{0,120}?\b(?:volvi\w*|regres\w*|vuelto|otra vez|de nuevo|peor)\b)", None),
    # Only a resolution that ends its clause: "no puedo tragar, ya se me quito la fiebre" resolves the fever.
    (RESOLVED, "BACKWARD", r"(?:(?:^|[,;] ?|\by )(?:ahora |hoy )?ya (?:estoy|me siento) (?:totalmente |completamente |del todo )?normal"
     r"|\bya (?:estoy bien|paso|se (?:me )?quito|se (?:me )?fue|no (?:me )?(?:ha vuelto|volvio) a pasar)"
     r"|se (?:me )?curo|ya sane)(?=\s*(?:[,.;!?]|$))", None),
    (ANIMAL, "FORWARD", r"\bmi (?:perr[oa]\w*|gat[oa]\w*|mascota|pez|pajaro|conejo|caballo)\b", 4),
    (NEGATED, "FORWARD", r"\bni\b(?! (?:siquiera|puedo|puede|podia|pude))", 3, URGENT_LABELS),
    (EVERYDAY_CAUSE, "BIDIRECTIONAL", r"(?<!no es )(?<!sera )(?:\bno llevo (?:las |mis )?gafas\b|\bpor la mudanza\b"
     r"|\bde tanto (?:cantar|gritar|reir|llorar|correr)\b|\bpor (?:el calor|los nervios|correr|reir(?:me)?|cantar|gritar)\b"
     r"|\bcuando vi (?:el|la|los|las) (?:trafico|precio|cuenta|factura)\b)", None, EXPLAINABLE),
    (OTHER_PERSON, "BIDIRECTIONAL", r"\bmi (?:mama|madre|papa|padre|hermana|hermano|esposo|esposa|marido|pareja|novio|novia"
     r"|amig[oa]|hij[oa]|abuel[oa]|tia|tio|prima|primo|suegra|vecin[oa])\b|\bella\b", None),
    (SECONDHAND, "BIDIRECTIONAL", SECONDHAND_SOURCES["es"], None, URGENT_LABELS),
    (MILD, "BIDIRECTIONAL", r"\bun poco\b|\bpoquito\b|\bleve\w*\b|\bligera\w*\b|\bdonde (?:me )?(?:inyectaron|pincharon)\b", 5),
    ("PSEUDO", "PSEUDO", r"\bno hay problema\b|\bno pasa nada\b|\bno importa\b|\bno se\b", None),
    (CLAUSE_BREAK, "PSEUDO", r"[,;]", 1),
    ("TERMINATE", "TERMINATE", r"\bpero\b|\baunque\b|\bsin embargo\b|\btambien\b", 1),
]


# The urgency net reads what the rules could not; it does not overrule a patient who says the serious things are fine
# ("breathing fine, throat normal") or that it is over ("all cleared up now", "fine since then") without a sign of now.
_SYSTEMS_FINE = re.compile(
    r"\b(?:breathing|breath|throat|swallowing|vision|eyes?|eyesight|voice|speech|eating|drinking)\b (?:\w+ ){0,2}?"
    r"(?:totally |completely |perfectly |100% )?(?:fine|normal|ok|okay|good|perfect)\b"
)
_OVER = re.compile(
    r"\b(?:(?:is |its |it's )?gone now|went away|cleared up|resolved|recovered|better now|all better|back to normal"
    r"|(?<!not )(?<!nothing is )(?:fine|normal|clear|perfect) now"
    r"|(?<!not )(?<!not been )(?<!never )(?<!never been )(?:fine|good|ok|okay|great|normal|clear|perfect) (?:ever )?since"
    r"|sorted (?:it|that|this|them)(?: out)?)\b"
)
_NOW_BY_LANGUAGE = {
    language: [re.compile(pattern) for category, _, pattern, *_ in rules if category in (CURRENT, TREATMENT_LINK)]
    for language, rules in (("en", ENGLISH), ("es", SPANISH))
}
_NOW = _NOW_BY_LANGUAGE["en"]


def says_all_is_well(text: str) -> bool:
    return bool(_SYSTEMS_FINE.search(text)) or (bool(_OVER.search(text)) and not says_now(text))


def says_now(text: str) -> bool:
    return any(now.search(text) for now in _NOW)


# What an imagined question asks about later, or of the clinic, is no moment of now: "could I still drive home?", "do
# you keep an epipen?", "should I call you or 911?", "is that an emergency?", "¿voy a urgencias?".
_ASKED_ABOUT_LATER = re.compile(
    r"\b(?:could|can|would|will|should|do) (?:i|you|we|she|he) (?:still|keep)\b"
    r"|\b(?:call|ring|dial|phone|go to|head to|go straight to|text)\b (?:\w+ ){0,2}?(?:911|the er|er|an? er|emergency room"
    r"|the hospital|an? hospital|urgent care)(?: or (?:\w+ ){0,2}?(?:you|the clinic|911|the er|er|an? hospital))?"
    r"|\b(?:you|the clinic|you guys) or (?:911|the er|er|the hospital|an ambulance)\b"
    r"|\bis (?:that|it|this|911) (?:an? |the )?(?:emergency|911|move)\b"
    r"|\b(?:emergency|911) (?:situation|stuff|kit|line|number|room|care|plan)\b"
    r"|\b(?:voy|ir|llamo|llamar) (?:a |al )?(?:urgencias|911|emergencias)\b"
)


# The long-ago afterword (LONG_AGO, analyser._dated_long_ago): what keeps a time long ago from dating a symptom.
# Said now, going on or asking for help: a sentence that says any of it is not dated by a time long ago after it.
PRESENT = re.compile(r"\b(?:\w+ing|am|is|are|be|been|cannot|can|will|wo|keeps?|still|now|rn|currently|started|since"
                     r"|today|tonight|again|feels?|looks?|seems?|hurts?|do|does|need|needs|help|please|pls|911)\b"
                     r"|'(?:s|re|m)\b")
# Between the symptom and the time, only how it was or what caused it ("swelled shut from a hair dye", "for a day",
# "at a concert from the heat"), with no verb, person, treatment or product of its own: anything more may be what the
# time dates instead ("my throat closed up like with penicillin, years ago", "lips swelled up from my filler, that was
# in 2022", "from the pills i got, last year").
HOW_OR_WHY = re.compile(r"(?:(?:up|shut|out|all over|badly|once)\s*)?(?:for (?:a|an|one|two|three|\d+) \w+\s*)?"
                        r"(?:(?:from|to|after|with|on|at|in|during) (?:a |an |the |some |my )?\w+(?: \w+){0,2}\s*)"
                        r"{0,2}")
NOT_HOW_OR_WHY = re.compile(r"\w\wed\b|\b(?:i|we|you|she|he|they|it|fillers?|juvederm|restylane|voluma|sculptra"
                            r"|radiesse|kybella|dysport|xeomin|jeuveau|daxxify|botox|tox|injections?|shots?|lash\w*"
                            r"|tint|peel|implants?|threads?|pills?|meds|medicines?|antibiotics?|supplements?)\b")
# A second event, a comparison, this visit or today in the sentence: the time may belong to something else.
ANOTHER_EVENT = re.compile(r"\b(?:like|same|similar|just|has|have|had the|the way|the time|which|when|this time"
                           r"|too|also|tonite|earlier|minutes?|mins?|an? hour|last (?:hour|few|couple|\d+)"
                           r"|\d+ ?(?:am|pm)|at (?:lunch|dinner|breakfast|brunch|work|school)"
                           r"|(?:the|todays?|these|your|my) (?:botox|tox|shots?|injections?|appointment|appt"
                           r"|treatment)|you)\b")
# What may follow the dated sentence: nothing, or an aside that tells or asks about treatment ("just letting you know
# before the appt", "botox ok?", "can I still get botox?"). Anything else may say it happened again ("same thing at
# lunch", "did it again in your lobby", "what do we do"), and no list of such words is ever whole.
ASIDE = re.compile(
    r"(?:lol|lmao|haha|tho|though|i think|or so)?"
    r"|(?:just )?(?:letting you know|so you know|fyi|for the record|for your records|thought i should mention it)"
    r"(?: before (?:my|the) (?:appt|appointment|consult|consultation|visit))?"
    r"|(?:is |would )?(?:botox|tox|it|that|this) (?:still )?(?:be )?(?:ok|okay|safe|fine|a problem)(?: for me)?"
    r"|(?:can|could) i still (?:get|have|do) (?:botox|tox|it|the treatment)|any (?:issues?|problems?|concerns?)"
    r"|(?:does|will|would) (?:that|it|this) matter"
)


# Asking for help, or what someone does in an emergency: "on my way to the er", "should I take benadryl?", "auxilio".
_HELP = re.compile(r"\b(?:er|hospital|ambulance|epi ?pen|benadryl|antihistamines?|asap|hurry|call me|scared|terrified"
                   r"|panick?\w*|dizzy|help|911|urgent|emergency|cannot|can not|ayuda\w*|auxilio|socorro)\b")


def says_now_or_asks_for_help(text: str) -> bool:
    """A moment of now in English other than a question about later or the clinic ("can I still get botox?"), or a
    call for help."""
    return says_now(_ASKED_ABOUT_LATER.sub("", text)) or bool(_HELP.search(text))


def says_now_beyond_a_conditional(text: str, language: str) -> bool:
    """A moment of now other than those an imagined question carries itself ("if I started having trouble
    swallowing, who do I call, you or 911?"): "it's happening right now", "since Monday"."""
    text = _ASKED_ABOUT_LATER.sub("", text)
    return any(not ASKED_WITH_A_CONDITIONAL.fullmatch(match.group().strip(" ,"))
               for now in _NOW_BY_LANGUAGE.get(language, []) for match in now.finditer(text))
