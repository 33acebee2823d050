"""French, Portuguese, German and Italian: the urgent symptoms, contraindications and dose requests the assistant
must act on even though it cannot answer in these languages yet, and the ConText cues that deny, ask about, date or
attribute them. Patterns read the plain text (lower case, no accents: "engolir", "schlucken", "deglutire").

Smaller than the English and Spanish lexicons: they cover the warning signs and contraindications of the FDA label in
everyday words, so such a message gets the emergency answer, the deferral or the dose answer in the patient's own
language instead of the notice that the assistant only answers in English.
"""

from __future__ import annotations

from typing import Dict, List

from bot.safety.context_rules import (
    ANIMAL,
    CLAUSE_BREAK,
    CURRENT,
    HISTORICAL,
    HYPOTHETICAL,
    NEGATED,
    OTHER_PERSON,
    URGENT_LABELS,
    Rule,
)
from bot.safety.lexicon import IDIOM

FRENCH: Dict[str, List[str]] = {
    "urgent:swallowing": [
        r"(?:n'?arrive|n'?arrivais|arrive|peux|peut|pouvais) (?:\w+ )?(?:pas|plus|presque pas|a peine) (?:a )?(?:avaler|deglutir)"
        r"|(?:du mal|mal|difficulte\w*|peine|probleme\w*) (?:\w+ )?(?:a|pour) (?:avaler|deglutir)|avaler (?:est |c'?est )?"
        r"(?:difficile|dur|impossible|bizarre)|(?:je )?m'?etouffe|etouff\w* (?:en|avec|quand)|fausse\w* route\w*|(?:la )?"
        r"(?:nourriture|bouffe|eau) (?:\w+ )?(?:reste coincee|ne passe pas|ne descend pas|passe de travers|ressort par le nez)"
        r"|(?:rien|ca|ça) ne passe (?:pas|plus)|coince\w* dans (?:la|ma) gorge",
    ],
    "urgent:breathing": [
        r"manquer? d'?air|(?:dormir|dors) assise? (?:\w+ )?(?:pour|sinon)? ?respirer",
        r"(?:n'?arrive|arrive|peux|peut) (?:\w+ )?(?:pas|plus|presque pas|a peine) (?:a )?(?:respirer|reprendre (?:mon|son) souffle)"
        r"|(?:du mal|mal|difficulte\w*|peine|probleme\w*) (?:\w+ )?(?:a|pour) respirer|manque d'?air|manque de souffle"
        r"|(?:le )?souffle court|essouffl\w*|j'?etouffe|suffoqu\w*|respir\w* (?:mal|difficilement|avec peine)"
        r"|(?:la )?poitrine (?:serree|oppressee)|l'?air (?:ne passe|ne rentre) (?:pas|plus)",
    ],
    "urgent:speech_voice": [
        r"(?:parle|parles|parlent|parlais) comme (?:s'?il|si j'?avais|si elle avait|si on avait) (?:\w+ )?bu|comprend\w* plus ce qu",
        r"(?:n'?arrive|arrive|peux|peut) (?:\w+ )?(?:pas|plus|a peine) (?:a )?(?:parler|articuler)|(?:du mal|difficulte\w*"
        r"|peine) (?:\w+ )?(?:a|pour) (?:parler|articuler)|voix (?:\w+ )?(?:rauque|enrouee|cassee|faible|bizarre)|enrou\w*"
        r"|(?:je )?(?:parle|articule) (?:mal|bizarrement|de travers)|(?:les )?mots (?:ne )?sort\w* (?:pas|mal)"
        r"|langue (?:lourde|pateuse|engourdie)|bafouill\w*|zozot\w*",
    ],
    "urgent:vision": [
        r"(?:vois|voyais|voit) deux\b|(?:vois|voyais) (?:tout )?en double",
        r"(?:je )?vois (?:\w+ )?(?:double|flou|trouble|en double)|vision (?:\w+ )?(?:double|floue|trouble|brouillee)"
        r"|vue (?:\w+ )?(?:double|floue|trouble|brouillee)|tout (?:est |devient )?(?:flou|double)|diplopie",
    ],
    "urgent:general_weakness": [
        r"faible de partout|impossible de (?:lever|tenir|marcher|monter)|(?:du mal|peine) a (?:lever|monter|marcher|tenir)",
        r"faiblesse (?:\w+ )?(?:dans|aux|des|generale|musculaire|partout)|(?:bras|jambes|corps) (?:\w+ )?(?:faibles?|en coton"
        r"|lourds?|lourdes|sans force)|(?:plus|pas) de force|(?:tres |super )?faible partout|(?:n'?arrive|arrive|peux)"
        r" (?:\w+ )?(?:pas|plus) (?:a )?(?:lever|tenir|marcher|monter)",
    ],
    "urgent:eyelid_droop_with_weakness": [
        r"paupiere\w* (?:\w+ )?(?:tombe\w*|ne s'?ouvre|qui tombe|affaiss\w*)|(?:n'?arrive|peux) (?:\w+ )?(?:pas|plus) (?:a )?"
        r"ouvrir (?:l'?|mon )?oeil",
    ],
    "urgent:allergic": [
        r"urticaire|plaques? rouges? (?:\w+ )?partout|(?:gorge|langue|levres?|visage|bouche) (?:\w+ )?(?:gonfle\w*|enfle\w*)"
        r"|(?:gonfle\w*|enfle\w*) (?:de |du |des |la |le |les )?(?:gorge|langue|levres?|visage|bouche)|(?:la )?gorge (?:se )?"
        r"(?:ferme|serre)|reaction allergique|choc anaphylactique|anaphyla\w*",
    ],
    "urgent:fainting": [
        r"evanoui\w*|perdu connaissance|tombe\w* dans les pommes|(?:fait|fais) un malaise|malaise|(?:je vais|vais) m'?evanouir",
    ],
    "contraindication:pregnant": [r"enceinte|grossesse|j'?attends un (?:bebe|enfant)"],
    "contraindication:trying_to_conceive": [r"(?:essaie|essaye|essayons) (?:\w+ )?(?:d'?avoir|de faire) un (?:bebe|enfant)"
                                            r"|essai\w* bebe|tomber enceinte|\bfiv\b|fecondation in vitro"],
    "contraindication:breastfeeding": [r"allait\w*|allaite|allaitement|donne le sein|tire\w* (?:mon )?lait"],
    "contraindication:neuromuscular": [r"myasthenie|lambert|\bsla\b|sclerose laterale|charcot|neuromusculaire"],
    "contraindication:medication": [
        r"decontracturant\w*|thiocolchicoside|myorelaxant\w*",
        r"anticoagul\w*|warfarine|coumadine|eliquis|apixaban|xarelto|plavix|clopidogrel|relaxants? musculaires?"
        r"|myorelaxant\w*|gentamicine|tobramycine|aminoside\w*|aminoglycoside\w*|sang (?:trop )?fluide",
    ],
    "contraindication:toxin_allergy": [r"(?:allergi\w*|reaction\w*) (?:\w+ ){0,3}?(?:botox|toxine|dysport|xeomin)"],
    "contraindication:infection": [r"infect\w*|herpes|bouton\w* de fievre|abces|\bpus\b"],
    "dose:dose": [r"combien d'?unites|quelle dose|plus d'?unites|\bdose\b|\d+\s*unites"],
    IDIOM: [r"(?:couru|courir|course|sport|gym|escaliers?)\b[^.!?]{0,50}essouffl\w*", r"(?:photo|image|ecran)s? (?:\w+ ){0,2}?(?:est |sont )?flou\w*|a couper le souffle"],
}

