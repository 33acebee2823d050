"""What counts as an urgent symptom, a contraindication, a dose request or an ordinary check-in, in patients' words.

Each entry is a medspaCy TargetRule pattern (a regular expression over the normalised message: lower case, no
accents, slang expanded, typos of these words corrected). The label is "<kind>:<name>" (findings.py). Sources:
the FDA boxed warning and contraindications for BOTOX Cosmetic (../shared/clinic-facts.md).
"""

from __future__ import annotations

from typing import Dict, List, Tuple

# "Cannot swallow", "hard to breathe", "can barely talk", "struggling to swallow", "trouble with swallowing".
_TROUBLE = (
    r"(?:cannot|could not|can barely|can hardly|barely|hardly|unable to|not able to|struggl\w*(?: to)?|trouble"
    r"|difficulty|difficult|hard|harder|problems?|issues?|hard time|tough time|impossible)"
)
_UP_TO_TWO_WORDS = r"(?:\w+\s+){0,2}?"
_IS = r"(?:is|are|feels?|felt|get|got|gets|getting|gotten|went|gone|has been|been|seems?|keeps?|sounds?|looks?|started)"
_BODY = r"(?:arms?|legs?|body|neck|hands?|muscles?|shoulders?|whole body|entire body)"
_TOXINS = r"(?:botox|dysport|xeomin|jeuveau|daxxify|letybo|botulinum|toxins?|neurotoxins?|tox)"

# An eyelid as the subject, not a jar's, a bin's or a laptop's lid nor eyelid tape, and a sentence about a droop, not
# lash glue, makeup, a doll, a photo, an eye exam, sleepiness or age (the eyelid words' two code reviews, docs/safety.md).
_AN_EYELID = (r"(?:\beye ?lids?\b|\b(?:my|her|his) (?:(?:left|right) )?(?:upper )?(?:eye ?)?lids?\b)"
              r"(?! (?:tape|tapes|stickers?|strips?|primer|pack|packet|tube|weights?|brush|glue|surgery|skin|crease)\b)")
# Eye products, not an eye: "my eye cream", "one eye shadow palette".
_EYE_PRODUCTS = r"cream|drops?|shadow|serum|gel|mask|liner|pencil|palette|bag|patch|wash|makeup|primer|glitter|tape|tube"
_AN_EYE = rf"\b(?:(?:my|her|his) (?:left |right )?|left |right |one )eyes?\b(?! (?:{_EYE_PRODUCTS}|exam))"
_NOT_A_DROOP = (r"(?![^.!?]*\b(?:jar|laptop|bin|toilet|boot|trunk|box|piano|cooler|hamper|serum|bottle|pot|pan|glue|lash\w*"
                r"|falsies|doll\w*|drawing|photo|pic|picture|sleepy|asleep|night shift|with age|always|since birth"
                r"|liner|eyeliner|makeup|lens"
                r"|hinge|stove|suitcase|tupperware|mug|thermos|container|grill|mascara|eyeshadow|shadow|primer"
                r"|movie|lecture|boring|bored|selfies?|headshot|video|brow lift|bleph\w*|blefaroplastia|hooded"
                r"|since i was|my whole life|for years|siempre)\b)")

ENGLISH: Dict[str, List[str]] = {
    "urgent:swallowing": [
        # the dev21/dev22 round: "swallowing = impossible atm", "each mouthful gets stuck"
        r"\bswallow\w*\s*(?:=|is|feels|seems)?\s*(?:basically |literally |nearly |almost |just )?impossible\b"
        r"|\b(?:each|every) (?:mouthful|bite|sip) (?:\w+ ){0,2}?(?:gets?|getting|is getting) stuck\b"
        r"(?! in (?:my |the |this |a )?(?:braces|straw|teeth|cup))",
        # the dev19 round: "every time I swallow it feels like it's heading for my lungs", "forgotten how to swallow"
        r"\bswallow\w* (?:\w+ ){0,6}?(?:goes|going|heading|went) (?:\w+ ){0,3}?(?:lungs|wrong pipe)|\b(?:forgot|forgotten) how to swallow\b(?! pills| tablets)"
        r"|\b\d+ tries to (?:swallow|get (?:one |a |the |my )?(?:grape|bite|sip|pill|water|food|it) down)",
        r"(?:hard time|trouble|struggl\w*|cannot|could not|can barely|can hardly|(?:a|real) (?:job|chore|battle|mission"
        r"|workout)) (?:\w+\s+){0,2}?get(?:ting)? (?!(?:the |my |our |her |his )?(?:kids?|baby|babies|children|toddlers?"
        r"|son|daughter|dog|weight|price|cost|bill|numbers?|costs?|stairs|hill)\b)(?:\w+\s+){0,2}?"
        r"down|(?:stuck|sits?|sitting) (?:\w+\s+){0,3}?(?:halfway down|at the back of my throat)|not go(?:ing)? down"
        r"|(?:comes?|came|coming) (?:(?:back )?(?:out )?(?:through|thru|of|out)|back up) (?:my |her |his )?nose",
        r"\bdrool\w*|(?:cannot|could not|hard to|trouble|struggl\w* to) chew\w*|throat (?:\w+\s+){0,3}?(?:weird|funny"
        r"|tight|closed|blocked|heavy|weak|lazy|not working)|lump in (?:my |the )?throat|(?:water|drinks?|food|liquid) (?:\w+\s+){0,2}?"
        r"(?:dribbl\w*|leak\w*|spill\w*|pour\w*) (?:out|down)|(?:cannot|could not) keep (?:water|food|drinks?) in",
        rf"{_TROUBLE}\s+{_UP_TO_TWO_WORDS}swallow\w*(?!\s+the (?:idea|thought|cost|price))",
        rf"swallow\w*\s+(?:\w+\s+){{0,3}}?{_IS}\s+(?:\w+\s+)?(?:hard|difficult|weird|off|strange|funny|painful|tough"
        r"|impossible|different|wrong|tricky)",
        r"(?:food|water|drinks?|liquids?|pills?|coffee|tea|soup|juice|everything|bites?|spit|saliva)\s+(?:\w+\s+){0,4}?"
        r"(?:stuck|(?:comes?|came|coming) (?:back )?(?:up |out )?(?:of |through )?(?:my )?nose"
        r"|(?:goes|going|went) down (?:the )?wrong|(?:will not|wo not|not) go(?:ing)? down|dribbl\w*|leak\w*)",
        r"chok\w*\s+(?:\w+\s+){0,2}?on\s+(?:\w+\s+){0,2}?(?:food|water|drinks?|liquids?|spit|saliva|everything|coffee"
        r"|tea|soup|juice|bites?|pills?)",
        r"(?:cannot|could not|try(?:ing)? to|hard to|struggl\w* to) get (?:\w+\s+){0,2}?down|(?:sits?|sitting|stuck) in my throat"
        r"|(?:will not|not|does not|do not) (?:want to )?go(?:ing)? down|(?:am|keep|keeps|kept|been) chok\w*"
        r"|swallow (?:\w+\s+)?(?:twice|two or three times|several times|multiple times|a few times|over and over)"
        r"|chok\w* (?:\w+\s+){0,3}?(?:when|every time|while|whenever) (?:i |she |he )?(?:eat|drink|swallow)\w*"
        r"|weak\w* (?:\w+\s+)?(?:throat|swallowing)",
        r"\bdysphagia\b|\bgagging\b|swallow\w* (?:problems?|issues?|trouble|difficult\w*)",
        r"(?:stuck|stops?|stopping|sits?) (?:\w+\s+){0,3}?(?:halfway|on the way down|part way)|(?:goes|gets|went|got) halfway"
        r"|cough\w* (?:\w+\s+){0,2}?(?:back )?up (?:\w+\s+)?(?:food|soup|water|drinks?|bites?|dinner|lunch|breakfast)"
        r"|(?:tries|attempts) to swallow|\bsputter\w*|make (?:it|food|them|anything) go down|(?:still )?feels? stuck"
        r"|(?:solid|anything|food|bites?|it) (?:\w+\s+){0,2}?gets? caught|caught in my throat"
        r"|swallow\w* (?:\w+\s+){0,3}?(?:is|feels) like a (?:whole )?(?:project|struggle|battle|chore|workout|effort)"
        r"|swallow (?:does not|did not|will not|is not) (?:kick in|work|happen)|(?:spit|spat) out (?:my |the |a )?"
        r"(?:food|sandwich|lunch|dinner|breakfast|bite|meal)"
        r"|cough\w* (?:\w+\s+){0,2}?(?:back up|when|every time|whenever|while) (?:i |she |he )?(?:tr(?:y|ies|ied) to )?"
        r"(?:swallow|eat|drink)\w*|(?:spit|spat) (?:\w+\s+)?(?:food|lunch|dinner|breakfast|it) (?:back )?out",
    ],
    "urgent:breathing": [
        # the dev21/dev22 round: "I have to sit bolt upright to breathe", "I have to concentrate to breathe in"
        r"\b(?:have|need|had) to (?:sit|stay|prop myself) (?:\w+ ){0,2}?(?:upright|up) to (?:breathe|get (?:air|a breath))"
        r"|\b(?:have|need) to concentrate to breathe\b(?![^.!?]*\b(?:yoga|meditat\w*|pilates|class|workout)\b)",
        # the dev19 round: "trying to get air", "the air won't go all the way down", "my lungs feel half full"
        r"\btrying to get air|\b(?:gasp\w*|struggl\w*) for air|\bair (?:will not|wo not|cannot|does not) (?:go|get) all the way (?:in|down)"
        r"|\blungs (?:feel|are) (?:\w+ )?(?:half full|half empty)",
        r"huffing and puffing|\b(?:i am|am|been|keep|was) (?:\w+\s+)?puffing\b(?! (?:up|on|out|away|at|in|and))"
        r"|(?:stop|pause|sit down) (?:\w+\s+){0,3}?(?:to )?(?:breathe|catch my breath|pull air)"
        r"|pull(?:ing)? air in|breath\w* (?:\w+\s+)?through a straw|run(?:ning)? out of (?:air|breath)|out of air"
        r"|(?:sitting|standing|elephant|weight) on my chest|breath\w* (?:really |so |very )?hard (?:just |while |when |sitting)|air (?:\w+\s+){0,2}?(?:not|never) (?:going|getting) (?:in|all the way)",
        r"(?:cannot|could not|hard to|struggl\w* to|trouble) (?:get|pull|draw|suck) (?:in )?(?:air|a breath)|air hunger|\bwinded\b"
        r"|\bpanting\b|short of air|lungs (?:\w+\s+)?(?:feel|are) (?:so |really |very )?(?:tight|heavy|full|weird|burning|closed|closing|on fire)"
        r"|lungs (?:\w+\s+)?(?:will not|cannot|do not) (?:fill|expand|open|work)|(?:cannot|could not) breath\w*",
        rf"{_TROUBLE}\s+{_UP_TO_TWO_WORDS}(?:breath\w*|get(?:ting)? (?:enough )?air)",
        r"short(?:ness)? of breath|out of breath|breathless\w*|gasping|wheez\w*|suffocat\w*|struggling for air"
        r"|(?:cannot|could not) catch (?:my|her|his|their) breath|air (?:will not|is not|not) (?:going|getting) in"
        r"|chest (?:is |feels |got )?(?:so |really |very )?tight|breathing (?:problems?|issues?|trouble|difficult\w*)"
        r"|\bdyspn\w*|\bstridor\b|breath\w* (?:is |are |so |really |very |all )*(?:shallow|rapid|fast and shallow)"
        r"|shallow breath\w*|(?:rapid|fast) (?:and shallow )?breath\w*"
        r"|(?:get|take|catch|fill) (?:a |my )?(?:full |deep |good |whole )?(?:breath|lungs)|chest (?:feels |is )?(?:so )?heavy"
        r"|weight (?:\w+\s+)?on my chest",
        rf"breath\w*\s+(?:\w+\s+){{0,2}}?{_IS}\s+(?:\w+\s+){{0,2}}?(?:hard|difficult|weird|off|shallow|labou?red|tight|strange|heavy"
        r"|funny|wheezy|noisy)",
        r"breath(?:ing)? (?:is|feels) (?:very |so |really )?short\b(?!\s+(?:in|of|on|today|supply))",
    ],
    "urgent:speech_voice": [
        # the dev21/dev22 round: "my speech is coming out garbled"
        r"\bspeech (?:is |has been |keeps )?(?:coming out |came out |comes out |sounds? |sounding )?(?:all |so |really )?garbled\b"
        r"|\bwords (?:are|keep) coming out (?:all |so |really )?garbled\b"
        r"(?![^.!?]*\b(?:text|message|email|voicemail|recording|autocorrect|line|call|phone)\b)",
        # the dev19 round: "I sound like I've had six beers", "cant even say my own name", "every single word takes effort"
        r"\bi sound like i (?:have|had) (?:had )?(?:\w+ ){0,2}?(?:beers|drinks)\b(?![^.!?]*\b(?:voicemail|message|text|recording))"
        r"|\bi cannot (?:even )?say my (?:own )?name\b(?! right| correctly)"
        r"|\bevery (?:single )?word takes effort",
        r"(?:talking|speaking|getting words out) (?:takes|is taking|is) (?:\w+\s+){0,2}?effort|ask(?:ing)? me to repeat"
        r"|trail(?:ing)? off mid|(?:speaking|talking) (?:is|feels|has been|got) (?:so |really |very )?(?:hard|difficult|tough)"
        r"|voice (?:is|sounds) (?:\w+\s+)?like a whisper|can only whisper",
        r"talk(?:ing|s)? (?:\w+\s+)?(?:funny|weird|slow|slurred|like (?:i am|she is|he is) drunk|differently|strange"
        r"|like (?:i|she|he|they) (?:had|has|have|is having|am having|was having) (?:had )?a stroke)"
        r"|sound(?:s|ing)? (?:\w+\s+){0,3}?(?:drunk|weird|nasal|funny|hoarse|different)|(?:cannot|could not|hard to) (?:say|pronounce|enunciate"
        r"|articulate)|\blisp\w*|(?:mouth|lips?) (?:\w+\s+)?(?:will not|does not|do not|cannot|could not) (?:work|move|close|seal)",
        rf"{_TROUBLE}\s+{_UP_TO_TWO_WORDS}(?:speak\w*|talk\w*|say(?:ing)? (?:my )?words|get(?:ting)? (?:my |the )?words out"
        r"|pronounc\w*|form(?:ing)? words)\b(?!\s+(?:to|with|on|about|over|through|right now|now|at the moment|long"
        r"|much|today|at work|because|someone|somebody|anyone|a person|the)\b)",
        r"(?:speech|speaking|talking|voice) (?:problems?|issues?|trouble|difficult\w*)|slurr\w*|hoarse\w*|raspy|lost (?:my|her|his) voice|dysphonia|dysarthria|mumbl\w*",
        rf"(?:speech|words|voice|talking)\s+{_UP_TO_TWO_WORDS}{_IS}\s+(?:\w+\s+)?(?:slurred|off|weird|funny|strange"
        r"|garbled|thick|different|messed up|wrong|hoarse|raspy|weak|gone|croaky|cracking|jumbled|mushy|muffled|nasal)",
        r"(?:words|it|speech|sentences) (?:are |keep |will not |do not |does not |have been |has been |been )?(?:coming|comes?|came) out (?:all )?(?:right"
        r"|wrong|weird|funny|slurred|garbled|jumbled|mushy|slow)|voice (?:\w+\s+)?(?:change|changes|changed|different)",
        r"(?:cannot|could not) (?:talk|speak) (?:right|properly|clearly|normally|straight|well)",
        r"tongue (?:feels |is |got )?(?:so |really )?(?:thick|heavy|numb|swollen and|tingl\w*)",
        r"work to get (?:the |my )?words out|(?:mouth|speech|tongue|words) (?:\w+\s+)?(?:is |are |feels )?on a delay"
        r"|mouth ?full? of marbles|mouth (?:is |was |were )?full of (?:marbles|cotton|rocks)|\bcroak\w*|voice (?:\w+\s+){0,3}?(?:cuts? out|cutting out|breaks? up|keeps breaking)|marbles in (?:my|her|his) mouth"
        r"|(?:keep|keeps|kept) (?:saying|asking) (?:\w+\s+){0,2}?(?:what|pardon|come again|repeat)",
    ],
    "urgent:vision": [
        # the dev19 round: "stuff looks kinda ghosty", "I see two times every thing", "my eyes wont line up"
        r"\b(?:stuff|things|everything|text|letters|words) (?:\w+ )?looks? (?:\w+ )?ghost(?:y|ing)\b|\bsee (?:two|2) (?:times |of )(?:every ?thing|everyone|things)"
        r"|\bmy eyes (?:feel like they are |are |is )?(?:just )?not working together|\bmy eyes (?:will not|wo not|do not) line up\b(?![^.!?]*\b(?:photos?|pictures?|always|kid|life))"
        r"|\b(?:lines|road|letters|text|words) (?:\w+ ){0,3}?(?:split|splitting) (?:apart|in two)"
        r"|\b(?:everyone|everything|every person|faces|the tv|text|letters) (?:\w+ ){0,4}?(?:is|are|looks?) doubled\b",
        r"\bsmear(?:y|ed)\b|out of focus|(?:wo not|will not|do not|does not) sharpen|split in two|doubled up"
        r"|(?:letters|words|lines|text) (?:\w+\s+){0,2}?(?:swim\w*|doubl\w*|jump\w* around|mov(?:e|ing) around)"
        r"|(?:images?|things|everything|letters|words|objects|faces) (?:\w+\s+)?overlap\w*|overlapping (?:images?|vision)",
        r"(?<!link is )(?<!pic is )(?<!photo is )(?<!picture is )(?<!video is )(?<!screenshot is )\bblurr\w*|(?:cannot|could not|hard to|trouble|struggl\w* to) (?:read|focus)\b"
        r"|(?:see|seeing|saw) (?:two|2) (?:of|images|pictures|things|tvs?|screens?|phones?|faces?|moons?|lines)|ghost\w* (?:images?|vision)|(?:second|shadow\w*|double) images? when i look (?:up|down|left|right|sideways|to the (?:side|left|right))"
        r"|two of (?:everything|you|them)",
        r"(?:double|blurr?y|blurred|fuzzy|foggy|hazy|cloudy)\s+(?:\w+\s+)?vision|diplopia",
        r"see(?:ing)? (?:double|two of everything|everything twice|blurry|things blurry|things double)",
        rf"(?:vision|eyesight|sight|eyes?)\s+{_UP_TO_TWO_WORDS}{_IS}\s+(?:\w+\s+){{0,2}}?(?:blurr?y|blurred|double"
        r"|doubled|fuzzy|foggy|hazy|cloudy)",
        r"(?:everything|things|words|text|stuff|screen|faces|vision|eyes?)\s+(?:\w+\s+){0,3}?(?:blurr?y|blurred|fuzzy|double"
        r"|doubled)",
        r"(?:shadow|ghost) (?:copy|image|version)|images? (?:\w+\s+){0,3}?on top of (?:the other|each other|another)"
        r"|(?:two|2) of (?:my|the|every)\b|(?:look|looks|looked|looking|seeing|see|saw) (?:\w+\s+)?doubled"
        r"|(?:cannot|could not) line (?:\w+\s+)?up|eyes (?:\w+\s+){0,3}?not pointing (?:the same|in the same)"
        r"|(?:splits?|splitting) (?:in|into) (?:two|2)|(?:keep|keeps|kept) seeing (?:two|2|double)|(?:looks?|looking|look) doubled"
        r"|there (?:is|are|s|'s) (?:two|2) of (?:it|everything)\b"
        r"|(?:looks?|looking|looked|see|seeing|saw) like there(?: is| are|s| s|'s) (?:two|2) of (?:it|everything|them all"
        r"|the (?:tv|screen|road|words?|text|letters?|lines?|lights?|cars?))\b",
        r"(?:cannot|could not) (?:see|focus) (?:straight|properly|clearly|right)|eyes? (?:will not|wo not|cannot"
        r"|do not|does not) focus",
    ],
    "urgent:general_weakness": [
        # the dev19 round: "grip gone, cant turn the door handle", "cant open a water bottle", "legs ... feel like lead"
        r"\bmy grip (?:is )?(?:gone|weak)|\bgrip gone|\b(?:noodle arms|too weak|no strength)\b[^.!?]{0,40}?\bcannot (?:turn|open|twist)"
        r"|(?:^|[.!] |\bi )cannot (?:open|twist) (?:a|the|my) water bottle|\bcannot (?:push|pull|get) myself (?:up )?(?:off|out of) (?:the |my )?(?:bed|floor|couch|chair)"
        r"|\b(?:legs?|arms?|body) (?:\w+ )?(?:feels?|feel like|like) (?:\w+ )?lead\b|\b(?:legs?|arms?) went heavy\b(?! (?:\w+ )?(?:holding|from|after))",
        rf"{_BODY} (?:\w+\s+){{0,2}}?(?:got|get|gets|getting|feel|feels|felt|are|were) (?:so |really |very )?heavy"
        r"|(?:like|as if) (?:they|it) (?:were|was) not mine|(?:generally|overall) weak|weak (?:all over|everywhere|generally)",
        r"grip is gone|lost my grip|(?:legs|arms|knees) (?:\w+\s+){0,2}?(?:wobbly|shak(?:e|ing|y)|trembl\w*)"
        r"|muscles (?:\w+\s+){0,2}?(?:quit|gave up|stopped working)|takes everything i have"
        r"|drop(?:ped|ping)? (?:my |the )?(?:\w+\s+)?(?:mug|cup|phone|glass|fork|keys)",
        r"(?:arms?|legs?|body|muscles?|neck|hands?|knees?|grip) (?:\w+\s+){0,4}?(?:weak|jelly|noodl\w*|like lead|gave out|give out|giving out"
        r"|buckl\w*)|(?:cannot|could not|hard to|struggl\w* to|trouble) (?:walk|stand|get up|climb|lift|grip|hold|open (?:a|the) jar"
        r"|brush my hair|raise my arms?)|no strength|lost (?:my |all )?strength|drop(?:ping)? things|floppy|weakness",
        rf"weak(?:ness)?\s+(?:all over|everywhere|in (?:my |her |his |the |your )?{_BODY})|weak (?:\w+\s+)?{_BODY}",
        r"getting weaker|moving through (?:wet )?(?:sand|mud|water|molasses|concrete)|chewing (?:\w+\s+)?tires me"
        r"|(?:arms?|legs?|limbs|whole body) (?:\w+\s+){0,3}?(?:heavy as|like lead|like bricks)",
        rf"{_BODY}\s+(?:\w+\s+){{0,2}}?(?:weak|floppy|limp|like jelly|like noodles|like rubber)",
        r"(?:just|so|really|very|super|feel(?:ing|s)?|felt|am|been) weak\b|weak (?:af|as hell)"
        r"|(?:cannot|could not|can barely|can hardly) (?:even )?(?:carry|lift|climb|grip|stand up|walk straight)",
        r"generali[sz]ed (?:muscle )?weakness|muscle weakness|\bso weak\b|\btoo weak\b|really weak|very weak|super weak"
        r"|feel(?:ing|s)? (?:\w+\s+)?weak\b|weak and",
        r"(?:cannot|could not|can barely|can hardly|hard to|struggling to|trouble) (?:hold|keep|lift|raise|grip)"
        r"(?: up)? (?:my |her |his )?(?:head|arms?|legs?|cup|phone|mug|bag)",
    ],
    "urgent:eyelid_droop_with_weakness": [
        # the dev19 round: "it's covering half my pupil", "lid is just down and won't go up", "one eye is stuck half shut"
        r"\b(?:eye)?lids? (?:is |are |has been |keeps )?(?:now |literally |just )?covering (?:half |most |part |the top )?(?:of )?(?:my |her |his |the )?(?:pupil|eye)"
        r"|\b(?:eye)?lids?\b[^.!?]{0,60}?\b(?:droop\w*|dropped)\b[^.!?]{0,60}?\bcovering (?:half |most |part |the top )?(?:of )?(?:my |her |his |the )?pupil"
        r"|\b(?:eye)?lids?\b[^.!?]{0,40}?\b(?:droop\w*|dropped|droopy)\b[^.!?]{0,60}?\b(?:cannot|could not|can barely) (?:get|make) (?:it|them) (?:to )?open"
        r"|\b(?:eye)?lids?\b.{0,80}?\b(?:dropped|drooped|drooping)\b.{0,80}?\b(?:it|they) (?:will not|wo not|does not|cannot) (?:open|go up|lift|stay open)"
        r"|\b(?:eye)?lids? (?:is |are )?(?:just |all the way |completely )?down and (?:it )?(?:will not|wo not|cannot|does not) (?:go up|open|lift)"
        r"|\beye (?:is )?(?:\w+ )?stuck (?:half )?(?:shut|closed)\b(?![^.!?]*\b(?:glue|crust\w*|morning))"
        r"|\b(?:eye)?lids? (?:\w+ ){0,2}?(?:dropped|drooped|droopy|hanging) so low"
        # "my eyelid's been drooping lower and lower ... and now it's pretty much closed"
        r"|\b(?:eye)?lids?\b[^.!?]{0,80}?\b(?:droop\w*|dropped)\b[^.!?]{0,80}?\b(?:(?:now|today) (?:it is|its|they are|my eye is)"
        r" (?:\w+ ){0,5}?|(?:it is|its) now (?:\w+ ){0,2}?)(?:closed|shut)\b(?=\s*(?:[.!?]|$|and\b|lol\b))",
        r"(?:cannot|could not|hard to|struggl\w* to|not able to|unable to) (?:keep|hold) (?:my |one |her |his |both |that |this )?"
        r"(?:eyes?|eyelids?|lids?) (?:\w+ )?(?:open|up)"
        r"|(?:eye|eyelid|lid)s? (?:keeps? )?(?:closing|shutting)"
        r"|(?:have to|need to|gotta) (?:lift|hold|tape|prop) (?:up )?(?:my |them |it |the )?(?:eyelids?|lids?|eyes?|up)\b"
        r"(?! (?:\w+ ){0,4}?(?:to|for|when|while) (?:put|apply|curl|insert|wear|draw|line|paint|do) (?:in |on )?"
        r"(?:\w+ ){0,2}?(?:drops|contacts?|lenses|mascara|liner|eyeliner|shadow|makeup|make-up|lashes|falsies)\b)"
        r"|(?:eyelids?|lids?) (?:\w+\s+){0,3}?(?:droopy|drooping|heavy|hanging) and weak|weak (?:eye)?lids?"
        r"|(?:eyelid|lid) (?:is )?(?:covering|over) (?:my )?(?:pupil|eye)",
        r"(?:eyelids?|lids?|eyes?)\s+(?:\w+\s+){0,2}?(?:will not|wo not|cannot|does not|do not|is not|are not)"
        r" (?:open|stay open|lift|go up)|(?:eyelids?|lids?)\s+(?:\w+\s+){0,2}?(?:will not|wo not|does not|do not) stay up",
        # "my eyelid ... has been drooping and today it won't open at all"
        r"(?:eyelids?|lids?)\s+(?:\S+\s+){0,8}?(?:and|but) (?:\w+ )?(?:it|they) (?:will not|wo not|cannot|does not"
        r"|do not|is not|are not) (?:\w+ )?(?:open|stay open|lift|go up)",
        r"(?:cannot|could not|can barely|can hardly|not able to|unable to) (?:fully )?(?:open|lift|keep open) "
        r"(?:my |her |his |one |the |that |this |both )?(?:left |right )?"
        r"(?:eye|eyelid|lid)s?(?! (?:cream|drops|serum|gel|mask|shadow|liner|pencil|palette|bag|wash|patch))",
        r"eyelids?\s+(?:\w+\s+){0,2}?(?:closing|shut|falling (?:shut|over)|covering (?:my|the) eye)"
        r"|(?:eye)?lids? (?:\w+\s+)?(?:sliding|slipping|falling|coming) down",
        # "my eyelids are drooping and I can't keep them open", "my lid is hanging down and I can't get that eye open"
        r"\b(?:eye)?lids?\b[^.!?]{0,40}?\b(?:droop\w*|hanging|sagging|falling|stop\w* working|closed|shut)\b.{0,40}?\b(?:cannot"
        r"|could not|can barely"
        r"|can hardly|not able to|unable to) (?:keep (?:them|it) open|hold (?:them|it) (?:open|up)|raise (?:them|it)|lift (?:them|it)"
        r"|open (?:them|it)|get (?:that|the|this|my) eye open)"
        r"|\b(?:eye)?lids?\b[^.!?]{0,40}?\b(?:droop\w*|hanging|sagging|falling)\b[^.!?]{0,40}?\b(?:i am|i have been|i have to be)"
        r" (?:holding|propping|taping) (?:them|it) (?:up|open)",
        # The fifteenth session (dev20/dev21's misses): "my eyelid fell and I can't raise it", "I tried opening it wide
        # and it just won't lift", "pushing her lid up with her finger to see", "my lid keeps sagging shut", "my lid
        # droops and it's weak", "my lid is stuck down". Only an eyelid as the subject, within its sentence
        # (_AN_EYELID, _NOT_A_DROOP).
        rf"{_AN_EYELID}{_NOT_A_DROOP} (?:just |suddenly |has |had |kind of |totally )?(?:fell|dropped|drooped|sagged)\b"
        r"(?! (?:shut|off|behind|on|in|into|under|out|down the|down on|again)\b)"
        r"[^.!?]{0,40}?\b(?:cannot|could not|can barely|can hardly|not able to|unable to) (?:(?:raise|lift|open|push) (?:it|them|the lid)"
        r"|get (?:it|them) (?:up|open|to open))\b(?! (?:out|off|back on|on|in)\b)"
        rf"|{_AN_EYELID}{_NOT_A_DROOP} (?:\w+ ){{0,2}}?(?:dropped|drooped|drooping|came down)\b(?! (?:closed|shut|off|on|down the|again)\b)"
        r"[^.!?]{0,40}?\b(?:it|they|and) (?:will not|wo not|does not|cannot) (?:come back up|go back up|stay up|reopen|budge)"
        rf"|(?:{_AN_EYELID}|\b(?:my|her|his) (?:left |right )?eye\b(?! (?:{_EYE_PRODUCTS}))){_NOT_A_DROOP}(?: (?:is|are|feels?|has been|keeps?)(?: so| very| really)?"
        r" (?:heavy|droopy|drooping|weird|weak|stuck|funny|down))?,? (?:and )?(?:i )?(?:have )?(?:tried|try|trying) (?:to )?"
        r"(?:open\w*|lift\w*|raise|raising)"
        r" (?:it|them|(?:my|the|that) (?:left |right )?eye) (?:wide |up |all the way )?(?:(?:and|but) )?(?:it |they )?(?:just )?"
        r"(?:(?:will not|wo not|does not|do not|cannot) (?:lift|open|go up|budge|move)|nothing happens)"
        r"|\b(?:try|tried|trying) (?:to )?open (?:my|her|his) (?:left |right )?eye (?:wide )?(?:and )?(?:nothing happens"
        r"|it (?:will not|wo not|does not) (?:open|lift|go up))"
        r"(?![^.!?]*\b(?:hooded|eyeshadow|shadow|mascara|camera|photos?|selfies?|pics?)\b)"
        rf"|(?:{_AN_EYE}[^.!?]{{0,60}}?\b(?:pushing|holding|propping|lifting) (?:up )?the|\b(?:pushing|holding|propping|lifting)"
        rf" (?:up )?(?:my|her|his)) (?:eye)?lids? (?:up |open )?{_NOT_A_DROOP}"
        r"(?:with (?:my|her|his|a) fingers? )?(?:just )?(?:to see|so (?:i|she|he) can see)\b"
        r"(?=\s*(?:$|[.,!?;]|and\b|anything|properly|clearly|straight|at all|out of it|the (?:tv|road|screen|board)|my (?:phone|screen)))"
        rf"|(?:{_AN_EYELID}|{_AN_EYE}[^.!?]{{0,40}}?\bthe lid){_NOT_A_DROOP} (?:keeps? |is |are )?(?:sagging|drooping|falling|sliding)"
        r" (?:shut|closed)\b(?! (?:on|onto) (?:the|my|her|his)\b)"
        rf"|{_AN_EYELID}{_NOT_A_DROOP} (?:\w+\s+){{0,2}}?(?:droops?|drooped|drooping|droopy|hanging|sagging) and"
        r" (?:it is |they are |feels |it feels )?weak\b"
        rf"|\b(?:my|her|his) (?:(?:left|right) )?(?:upper )?(?:eye ?)?lid{_NOT_A_DROOP} (?:is |has been )?(?:literally )?"
        r"(?:stuck down(?! (?:on|onto|to|tight)\b)|down over (?:my|her|his|the) eye)\b",
    ],
    "urgent:allergic": [
        # the dev19 round: "red spots on body, itching so much", "whole face blew up in the last 20 min"
        r"\bred spots (?:all over|spreading)|\bred spots on (?:my |her |his )?body\b|(?<!bites )(?<!bite )\bitching so (?:much|bad)\b(?! to)(?![^.!?]*\b(?:bites?|bugs?|mosquito\w*))"
        r"|\b(?:face|lips?) blew up\b(?! on)",
        r"(?:itchy |raised |red |bumpy )+rash|tight\w* in (?:my |the )?throat",
        r"(?:red |itchy |raised )?(?:bumps|rash|hives|welts|blotches) (?:\w+\s+){0,4}?(?:spread\w*|all over|on my"
        r" (?:arms|stomach|chest|legs|back|neck|body))|rash (?:\w+\s+)?spread\w*",
        r"(?:rash|itchy|swollen|bumps|red) all over|blotch\w*|(?:tongue|throat) (?:\w+\s+){0,2}?(?:big|fat|swell\w*|thick|itchy|scratchy)"
        r"|(?:face|lips?) (?:\w+\s+){0,2}?(?:blowing up|ballooned|fat|huge)",
        r"\bhives\b|\bwelts?\b|anaphyla\w*|allergic reaction|epi ?pen|(?:itchy|scratchy|swollen|tight) (?:\w+\s+)?throat",
        r"(?:throat|tongue|airway|mouth)\s+(?:\w+\s+){0,4}?(?:swell\w*|swollen|puff\w*|closing|clos(?:e|es|ed) up|shutting"
        r"|shut up|tight\w*|blown up)",
        r"swell\w* (?:up )?(?:of|in|on) (?:my |her |his |the )?(?:throat|tongue|airway|mouth)",
        r"(?:itch\w*|rash|bumps|blotch\w*|red spots) (?:\w+\s+){0,3}?(?:all over|everywhere|on my (?:whole|entire) body)",
        r"(?:whole|entire) face (?:\w+\s+){0,3}?(?:swell\w*|swollen|puff\w*)",
    ],
    "urgent:allergic_swelling": [
        r"(?:lips?|face|eyes?|eyelids?|cheeks?)\s+(?:\w+\s+){0,3}?(?:swell\w*|swollen|puff\w* up|blown up|ballooning)",
        r"swell\w* (?:up )?(?:of|in|on) (?:my |her |his |the )?(?:lips?|whole face|face|eyes?)",
        r"(?:eyes?|eyelids?|lips?|face) (?:\w+\s+){0,2}?(?:puff\w*|swell\w*|swollen) (?:shut|closed)",
        r"(?:face|lips?) (?:is |are )?(?:getting )?(?:huge|bigger and bigger)|(?:\d+ ?x|twice|double|three times) (?:its|their|the)"
        r" (?:normal )?size",
    ],
    "urgent:fainting": [
        # the dev21/dev22 round: "everything went grey and tunnel-y", "next thing I knew people were standing over me"
        r"\b(?:everything|it all|my vision|my sight) (?:went|goes|is going|started going) (?:all )?(?:grey|gray|tunnel\w*)\b"
        r"(?! in (?:the |my |this )?(?:photo|pic\w*|filter|edit\w*|app|video))"
        r"|\bnext thing i (?:knew|know)\b[^.!?]{0,80}?\b(?:standing over me|looking down at me|on the (?:floor|ground))"
        r"(?![^.!?]*\b(?:laugh\w*|sing\w*|birthday|party|surprise|dancing)\b)",
        # the dev19 round: "almost hit the deck", "think im going down", "slumped over", "my vision went dark"
        r"\b(?:almost|nearly|just) hit the deck|\bvision (?:is )?(?:going|went|gone|goes|fading) (?:to )?(?:dim|dark|black|grey|gray)"
        r"|\bslumped (?:over|in (?:the|her|his|my) chair)\b(?! (?:my|the|a) (?:desk|laptop|keyboard))"
        r"|\bthink i am going (?:down|to go down)\b(?! (?:to|the|a|for|there|at|on)\b)",
        r"went down like a|(?:fell|dropped) (?:to|on) the (?:floor|ground)|next thing i know (?:i am|i was) on the floor"
        r"|(?:i was|was) out for (?:maybe |about |like )?(?:\d+|a few|a couple|several) (?:seconds|secs|minutes|mins)",
        r"everything went (?:black|dark)|went (?:black|dark)|woke up on the floor|came to on|(?:dizzy|lightheaded|light headed) and (?:fell|collapsed"
        r"|went down|hit)",
        r"\bfaint(?:ed|ing)?\b(?!\s+(?:of heart|bruis\w*|marks?|lines?|red|scars?|spots?|smell|hint|trace|shadow|dot"
        r"|outline|pink|yellow|blue|purple|green))",
        r"pass(?:ed|ing)? out|black(?:ed|ing)? out|\bblackout\b|lost conscious(?:ness)?\b(?! of\b)|los(?:e|ing) conscious(?:ness)?\b(?! of\b)|keel(?:ed)? over"
        r"|collaps\w*|out cold|(?:dropped|fell|hit) (?:\w+\s+)?(?:the )?(?:floor|ground)|(?:almost|nearly) (?:passed|fainted)",
        r"\b(?:pre)?syncop\w*|loss of consciousness|(?:brief|short|momentary|transient|witnessed) loc\b",
    ],
    "contraindication:pregnant": [
        r"mom(?:s|ma)?[- ]to[- ]be|pregnan\w*|preggo|preggers|bun in the oven|(?:tiny|little) human (?:in|inside) me|with child|(?:first|second|third) trimester|\btrimester",
        r"expecting (?:a baby|a child|twins|baby|my (?:first|second|third|\d\w*) (?:baby|child))|i am expecting\b"
        # "expecting but its such a teeny dose": expecting with nothing expected.
        r"|^(?:currently |still )?expecting\b(?! (?:a|an|the|to|that|it|you|your|my|results|them|him|her|some|any)\b)",
        r"i am \d+ ?(?:weeks|wks|months)\b(?! (?:ago|out|post|since|after))"
        r"|\d+ ?(?:weeks?|wks?|months?) (?:in )?with (?:my|our) (?:first|second|third|fourth|next|\d\w*)"
        # "22 wks with my second." and not "2 weeks with my first and my eyelid droops" (a first treatment).
        r"(?=\s*(?:$|[.!?;]|(?:baby|child|pregnancy)\b))|positive (?:pregnancy )?test|\d+\s*(?:weeks?|wks?|months?) along|morning sickness|prenatal|\bmy ob\b"
        r"|obstetrician|\bmy midwife\b",
        r"\bmy due date\b|\b(?:i am|we are) due (?:in|on|at|any|next|this|soon)\b|(?:i am|we are) having (?:a|our|my) "
        r"(?:(?:first|second|third|fourth|next|\w+th) )?(?:baby|child|kid)\b(?!'s| (?:shower|sitter|party|birthday))"
        r"|(?:i am|we are) expecting (?:a baby|our|my|twins|in\b|(?:in )?(?:january|february|march|april|may|june|july"
        r"|august|september|october|november|december|the spring|the summer|the fall|the winter|spring|summer|fall|winter))"
        r"|before (?:the |my |our )?baby (?:comes|arrives|is born|gets here)|baby bump|\bmy bump\b",
        r"(?:my )?period (?:is |was )?(?:(?:\d+|a|a few|two|three|several) )?(?:days? |weeks? )?late|missed (?:my |a )?period|late period",
    ],
    "contraindication:trying_to_conceive": [
        r"trying (?:to|for) (?:get pregnant|conceive|have (?:a|another) baby|a baby|another baby|baby|a family)"
        r"|trying for (?:a |another )?(?:kid|little one|sibling)|(?:try|trying) to make (?:a |another )?bab(?:y|ies)(?=\s*(?:$|[,.!?;]|(?:now|this|together|soon|next|so|and)\b))"
        r"|start(?:ed|ing)? trying\b|\bttc\b|\bivf\b|fertility|egg retrieval|embryo transfer|\biui\b|conceiv\w*",
        r"planning (?:to get|on getting|to be|on being) pregnant|planning (?:a|for a|for) (?:baby|pregnancy)",
        r"trying for (?:our|my|a|another) (?:(?:first|second|third|fourth|next) )?(?:baby|child)"
        r"(?=\s*(?:$|[,.!?;]|(?:and|so|soon|now|since|period|is|are|right|but|this|next|in|we|i|last|already|for|over)\b))",
        r"(?:we|i) (?:want|wanna|are hoping for|am hoping for) (?:a|another) baby(?=\s*(?:$|[,.!?;]|(?:so|and|soon|next|this|now|in|before)\b))"
        r"|off (?:my |the )?(?:birth control|pill)\b",
        r"\btry(?:ing)? for (?:baby|a baby|another|number|no\.?|#) ?(?:#|no\.? ?)?\d?",
        r"(?:iud|coil|mirena|paragard|kyleena|nexplanon|implant) (?:out|removed|pulled|taken out)\b"
        r"|(?:removed|pulled|took out|taking out|take out|had out|get out) (?:my |the )?(?:iud|coil|mirena|paragard|kyleena|nexplanon)",
    ],
    "contraindication:breastfeeding": [
        r"breast\s*-?\s*fed\b|(?:still|only|just|one|baby|son|daughter|twins) nurses\b|nurses (?:at night|before bed|to sleep)",
        r"breast\s*-?\s*feed\w*|breast\s*milk|chest\s*-?\s*feed\w*|lactat\w*|\bpumping\b|\bbfing\b|nurs(?:ing|e) "
        r"(?:my |a |the |our )?(?:baby|newborn|son|daughter|infant|little one|twins|kid)",
        r"(?:to|can i|could i|i|you) nurse\b|in (?:the|my) (?:breast ?)?milk|nursing (?:mama|mom|mum|mother)|(?:until|till|before) i wean|(?:still|currently|i) nurse\b|(?:am|are|if|still|currently|been|while|and) nursing\b(?!\s+(?:home|school|student|degree|job|shift|career))",
        r"feeding (?:my |the )?(?:baby|newborn|little one) (?:myself|from the breast)|exclusively feeding",
        r"\bmilk bar\b|\bebf\b|(?:still|currently|i am|exclusively) bf(?:ing)?\b|while bf(?:ing)?\b(?!\s+(?:is|was|goes|gets|works|and))|(?<!my )(?<!your )(?<!her )\bbf(?:ing)? (?:my |the |our )?(?:baby|newborn|son|daughter|twins|little one)",
    ],
    "contraindication:neuromuscular": [
        r"myasthen\w*|lambert\s*-?\s*eaton|\blems\b|\bals\b|lou gehrig\w*|amyotrophic|motor neurone? disease|\bmnd\b|charcot\W*marie|myotonic|spinal muscular atrophy"
        r"|neuromuscular|muscular dystrophy|guillain|myopath\w*|\bmg\b(?=\s+(?:diagnosis|flare|patient))"
        r"|(?<=my )mg\b|(?:have|with|has|diagnosed with) mg\b",
    ],
    "contraindication:medication": [
        r"aminoglycosides?|gentamicin|tobramycin|amikacin|neomycin|streptomycin|kanamycin|\btobi\b|bethkis|kitabis"
        r"|arikayce|garamycin",
        r"muscle relax\w*|cyclobenzaprine|flexeril|baclofen|tizanidine|zanaflex|methocarbamol|robaxin|carisoprodol|skelaxin|metaxalone"
        r"|lioresal|amrix|fexmid|orphenadrine|norflex|dantrolene|dantrium",
        r"blood\s*-?\s*thinn\w*|anti\s*-?\s*coagula\w*|warfarin|coumadin|sintrom|acenocoumarol|jantoven|eliquis|apixaban|xarelto|rivaroxaban"
        r"|pradaxa|dabigatran|savaysa|edoxaban|clopidogrel|plavix|heparin|lovenox|enoxaparin|brilinta|ticagrelor"
        r"|prasugrel|effient",
        r"(?:daily|baby|low\s*-?\s*dose|an)\s+aspirin|aspirin (?:every|each|a) day|aspirin daily|\d+\s*mg (?:of )?aspirin"
        r"|aspirin (?:every|each) (?:morning|night|evening)|aspirin for my heart|(?:on|taking|take|takes|my) thinners?\b",
    ],
    "contraindication:toxin_allergy": [
        rf"(?:allerg\w*|reaction|react\w*|sensitiv\w*|anaphyla\w*)\W+(?:\w+\W+){{0,4}}?{_TOXINS}",
        rf"{_TOXINS}\W+(?:\w+\W+){{0,3}}?(?:allerg\w*|reaction)",
        rf"{_TOXINS}\s+(?:\w+\s+){{0,3}}?(?:gave|caused|gives|give) (?:me |her |him )?(?:\w+\s+)?(?:hives|a rash|rash|a reaction|welts"
        r"|swelling)|allerg\w* to (?:\w+\s+)?albumin",
        rf"{_TOXINS}\W+(?:\w+\W+){{0,2}}?(?:i|she|he) (?:swelled up|broke out in hives|got hives|had (?:a|an) (?:allergic )?reaction)",
        rf"(?:hives|swelling|rash|welts|reaction|broke out) (?:\w+\s+){{0,4}}?(?:from|after|to) (?:my |the |a )?{_TOXINS}",
    ],
    "contraindication:infection": [
        r"(?:acne|breakout|broken out|pimples?|zits?)\W+(?:\w+\W+){0,6}?(?:where (?:u|you|they|she|he) inject\w*"
        r"|injection (?:site|area|spot)|treatment area|where (?:the )?(?:injector|nurse|doctor|needle)\w* (?:marked|went|injected"
        r"|goes|put))",
        r"(?:gunk|goo|discharge) (?:\w+\s+)?(?:coming|leaking|draining) (?:out|from)(?! of (?:my |the |a )?(?:hair|mask|tube|bottle|jar|nose))"
        r"|infect\w*|abscess\w*|cold sores?|fever blisters?|herpes|\bhsv\b|impetigo|cellulitis|\bpus\b|oozing|\bboils?\b"
        r"|staph|shingles|rash (?:on|at|near|where|around) (?:my |the )?(?:forehead|face|lips?|chin|brows?|cheeks?|jaw|neck"
        r"|injection|site|spot)",
    ],
    "dose:dose": [
        r"how many (?:units|unidades)|what dose|what dosage|which dose|how much (?:botox|toxin|product|tox|units?|of it)"
        r"|units? (?:do|should|would|will|can) (?:i|you|she|he)|dose (?:for|do|should|would) (?:me|i)",
        r"(?:go|bump|bumping|going|move|moving) (?:me )?up (?:to|from)|(?:more|extra|fewer|less) units|up the (?:dose|units)"
        r"|double (?:the |my |up )?(?:dose|units|amount|botox)|(?:stronger|higher|bigger|lower|smaller) dose"
        r"|\b(?:\d+|ten|fifteen|twenty|thirty|forty|fifty)\s*-?\s*(?:units|u)\b|(?:number|amount|max\w*|minimum) (?:of )?units"
        r"|units? (?:for|on|in|per) (?:me|my|each|spot|side|area|brow|the|a)|(?:add|put|do|use|give|inject)(?: me)? (?:\w+\s+){0,2}?units"
        r"|(?:do|use|put|give me|try) (?:\w+\s+)?(?:less|more)(?: units| product| botox)? (?:this time|than last time|next time)"
        r"|double the usual|(?:more|less) than (?:the |my )?usual"
        r"|units? split\b(?! (?:payment|bill|cost))|units? would you (?:recommend|suggest|use|do|give)"
        r"|\bdose\b|\bdosage\b|\bdosing\b|unit count|(?:get|put|do|use) more (?:\w+\s+){0,2}?(?:on|in) (?:my |the )?"
        r"(?:left|right|one|other|weaker|lower) side",
    ],
    # Common effects that settle on their own. A drooping lid or brow, or an uneven result, is not here: the clinic
    # wants to see those (clinic-facts.md), so they keep the treatment-concern answer and the staff handoff.
    "checkin:checkin": [
        r"bruis\w*|swell\w*|swollen|puffy|head\s*aches?|migraine|heav(?:y|iness)|tender\w*|\bsore\w*|sting\w*"
        r"|itch\w*|redness|\bbumps?\b|\blumps?\b|stiff\w*|tight(?:ness)?|twitch\w*|numb(?:ness|ed|ing|ish)?\b",
    ],
}