PORTUGUESE: Dict[str, List[str]] = {
    "urgent:swallowing": [
        r"custa(?:-me)? (?:\w+ )?engolir|(?:parad|pres)[oa] a meio caminho",
        r"(?:nao|mal) (?:\w+ )?(?:consigo|consegue|conseguia|da pra|dá pra) (?:\w+ )?engolir|dificuldade (?:\w+ )?(?:pra|para|de|em)"
        r" engolir|(?:engolir|engulo) (?:\w+ )?(?:esta |ta |ficou )?(?:dificil|complicado|impossivel|estranho)|engasg\w*"
        r"|(?:comida|agua|bebida)s? (?:\w+ )?(?:volta|sai) pelo nariz|(?:comida|agua) (?:\w+ )?(?:nao desce|entala|fica presa)"
        r"|ental\w*|(?:nada|comida) (?:\w+ )?nao desce|presa na garganta",
    ],
    "urgent:breathing": [
        r"(?:nao|mal) (?:\w+ )?(?:consigo|consegue|conseguia) (?:\w+ )?respirar|dificuldade (?:\w+ )?(?:pra|para|de|em) respirar"
        r"|falta de ar|sem ar|(?:me )?falta (?:o )?ar|sufoc\w*|respir\w* (?:mal|com dificuldade)|peito (?:apertado|pesado)"
        r"|(?:o )?ar nao (?:entra|passa)|ofegante",
    ],
    "urgent:speech_voice": [
        r"(?:fiquei|estou|to|ficou|ando) (?:\w+ ){0,2}?rouc[oa]|(?:quase )?sem voz",
        r"(?:nao|mal) (?:\w+ )?(?:consigo|consegue) (?:\w+ )?(?:falar|articular)|dificuldade (?:\w+ )?(?:pra|para|de|em) falar"
        r"|voz (?:\w+ )?(?:rouca|fraca|estranha|falhando)|rouquidao|(?:falando|fala|falo) (?:\w+ )?(?:enrolad\w*|arrastad\w*"
        r"|estranho|errado)|(?:as )?palavras (?:nao saem|saem erradas|saem enroladas)|lingua (?:pesada|enrolada|dormente)",
    ],
    "urgent:vision": [
        r"(?:vista|visao) (?:\w+ )?desfocad\w*|desfocad\w*",
        r"(?:vendo|vejo|enxergo|enxergando) (?:\w+ )?(?:duplo|dobrado|embacado|borrado|turvo|tudo dobrado|em dobro)"
        r"|visao (?:\w+ )?(?:dupla|embacada|turva|borrada)|vista (?:\w+ )?(?:embacada|turva|dupla)|tudo (?:\w+ )?(?:embacado"
        r"|dobrado|borrado)",
    ],
    "urgent:general_weakness": [
        r"pernas (?:\w+ ){0,2}?(?:falhar|falhando|bambas|moles|fracas)",
        r"fraqueza (?:\w+ )?(?:nos|nas|no|na|em|geral|muscular)|(?:bracos|pernas|corpo) (?:\w+ )?(?:fracos?|fracas|moles?"
        r"|sem forca|pesad\w*)|sem forca|(?:nao|mal) (?:\w+ )?(?:consigo|consegue) (?:\w+ )?(?:levantar|andar|segurar|subir)"
        r"|(?:muito |super )?fraca? (?:no corpo|inteira|todo)",
    ],
    "urgent:eyelid_droop_with_weakness": [
        r"olho (?:\w+ ){0,2}?fechando",
        r"palpebra\w* (?:\w+ )?(?:caid\w*|caindo|nao abre)|(?:nao|mal) (?:\w+ )?(?:consigo|consegue) abrir (?:o )?olho",
    ],
    "urgent:allergic": [
        r"placas vermelhas|manchas vermelhas (?:que cocam|pelo corpo)",
        r"urticaria|manchas vermelhas (?:\w+ )?(?:todo|toda|pelo corpo)|(?:garganta|lingua|labios?|rosto|cara|boca) (?:\w+ )?"
        r"(?:inchad\w*|inchando)|inch\w* (?:\w+ )?(?:da |na |no |nos |nas )?(?:garganta|lingua|labios?|rosto|boca)"
        r"|garganta (?:\w+ )?fechando|reacao alergica|anafila\w*",
    ],
    "urgent:fainting": [
        r"(?:acabou de |vai )?apagar\b",r"desmai\w*|perdi (?:a )?(?:consciencia|os sentidos)|apag(?:uei|ou)|vou desmaiar"],
    "contraindication:pregnant": [r"gravida|gestante|gravidez|estou esperando (?:um )?bebe"],
    "contraindication:trying_to_conceive": [r"(?:tentando|tentamos|tento) (?:\w+ )?(?:engravidar|ter (?:um )?(?:bebe|filho))"
                                            r"|\bfiv\b|fertiliza\w* in vitro"],
    "contraindication:breastfeeding": [r"amamenta\w*|dando (?:o )?peito|aleitamento|dou (?:o )?peito"],
    "contraindication:neuromuscular": [r"miastenia|lambert|\bela\b|esclerose lateral|neuromuscular"],
    "contraindication:medication": [
        r"anticoagula\w*|varfarina|marevan|eliquis|apixabana|xarelto|clopidogrel|relaxante\w* muscula\w*|gentamicina"
        r"|tobramicina|aminoglicosideo\w*|afinar o sangue",
    ],
    "contraindication:toxin_allergy": [r"(?:alergi\w*|reacao) (?:\w+ ){0,3}?(?:botox|toxina|dysport|xeomin)"],
    "contraindication:infection": [
        r"infet\w*",r"infec\w*|infeccionad\w*|herpes|abscesso|\bpus\b|espinhas? inflamad\w*"],
    "dose:dose": [r"quantas unidades|qual (?:a )?dose|mais unidades|\bdose\b|\d+\s*unidades"],
    IDIOM: [r"(?:foto|imagem|tela)s? (?:\w+ ){0,2}?(?:esta |ficou |ta )?(?:embacad|borrad)\w*"],
}

GERMAN: Dict[str, List[str]] = {
    "urgent:swallowing": [
        r"im hals stecken|(?:krieg|kriege|bekomme|bekomm) (?:\w+ ){0,3}?(?:runter|hinunter)\b|raushusten",
        r"(?:kann|konnte|koennen) (?:\w+ ){0,3}?(?:nicht|kaum) (?:noch |mehr |richtig )*(?:schlucken|runterschlucken)"
        r"|schluckbeschwerden|schluckst\w*|probleme? (?:\w+ )?(?:beim|mit dem) schlucken|schlucken (?:\w+ )?(?:ist|fallt|faellt"
        r"|geht) (?:\w+ )?(?:schwer|schwierig|nicht|kaum)|verschluck\w*|(?:essen|wasser|trinken) (?:\w+ ){0,2}?(?:bleibt stecken"
        r"|kommt (?:\w+ )?(?:aus der|durch die) nase|geht nicht runter)|steckt im hals|bleibt im hals stecken",
    ],
    "urgent:breathing": [
        r"(?:kann|konnte) (?:\w+ ){0,3}?(?:nicht|kaum) (?:noch |mehr |richtig )*(?:atmen|durchatmen|luft holen)|atemnot"
        r"|kurzatmig\w*|(?:bekomme|kriege|krieg|bekommt|kriegt) (?:\w+ )?(?:keine|kaum|schlecht) luft|luftnot|atembeschwerden"
        r"|probleme? (?:\w+ )?(?:beim|mit dem) atmen|atmen (?:\w+ )?(?:fallt|faellt|ist|geht) (?:\w+ )?(?:schwer|schwierig)"
        r"|brust (?:\w+ )?(?:eng|zugeschnurt)|ersticke",
    ],
    "urgent:speech_voice": [
        r"(?:kann|konnte) (?:\w+ ){0,3}?(?:nicht|kaum) (?:noch |mehr |richtig |deutlich )*(?:sprechen|reden)"
        r"|sprachstorung\w*|probleme? (?:\w+ )?(?:beim|mit dem) sprechen|(?:lalle|nuschle|lallt|nuschelt)|verwaschene? sprache"
        r"|stimme (?:\w+ )?(?:heiser|weg|schwach|komisch|belegt)|heiser\w*|zunge (?:\w+ )?(?:schwer|taub|lahm)",
    ],
    "urgent:vision": [
        r"doppelt gesehen|doppelt sehe",
        r"doppelbilder|doppelt sehen|sehe (?:\w+ ){0,3}?(?:doppelt|verschwommen|unscharf)|(?:sicht|sehen) (?:\w+ )?(?:verschwommen"
        r"|unscharf|doppelt|getrubt|getruebt)|alles (?:ist )?(?:verschwommen|doppelt|unscharf)|verschwommen\w* sicht",
    ],
    "urgent:general_weakness": [
        r"(?:ganzen korper|ganzen koerper) (?:\w+ ){0,3}?(?:schlapp|schwach)|schlapp und schwach|(?:arme|beine) (?:\w+ ){0,2}?nicht (?:mehr )?(?:hoch|heben|hochheben|bewegen)\w*|kaum (?:\w+ )?(?:die )?treppe",
        r"(?:muskel|korper|koerper)schwache|schwache (?:\w+ )?(?:in den|im|am ganzen)|(?:arme|beine|korper|koerper) (?:\w+ )?"
        r"(?:schwach|wie gummi|kraftlos|schwer)|kraftlos\w*|keine kraft|(?:kann|konnte) (?:\w+ ){0,2}?(?:nicht|kaum) "
        r"(?:mehr )?(?:heben|laufen|gehen|stehen|festhalten|treppen steigen)",
    ],
    "urgent:eyelid_droop_with_weakness": [
        r"(?:augen)?lider (?:\w+ )?(?:hangen|haengen)",
        r"(?:augen)?lid (?:\w+ )?(?:hangt|haengt|fallt|faellt|geht nicht auf)|hangende\w* (?:augen)?lid|(?:kann|konnte)"
        r" (?:\w+ ){0,2}?(?:auge|augen) (?:\w+ )?nicht (?:mehr )?(?:offnen|oeffnen|aufmachen)|ptosis",
    ],
    "urgent:allergic": [
        r"(?:zunge|lippen?|gesicht|mund|hals) (?:\w+ ){0,3}?(?:geschwollen|angeschwollen)",
        r"nesselsucht|quaddeln|nesselausschlag|(?:hals|zunge|lippen?|gesicht|mund|rachen) (?:\w+ ){0,2}?(?:geschwollen|schwillt"
        r"|angeschwollen)|(?:geschwollene?|angeschwollene?) (?:\w+ )?(?:zunge|lippen?|gesicht|hals)|hals (?:\w+ )?"
        r"(?:schnurt sich zu|zugeschnurt|macht zu)|allergische reaktion|anaphyla\w*",
    ],
    "urgent:fainting": [
        r"schwarz vor (?:den )?augen|kipp\w* (?:\w+ )?weg",r"ohnmacht\w*|ohnmachtig|bewusstlos|umgekippt|kollabiert|(?:werde|wurde) ohnmachtig|zusammengebrochen"],
    "contraindication:pregnant": [r"schwanger\w*"],
    "contraindication:trying_to_conceive": [r"kinderwunsch|(?:versuchen|versuche|probieren) (?:\w+ ){0,2}?schwanger"
                                            r"|(?:versuchen|versuche) (?:\w+ ){0,2}?(?:ein )?(?:baby|kind) zu bekommen"
                                            r"|kunstliche befruchtung|\bivf\b"],
    "contraindication:breastfeeding": [r"stille\b|stillen|stillzeit|stillend\w*|abpumpe\w*"],
    "contraindication:neuromuscular": [r"myasthenie|lambert|\bals\b(?= (?:erkrankung|diagnose|patient))|amyotrophe"
                                       r"|lateralsklerose|neuromuskular\w*"],
    "contraindication:medication": [
        r"blutverdunn\w*|blutverduenn\w*|gerinnungshemm\w*|marcumar|warfarin|eliquis|apixaban|xarelto|clopidogrel|plavix"
        r"|muskelrelax\w*|gentamicin|tobramycin|aminoglykosid\w*",
    ],
    "contraindication:toxin_allergy": [
        r"(?:allergi\w*|reaktion\w*) (?:\w+ ){0,3}?(?:bocouture|azzalure|vistabel)",r"(?:allergi\w*|reaktion\w*) (?:\w+ ){0,3}?(?:botox|toxin|dysport|xeomin)"],
    "contraindication:infection": [r"infektion|infiziert|entzund\w*|herpes|fieberblase\w*|abszess|eiter"],
    "dose:dose": [
        r"wie ?viele? einheiten",r"wie viele? einheiten|welche dosis|mehr einheiten|\bdosis\b|\d+\s*einheiten"],
    IDIOM: [r"heiser[^.!?]{0,40}(?:gebrullt|gebruellt|geschrien|gesungen|stadion|konzert)|(?:gebrullt|geschrien|stadion|konzert)[^.!?]{0,40}heiser", r"(?:foto|bild|bildschirm)s? (?:\w+ ){0,2}?(?:ist |sind )?(?:verschwommen|unscharf)|atemberaubend"],
}