IDIOM = "idiom:idiom"
ENGLISH[IDIOM] = [
    # Each idiom is its literal phrase: a symptom beside a near-idiom ("almost fainted when I stood up") stays urgent.
    r"(?:nearly |almost )?pass(?:ed|ing)? out (?:from )?laughing|laugh\w* so hard|pass(?:ed|ing)? out (?:early |so early )?asleep"
    r"|(?:nearly|almost) (?:fainted|passed out|died) (?:when i saw|seeing|over|at|looking at) (?:the |my |your )?"
    r"(?:price|prices|bill|total|quote|cost|invoice|receipt)|(?:nearly|almost) (?:fainted|passed out|died) when i saw how "
    r"(?:good|great|amazing|nice|pretty|gorgeous)",
    r"chok\w* (?:\w+\s+){0,4}?laugh\w*|laugh\w* (?:\w+\s+){0,3}?chok\w*|(?:hard|bitter|tough) pill to swallow"
    r"|chok\w* up\b(?!\s+(?:\w+\s+)?(?:food|water|drinks?|liquids?|pills?|meals?|bites?|everything|it|saliva|spit"
    r"|mucus|phlegm)\b)",
    r"(?:came|come|comes|turned) out (?:all |kinda |really |so |a bit )?blurr\w*",
    r"(?:hoarse|voice is gone|lost my voice|no voice) (?:\w+\s+){0,2}?from (?:screaming|yelling|shouting|singing|cheering|coaching"
    r"|a cold|the concert|the game)",
    r"weak (?:at|in) the knees|knees (?:went|go|goes|going) weak when i (?:saw|see|looked|heard)"
    r"|weak at (?:math|maths|names|sports|directions|numbers|\w+ing)\b|(?:so |i am |im )weak at (?:ur|your|those|these) (?:pics|photos|pictures|videos|results|before)\b"
    r"|weakness for\b|weak for (?:a |an |any |the )?(?:good |great |cheap |little )?(?:discounts?|deals?|bargains?|sales?"
    r"|coupons?|codes?|promos?|offers?)\b(?! of)|(?:bank account|wallet|bank|card|budget) (?:\w+\s+)?fainted|(?:prices?|bills?|costs?|totals?|invoices?)"
    r" (?:\w+\s+){0,2}?(?:would|will|could|might|gonna) make me faint|(?:wallet|bank account|budget|wifi|signal) (?:\w+\s+)?weak",
    r"blurr\w* lines?|(?:photo|pic|picture|image|video|screenshot|link|camera|scan)s?(?: (?:on|in|from)(?: \w+){1,2}| you sent)?"
    r" (?:is|are|looks?|was|were|came out) "
    r"(?:so |really |kinda |a bit |all )?blurr\w*(?! to me)",
    r"see(?:ing)? double\W+(?:(?:in|on) )?(?:my |the |your )?(?:\w+\s+)?(?:bookings?|charges?|appointments?|entries|confirmations?"
    r"|statement|bill|bank|card|calendar)",
    r"(?:brows?|lines?|marks?|scars?|colou?r|tint|bruises?|smell|hair|freckles?)s? (?:are |is |look |looks )?(?:so |very |really |too |kinda |pretty )?faint\b",
    r"(?:almost|nearly) (?:fainted|passed out|died) when i (?:saw|see|heard|hear|read|found out)\b",
    # A pregnancy test's faint line; a price or a fact one "swallows".
    r"(?:tests?|lines?|positive|strips?) (?:(?:is|was|were|are) )?(?:super |very |really |so |kinda )?faint\b|faint (?:line|positive)"
    r"|swallow (?:these|those|the|that|this|your) (?:\$?\d[\d,.]*k? )?(?:\w+ )?(?:prices?|costs?|bill|news|fact|quote|total)\b"
    r"|chok\w* on (?:these|those|the|that|this|your) (?:\$?\d[\d,.]*k? )?(?:\w+ )?(?:prices?|costs?|bill|quote|total)\b"
    r"|to swallow that (?:i|im|my|we|it|you|he|she|they)\b",
    r"fainting (?:couch|goat)s?|jaw (?:literally )?dropped|(?:price|prices|price list|cost|bill|quote|total|news) (?:is |are |was )?"
    r"(?:a bit |kinda |so |pretty |rather |quite |a little |very )?(?:hard|difficult|tough) to swallow|(?:swamped|slammed|buried|drowning) (?:at|with|in) work (?:that )?i can (?:barely|hardly|not) breathe",
    r"(?:weak|sore|tired|dead|shaky) (?:\w+\s+)?from (?:arm day|leg day|the gym|my workout|the workout|lifting|working out)"
    r"|blurr\w* (?:selfie|photo|pic|picture|image|video|screenshot)s?|(?:phone|screen|laptop|monitor|tv|windshield)\b(?:\s+\w+){0,2}"
    r" (?:is|are|was|looks?) (?:so |really |all |kinda )?blurr\w*|(?:throat|mouth|lips|eyes|skin) (?:is |are |feels? )?(?:so |really "
    r"|a bit |kinda )?dry from|words came out (?:all )?wrong (?:when i (?:booked|called|texted)|on the phone|in my (?:text|message|email))",
]