ITALIAN: Dict[str, List[str]] = {
    "urgent:swallowing": [
        r"(?:non|a malapena|quasi non) (?:\w+ )?(?:riesco|riesce|riuscivo) (?:piu )?(?:a )?(?:deglutire|ingoiare|mandare giu)"
        r"|(?:difficolta|fatica|problemi?) (?:\w+ )?(?:a|nel|di|per) (?:deglutire|ingoiare|mandare giu)|deglutire (?:\w+ )?"
        r"(?:e |e' )?(?:difficile|impossibile|faticoso)|(?:mi )?strozz\w*|soffoc\w* (?:col|con il|quando)|(?:cibo|acqua)"
        r" (?:\w+ )?(?:non (?:va|scende) giu|resta bloccat\w*|esce dal naso|mi va di traverso)|(?:va|andato) di traverso"
        r"|bloccat\w* in gola",
    ],
    "urgent:breathing": [
        r"(?:non|a malapena|quasi non) (?:\w+ )?(?:riesco|riesce|riuscivo) (?:piu )?(?:a )?respirare|(?:difficolta|fatica|problemi?)"
        r" (?:\w+ )?(?:a|nel|di|per) respirare|mi manca (?:il )?(?:fiato|l'?aria)|fiato corto|affanno|senza fiato|soffoc\w*"
        r"|respir\w* (?:male|a fatica|con difficolta)|petto (?:stretto|oppresso|pesante)|l'?aria non (?:entra|passa)",
    ],
    "urgent:speech_voice": [
        r"(?:sono|sei) (?:\w+ )?(?:rauc[oa]|roc[oa])|senza voce|esce (?:tutto )?impastat\w*",
        r"(?:non|a malapena) (?:\w+ )?(?:riesco|riesce) (?:piu )?(?:a )?(?:parlare|articolare)|(?:difficolta|fatica) (?:\w+ )?"
        r"(?:a|nel) parlare|voce (?:\w+ )?(?:rauca|roca|debole|strana)|raucedine|(?:parlo|parla) (?:\w+ )?(?:male|strano"
        r"|impastato|strascicat\w*)|(?:le )?parole (?:non escono|escono male|escono storte)|lingua (?:pesante|impastata"
        r"|addormentata)|biascic\w*",
    ],
    "urgent:vision": [
        r"(?:vedo|vede|vedevo|vedendo) (?:\w+ )?(?:doppio|sfocato|annebbiato|offuscato|tutto doppio|tutto sfocato)"
        r"|vista (?:\w+ )?(?:doppia|sfocata|annebbiata|offuscata|appannata)|visione (?:\w+ )?(?:doppia|sfocata|offuscata)"
        r"|tutto (?:\w+ )?(?:sfocato|doppio|appannato)|diplopia",
    ],
    "urgent:general_weakness": [
        r"gambe (?:\w+ ){0,2}?ced\w*|(?:non|a malapena) (?:\w+ )?riesc\w* (?:piu )?(?:ad |a )?alzar\w*|non (?:ha|ho) (?:piu )?forz\w*|gambe (?:di|come) gelatina",
        r"debolezza (?:\w+ )?(?:nelle|nei|alle|ai|generale|muscolare|in tutto)|(?:braccia|gambe|corpo) (?:\w+ )?(?:deboli?"
        r"|molli|senza forza|pesanti)|senza forze?|(?:non|a malapena) (?:\w+ )?(?:riesco|riesce) (?:piu )?(?:a )?(?:alzare"
        r"|camminare|tenere|salire|sollevare)|(?:molto |super )?debole (?:dappertutto|in tutto)",
    ],
    "urgent:eyelid_droop_with_weakness": [
        r"occhio (?:\w+ ){0,2}?(?:si chiude|chiuso)",
        r"palpebr\w* (?:\w+ )?(?:cadente|abbassat\w*|scesa|non si apre|cade)|(?:non|a malapena) (?:\w+ )?riesco (?:piu )?"
        r"(?:ad |a )?aprire l'?occhio|ptosi",
    ],
    "urgent:allergic": [
        r"chiazze rosse|si chiude la gola|(?:faccia|viso|labbra|lingua) (?:\w+ ){0,3}?gonfiando",
        r"orticaria|pomfi|chiazze rosse (?:\w+ )?(?:ovunque|dappertutto)|(?:gola|lingua|labbr[ao]|viso|faccia|bocca) (?:\w+ )?"
        r"(?:gonfi\w*|si gonfia)|(?:gonfiore|gonfio|gonfia) (?:\w+ )?(?:alla |della |in |nella )?(?:gola|lingua|labbr[ao]|viso"
        r"|faccia|bocca)|(?:la )?gola (?:\w+ )?(?:si chiude|chiusa|si stringe)|reazione allergica|anafila\w*",
    ],
    "urgent:fainting": [r"svenut\w*|svenimento|svengo|perso (?:i sensi|conoscenza)|(?:sto per|stavo per) svenire"],
    "contraindication:pregnant": [r"incinta|gravidanza|aspetto un (?:bambino|bimbo|figlio)"],
    "contraindication:trying_to_conceive": [r"(?:cercando|proviamo|provando|cerchiamo) (?:\w+ )?(?:di )?(?:avere )?un "
                                            r"(?:bambino|figlio|bimbo)|rimanere incinta|\bpma\b|\bfivet\b|in vitro"],
    "contraindication:breastfeeding": [r"allatt\w*|do il latte|tiro il latte"],
    "contraindication:neuromuscular": [r"miastenia|lambert|\bsla\b|sclerosi laterale|neuromuscolar\w*"],
    "contraindication:medication": [
        r"anticoagul\w*|warfarin\w*|coumadin|eliquis|apixaban|xarelto|clopidogrel|plavix|miorilassant\w*"
        r"|rilassant\w* muscolar\w*|gentamicina|tobramicina|aminoglicosid\w*|sangue (?:piu )?fluido",
    ],
    "contraindication:toxin_allergy": [r"(?:allergi\w*|reazione) (?:\w+ ){0,3}?(?:botox|tossina|dysport|xeomin)"],
    "contraindication:infection": [
        r"brufol\w* (?:infiammat|infett)\w*",r"infezion\w*|infett\w*|herpes|febbre sul labbro|ascesso|\bpus\b"],
    "dose:dose": [r"quante unita|che dose|quale dose|piu unita|\bdose\b|\d+\s*unita"],
    IDIOM: [r"(?:foto|immagine|schermo)s? (?:\w+ ){0,2}?(?:e |sono )?(?:sfocat|offuscat)\w*|da togliere il fiato"],
}

# ConText cues, as in context_rules.py: denials read forward a few words, questions and worries to the end of the
# sentence, "since yesterday" or "is this normal?" make it now and outweigh both, a past reference makes it past.
_PSEUDO_AND_BREAKS: List[Rule] = [(CLAUSE_BREAK, "PSEUDO", r"[,;]", 1)]

FRENCH_CONTEXT: List[Rule] = [
    (NEGATED, "FORWARD", r"\bpas de\b|\bpas d'|\baucun\w*\b|\bsans\b|\bni\b|\bjamais eu\b", 5, URGENT_LABELS),
    (NEGATED, "BACKWARD", r"\b(?:ca va|ça va|normal\w*|bien)\b(?= *(?:[,.!?]|$))", 3, URGENT_LABELS),
    (HYPOTHETICAL, "FORWARD", r"\best-ce que le botox\b|\bpeut(?:-il| il)? (?:\w+ )?(?:causer|provoquer|donner|entrainer)\b"
     r"|\bpeut-on\b|\bet si\b|\bsi jamais\b|\brisques?\b|\bpossible\b|\bpeur\b|\bsignes?\b|\bsymptomes? de\b|\bquels sont\b"
     r"|\bj'?ai lu\b|\best-il possible\b|\bquoi faire si\b|(?<!comme )\bsi\b", None),
    (CURRENT, "BIDIRECTIONAL", r"\bdepuis\b|\bmaintenant\b|\bhier\b|\baujourd'?hui\b|\bce (?:matin|soir)\b|\bcette nuit\b"
     r"|\best-ce normal\b|\bc'?est normal\b|\baide\b|\burgent\b|\bil y a (?:\d+|deux|trois|quelques) jours\b|\bencore\b"
     r"|\btoujours\b|\bapres (?:mon|ma|le|la|l'|les) (?:injection|botox|rendez-vous|seance|traitement)\w*|\bdu coup\b", None),
    (HISTORICAL, "BIDIRECTIONAL", r"\bil y a (?:\d+|deux|trois|quelques|plusieurs) ans\b|\bl'?annee derniere\b"
     r"|\bla derniere fois\b|\bc'?est passe\b|\bplus maintenant\b|\bquand j'?etais\b|\bj'?ai arrete\b|\bfini\b|\bgueri\w*\b"
     r"|\bautrefois\b|\ben (?:19|20)\d\d\b", None),
    (ANIMAL, "FORWARD", r"\bmon (?:chien|chat)\b|\bma chienne\b", 4),
    (OTHER_PERSON, "BIDIRECTIONAL", r"\b(?:ma|mon) (?:mere|pere|soeur|frere|mari|femme|copine|copain|amie?|fille|fils"
     r"|compagne?|conjoint\w*|tante|cousine?)\b|\belle\b", None),
    ("TERMINATE", "TERMINATE", r"\bmais\b|\bpar contre\b|\bsauf\b", 1),
] + _PSEUDO_AND_BREAKS