SPANISH: Dict[str, List[str]] = {
    "urgent:swallowing": [
        r"(?:no puedo|no puede|no pude|no podia|no poder|no pueda|me cuesta|me cueste|le cuesta|le cueste|sin poder)\s+(?:\w+\s+){0,2}?(?:tragar|pasar (?:la |las |el |los )?"
        r"(?:comida|pastillas?|agua|bocados?))",
        r"(?:no puedo|no podia|me cuesta|cuesta|dificultad (?:para|al)|problemas? (?:para|al)|trabajo para)\s+"
        r"(?:\w+\s+)?(?:tragar|pasar (?:la )?comida|deglutir)",
        r"me (?:ahogo|ahogue|atraganto) (?:con|al)|(?:me )?ahogue (?:cada vez|cuando|al)|atragant\w*|se me atora|la comida se (?:me )?(?:atora|queda)"
        r"|(?:sale|salen|sale el agua|se me sale) (?:\w+\s+){0,3}?por la nariz|no (?:me|le) (?:pasa|pasan|baja|bajan) (?:y no )?(?:\w+\s+){0,2}?"
        r"(?:saliva|comida|agua|bocado|yogur|sopa|liquidos?|pastillas?|jugo|cafe)|la comida no me baja|atorad\w*"
        r"|nudo en la garganta|(?:pastillas?|bocados?) (?:\w+ )?se (?:me|le) (?:queda|quedan) (?:\w+ )?en la garganta"
        r"(?![^.!?]*\b(?:siempre|toda la vida)\b)"
        r"|(?<!siempre )(?<!a veces )(?<!de vez en cuando )se (?:me|le) (?:va|van|esta yendo|sigue yendo) (?:el agua|la comida"
        r"|la saliva|el liquido|todo|lo que (?:bebo|como|trago|tomo))"
        r" (?:\w+ )?por (?:el otro lado|otro lado|mal camino|el camino equivocado)"
        r"|(?:el agua|la comida|la saliva|el liquido) se (?:me|le) (?:va|van|esta yendo|sigue yendo) (?:\w+ )?por (?:el otro lado"
        r"|otro lado|mal camino)(?! (?:de vez en cuando|a veces))",
    ],
    "urgent:breathing": [
        r"costando (?:\w+ ){0,2}?respirar\b(?! de (?:la )?risa)|aire no (?:me|le) llega",
        r"no (?:me |le )?alcanza el aire|(?:no|ni siquiera|apenas) (?:logro|logra|puedo|puede|pude|poder|pueda) respirar",
        r"(?:no puedo|no podia|no poder|no pueda|me cuesta|me cueste|cuesta|dificultad (?:para|al)|problemas? (?:para|al)|trabajo para)\s+"
        r"(?:\w+\s+)?respirar",
        r"falta de aire|me falta (?:el )?aire|sin aire|me ahogo|ahogando|(?:estoy|esta|sigo) jadeando|no me entra (?:bien )?(?:el )?aire|pecho apretado|silb\w* (?:el|al)"
        r" pecho|respir\w* (?:muy )?(?:mal|con dificultad|raro|corto|cortito|entrecortad\w*)",
        r"(?:me cuesta|le cuesta|cuesta|no puedo|no puede|dificultad para) (?:meter|jalar|tomar|agarrar|coger) (?:el )?aire"
        r"|silb\w* al respirar",
    ],
    "urgent:speech_voice": [
        r"(?:cuesta|costando) (?:\w+ )?sacar las palabras\b(?! para)|\b(?:la|su|mi) voz (?:muy |bien )?apagad\w*",
        r"(?:no puedo|me cuesta|cuesta|dificultad (?:para|al)|problemas? (?:para|al)|sin poder)\s+(?:\w+\s+)?(?:hablar|pronunciar)"
        r"|hablo (?:raro|mal|arrastrando|como)|hablando (?:raro|mal|arrastrando)|no me entienden|boca dormida|lengua (?:dormida|pesada|trabada)"
        r"|se (?:me|le) (?:traba|trabo)|(?:hablo|hablando) (?:todo |muy )?enredad\w*(?![^.!?]*\b(?:tequila|alcohol|borrach\w*|cruda|copas)\b)"
        r"|habla (?:todo |muy )?enredad\w* (?:desde(?! que (?:empezo|aprendio|era|naci))|de repente|y no se (?:le|me) entiende)"
        r"|(?<!siempre )se (?:me|le) enreda la lengua\b(?=[^.!?]*\b(?:no (?:puedo|puede) (?:hablar|(?:y no |ni )?decir (?:mi|su) nombre)"
        r"|desde (?:ayer|hoy|anoche|el botox|la aplicacion|hace)|de repente)\b)"
        r"|no (?:me|le) sale (?:bien )?la voz"
        r"|(?:afectar|cambiar|cambia|afecta) (?:la|mi) voz|voz ronca|(?:voz|voice) (?:\w+\s+){0,3}?ronc\w*|ronquera|afonic\w*|perdi la voz|arrastr\w* las"
        r" palabras|la voz (?:rara|ronca|debil)",
    ],
    "urgent:vision": [
        r"no (?:puedo|puede|logro|logra) enfocar (?:la vista|los ojos|bien|nada)|(?:todo|las cosas) se (?:me|le) ve (?:\w+ )?(?:nublado|doble|borroso)",
        r"veo (?:\w+ )?(?:borroso|doble|nublado|mal)|borros\w*|duplicad\w*|vista (?:\w+ )?(?:borrosa|doble|nublada|rara)",
        r"(?:ve|ves|vemos|ven|viendo|ver) (?:todo )?(?:doble|borroso)"
        r"|(?:vision|vista) (?:doble|borrosa|nublada|empanada)|veo (?:doble|borroso|todo borroso|nublado|todo doble)|todo (?:se ve |lo veo )?"
        r"(?:borroso|doble)|no (?:puedo ver|veo) bien",
    ],
    "urgent:general_weakness": [
        r"piernas no (?:me|le) (?:aguantan|responden|sostienen)\b(?! mas)|se me doblan las piernas"
        r"|no (?:me|le) (?:aguantan|responden|sostienen) las piernas\b(?! mas)"
        r"|(?<!bebe )(?<!meses )(?<!aun )no (?:puede|puedo|podia) sostener (?:la cabeza|el cuello|los brazos|las piernas)\b(?![^.!?]*\b(?:bebe|meses)\b)",
        r"(?:piernas|brazos|cuerpo) (?:\w+ )?como (?:gelatina|trapo)|(?:me cuesta|le cuesta|no puedo|no puede)"
        r" (?:\w+ )?(?:caminar|pararme|levantarme|sostenerme)",
        r"debilidad|(?:muy |super )?debil(?:es)?|sin fuerzas?|no (?:tengo|tiene|tenia) fuerzas?|no puedo (?:levantar|sostener)",
    ],
    "urgent:eyelid_droop_with_weakness": [
        r"parpado no (?:me |le )?(?:sube|abre)|no (?:puedo|puede) subir el parpado|ojo se (?:me|le) (?:esta )?cerrando solito"
        r"|(?<!no )se (?:me|le) (?:esta )?(?:cerrando|cierra) (?:sol(?:it)?[oa] (?:el|un) (?:ojo|parpado)|(?:el|un) (?:ojo|parpado)"
        r" (?:\w+ )?sol(?:it)?[oa]\b)(?![^.!?]*\b(?:sueno|dormi\w*|desvel\w*|cansancio)\b)",
        r"parpado\w* (?:\w+ )?(?:caid\w*|no (?:se )?abre)|no puedo abrir (?:el|mi|ese|este|un) ojo"
        r"|(?:el )?parpado se me cae|(?<!no )se me (?:cae|cayo|esta cayendo) el parpado"
        r"|parpado (?:\w+ ){0,4}?no (?:lo |la |me )?(?:puedo|puede|podia) abrir",
    ],
    "urgent:allergic": [
        r"ronchas|urticaria|sarpullido|(?:garganta|lengua|boca) (?:\w+ )?(?:hinchad\w*|cerrando|cerrada)"
        r"|hinch\w* (?:de |en )?(?:la |el |los )?(?:garganta|lengua|labios?|cara|boca)|se (?:me|le) (?:esta )?(?:cerrando|cierra|cerro) la"
        r" garganta|reaccion alergica|anafila\w*",
    ],
    "urgent:allergic_swelling": [r"(?:labios?|cara|ojos?) (?:\w+ )?(?:hinchad\w*|inflamad\w*)"],
    "urgent:fainting": [
        r"se (?:me |le )?privo\b(?! de| a carcajadas)(?![^.!?]*\b(?:risa|riendo|carcajadas|llorando)\b)"
        r"|volviendo en si\b(?![^.!?]*\b(?:siesta|dormir)\b)",
        r"desmay\w*|desvaneci\w*|perd\w* (?:el )?(?:conocimiento|sentido(?! del?\b))|perd\w* la conciencia|me voy a desmayar"
        r"|me mareo y me caigo|(?:quede|quedo|estuve|estuvo|estaba|estoy|esta) inconsciente"
        r"|desperte (?:tirad[ao] )?en el (?:suelo|piso(?! del?\b))|todo se me (?:puso|ponia|volvio) (?:negro|oscuro)"
        r"|senti que todo se (?:puso|ponia|volvia) (?:negro|oscuro)",
    ],
    "contraindication:pregnant": [
        r"embarazad\w*|embarazo|esperando (?:un |a mi )?bebe|encinta|estoy de \d+ (?:semanas|meses)",
        r"esperando (?:mi |un |una |nuestro |nuestra )?(?:(?:primer|segund|tercer|cuart)\w* )?(?:hij[oa]|bebe|nen[ea]|gemel\w*)"
        r"|(?:primer|segundo|tercer) trimestre|\btrimestre\b|salgo de cuentas|fecha de parto",
        r"tengo un retraso\b|regla atrasada|(?:regla|periodo) (?:atrasad[oa]|no me (?:ha )?(?:bajado|llegado|venido))"
        r"|no me (?:ha )?(?:bajado|llegado|venido) (?:la regla|el periodo)",
    ],
    "contraindication:trying_to_conceive": [
        r"(?:intentando|buscando|tratando de) (?:quedar embarazad[ao]s?|embarazar(?:me|nos)|(?:el |un )?embarazo"
        r"|tener (?:un |otro )?bebe|(?:un |otro )?bebe)"
        r"|fertilidad|\bfiv\b|in vitro",
    ],
    "contraindication:breastfeeding": [r"amamant\w*|lactancia|lactando|(?:dando|dar|doy|da|dan|das) (?:el )?pecho|(?:dandole|darle|le doy|toma|tomando|mama) (?:el |la )?(?:pecho|teta|chichi)|(?:dando|dar|doy|da|das) de mamar"],
    "contraindication:neuromuscular": [r"miasteni\w*|lambert|\bela\b|esclerosis lateral|neuromuscular"],
    "contraindication:medication": [
        r"anticoagul\w*|warfarina|sintrom|acenocumarol|adiro|clexane|enoxaparina|eliquis|apixaban\w*|xarelto|rivaroxaban\w*|clopidogrel|aspirina (?:protect|\d+|diari\w*)|aspirina (?:diaria|todos los"
        r" dias|cada dia)|relajantes? muscular\w*|gentamicina|tobramicina|aminoglucosid\w*|sangre (?:diluid|ligera)\w*",
    ],
    "contraindication:toxin_allergy": [
        r"(?:alergi\w*|reaccion\w*)\s+(?:\w+\s+){0,3}?(?:botox|toxina|dysport|xeomin)",
    ],
    "contraindication:infection": [r"(?:acne|granos|espinillas) (?:\w+ )?en (?:la|esa) zona", r"infecci\w*|infectad\w*|herpes|absceso|fuegos? (?:labial\w*|en (?:el|la) (?:labio|boca))|\bpus\b|granos? infectad\w*|calentura (?:en (?:la |el )?(?:boca|labio\w*)|labial)"],
    "dose:dose": [r"cuantas unidades|que dosis|mas unidades|subir (?:a|las unidades|la dosis)|\bdosis\b|\d+\s*unidades"],
}