PORTUGUESE_CONTEXT: List[Rule] = [
    (NEGATED, "FORWARD", r"\bsem\b|\bnenhum\w*\b|\bnem\b|\bnao tenho\b|\bnao (?:estou|to|tô) com\b|\bnada de\b|\bnunca tive\b",
     5, URGENT_LABELS),
    (NEGATED, "BACKWARD", r"\b(?:normal|bem|ok|tranquil\w*)\b(?= *(?:[,.!?]|$))", 3, URGENT_LABELS),
    (HYPOTHETICAL, "FORWARD", r"\bo botox pode\b|\bpode (?:\w+ )?(?:causar|dar|provocar)\b|\be se\b|\bse\b|\briscos?\b"
     r"|\bpossivel\b|\bmedo\b|\bsinais? de\b|\bsintomas? de\b|\bquais (?:sao )?os\b|\bli que\b|\bouvi (?:dizer )?que\b", None),
    (CURRENT, "BIDIRECTIONAL", r"\bdesde\b|\bagora\b|\bontem\b|\bhoje\b|\bhoje de manha\b|\bessa noite\b|\bisso e normal\b"
     r"|\be normal\b|\bajuda\b|\burgente\b|\bha (?:\d+|dois|tres|uns|alguns) dias\b|\bainda\b|\bcontinuo\b"
     r"|\bdepois (?:d[oa]|de) (?:\w+ )?(?:aplicacao|botox|injecao|consulta|procedimento)\b", None),
    (HISTORICAL, "BIDIRECTIONAL", r"\bha (?:\d+|dois|tres|uns|alguns|varios) anos\b|\bano passado\b|\bda ultima vez\b"
     r"|\bja passou\b|\bnao mais\b|\bquando eu era\b|\bparei de\b|\bjá parei\b|\bcurad\w*\b|\bem (?:19|20)\d\d\b", None),
    (ANIMAL, "FORWARD", r"\bmeu (?:cachorro|gato)\b|\bminha (?:cachorra|gata)\b", 4),
    (OTHER_PERSON, "BIDIRECTIONAL", r"\b(?:minha|meu) (?:mae|pai|irma|irmao|marido|esposa|esposo|namorad[oa]|amig[oa]"
     r"|filh[oa]|tia|prima|sogra)\b|\bela\b|\bele\b", None),
    ("TERMINATE", "TERMINATE", r"\bmas\b|\bporem\b|\bso que\b", 1),
] + _PSEUDO_AND_BREAKS