SPANISH[IDIOM] = [
    r"casi me desmayo (?:al ver|de (?:la )?(?:emocion|risa|felicidad)|cuando vi (?:lo (?:bien|bonit\w*|lind\w*)|el resultado|mi sonrisa))|me muero de risa"
    r"|viendo doble\W+(?:\w+\W+){0,2}?doble cobro",
    r"(?:foto|imagen|video|pantalla)s? (?:\w+ ){0,3}?(?:se ve|se ven|sale|salio|esta|estan) (?:muy |un poco )?borros\w*"
    r"|(?:senal|wifi|internet|bateria|conexion) (?:esta |muy |anda )*debil",
]


# The words a pattern may skip ("throat feels like it is closing") never include a denial: "face is not swollen"
# must leave "not" outside the symptom, where ConText reads it (a cue inside a symptom's words is ignored).
_ANY_WORD = (r"(?:\w+\s+)", r"(?:\w+ )", r"(?:\w+\W+)")
_WORD_BUT_A_DENIAL = r"(?:(?!(?:not|no|never|nothing|without)\b)\w+\W+)"


def rules(lexicon: Dict[str, List[str]]) -> List[Tuple[str, str]]:
    """(label, pattern) pairs for medspaCy's TargetMatcher."""
    return [(label, _without_skipped_denials(pattern)) for label, patterns in lexicon.items() for pattern in patterns]


def _without_skipped_denials(pattern: str) -> str:
    for any_word in _ANY_WORD:
        pattern = pattern.replace(any_word, _WORD_BUT_A_DENIAL)
    return pattern


# The words typo correction corrects towards (normalise.py): only misspellings of these are changed.
VOCABULARY = """
swallow swallowing swallowed choke choking throat tongue breathe breathing breath breathless wheezing gasping
speak speaking talk talking slurred slurring hoarse voice words vision blurry blurred double seeing focus weak
weakness muscles eyelid eyelids hives welts swelling swollen allergic allergy reaction faint fainted fainting passed
pregnant pregnancy trimester conceive fertility breastfeeding nursing pumping lactating myasthenia gravis lambert
eaton neuromuscular aminoglycoside gentamicin tobramycin relaxant relaxants thinner thinners warfarin eliquis xarelto
apixaban clopidogrel plavix aspirin infection infected abscess units dose dosage difficulty trouble struggling
barely bruise bruising headache heavy droopy drooping botox dysport xeomin dyspnea stridor
""".split()