GERMAN_CONTEXT: List[Rule] = [
    (NEGATED, "FORWARD", r"\bkeine?n?\b|\bohne\b|\bweder\b|\bnoch nie\b|\bnicht\b(?= (?:\w+ )?(?:heiser|geschwollen"
     r"|verschwommen|doppelt|schwach|ohnmachtig))", 5, URGENT_LABELS),
    (NEGATED, "BACKWARD", r"\b(?:normal|gut|ok|okay|in ordnung)\b(?= *(?:[,.!?]|$))", 3, URGENT_LABELS),
    (HYPOTHETICAL, "FORWARD", r"\bkann botox\b|\bkann (?:es|das|man)\b|\bverursach\w*\b|\bwas passiert,? wenn\b|\bwenn\b"
     r"|\bfalls\b|\brisik\w*\b|\bmoglich\w*\b|\bmoeglich\w*\b|\bangst\b|\banzeichen\b|\bsymptome von\b|\bnebenwirkung\w*\b"
     r"|\bgelesen\b|\bwelche\b", None),
    (CURRENT, "BIDIRECTIONAL", r"\bseit\b|\bjetzt\b|\bgerade\b|\bgestern\b|\bheute\b|\bheute (?:morgen|fruh|abend)\b"
     r"|\bist (?:das|dies) normal\b|\bhilfe\b|\bdringend\b|\bvor (?:\d+|zwei|drei|ein paar|einigen) tagen\b|\bimmer noch\b"
     r"|\bnoch immer\b|\bnach (?:der|dem|meiner|meinem) (?:spritze|behandlung|botox|termin|injektion)\w*", None),
    (HISTORICAL, "BIDIRECTIONAL", r"\bvor (?:\d+|zwei|drei|ein paar|einigen|vielen) jahren\b|\bletztes jahr\b|\bhatte (?:mal|einmal|schon mal)\b"
     r"|\bletzte(?:s|n)? mal\b|\bist vorbei\b|\bnicht mehr\b|\bals (?:ich|kind)\b|\bfruher\b|\bfrueher\b|\babgestillt\b"
     r"|\bhabe (?:\w+ )?abgesetzt\b|\bverheilt\b|\bim jahr (?:19|20)\d\d\b", None),
    (ANIMAL, "FORWARD", r"\bmein(?:e)? (?:hund|katze)\b", 4),
    (OTHER_PERSON, "BIDIRECTIONAL", r"\bmein(?:e|em|er)? (?:mutter|mama|vater|papa|schwester|bruder|mann|frau|freundin"
     r"|freund|tochter|sohn|partner\w*|tante|cousine)\b|\bsie\b(?= (?:kann|bekommt|sieht|hat|ist))|\ber\b", None),
    ("TERMINATE", "TERMINATE", r"\baber\b|\bjedoch\b|\bausser\b", 1),
] + _PSEUDO_AND_BREAKS

ITALIAN_CONTEXT: List[Rule] = [
    (NEGATED, "FORWARD", r"\bnessun\w*\b|\bsenza\b|\bnon ho\b|\bmai avuto\b|\bniente\b", 5, URGENT_LABELS),
    (NEGATED, "BACKWARD", r"\b(?:normale|bene|ok|tranquill\w*)\b(?= *(?:[,.!?]|$))", 3, URGENT_LABELS),
    (HYPOTHETICAL, "FORWARD", r"\bil botox puo\b|\bpuo (?:\w+ )?(?:causare|dare|provocare)\b|\be se\b|\bse\b|\brischi\w*\b"
     r"|\bpossibile\b|\bpaura\b|\bsegnali\b|\bsintomi di\b|\bquali sono\b|\bho letto\b|\bho sentito\b", None),
    (CURRENT, "BIDIRECTIONAL", r"\bda (?:ieri|stamattina|quando)\b|\badesso\b|\bora\b|\bieri\b|\boggi\b|\bstanotte\b"
     r"|\be normale\b|\baiuto\b|\burgente\b|\b(?:\d+|due|tre|qualche) giorni fa\b|\bancora\b|\bcontinuo\b"
     r"|\bdopo (?:il|la|l') ?(?:botox|iniezione|trattamento|appuntamento|seduta)\b", None),
    (HISTORICAL, "BIDIRECTIONAL", r"\b(?:\d+|due|tre|qualche|alcuni|molti) anni fa\b|\bl'?anno scorso\b|\bl'?ultima volta\b"
     r"|\be passat[oa]\b|\bnon piu\b|\bquando ero\b|\bho smesso\b|\bguarit\w*\b|\bnel (?:19|20)\d\d\b", None),
    (ANIMAL, "FORWARD", r"\bil mio (?:cane|gatto)\b|\bla mia (?:cagna|gatta)\b", 4),
    (OTHER_PERSON, "BIDIRECTIONAL", r"\b(?:mia|mio) (?:madre|mamma|padre|papa|sorella|fratello|marito|moglie|ragazz[oa]"
     r"|amic[oa]|figli[oa]|zia|cugin[oa]|compagn[oa])\b|\blei\b|\blui\b", None),
    ("TERMINATE", "TERMINATE", r"\bma\b|\bpero\b|\btranne\b", 1),
] + _PSEUDO_AND_BREAKS

# Language code -> (targets, ConText rules), for the analyser's one pipeline per language.
LANGUAGES = {
    "fr": (FRENCH, FRENCH_CONTEXT),
    "pt": (PORTUGUESE, PORTUGUESE_CONTEXT),
    "de": (GERMAN, GERMAN_CONTEXT),
    "it": (ITALIAN, ITALIAN_CONTEXT),
}
