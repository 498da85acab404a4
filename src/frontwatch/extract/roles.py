"""Roles of an event: who acts (actor1), on whom (actor2), where, and who held
the place before. Rules about English clause structure, applied to the linked
mentions of the trigger's clause, with a little discourse memory (pronouns,
"the city", the actor of the ongoing offensive)."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

from frontwatch.extract.lexicon import EventClass, Hit, Lexicon, gated
from frontwatch.ingest.segment import Sentence
from frontwatch.kb.gazetteer import distance_km
from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import Actor, Attribution, Location, MentionRecord

TERRITORIAL = {"capture", "driven_out", "control_state", "withdrawal"}
MULTI_PLACE = TERRITORIAL | {"air_strike", "shelling", "clash", "protest", "protest_intervention", "riot",
                              "excessive_force", "weapons_disrupted"}
# protest events: who protests (civilians) and who intervenes (the police, actor2)
CROWD_ACTOR_CLASSES = {"protest", "riot", "mob_violence", "protest_intervention"}
STATE_KINDS = {"state", "state_force", "government"}
REGION_FEATURES = {"ADM1", "ADM2", "REGION", "COUNTRY", "RIVER", "SEA", "MOUNTAIN"}
AREA_FEATURES = {"NEIGHBOURHOOD", "ROAD", "BASE", "CROSSING", "AIRPORT", "PORT", "AREA", "CAMP"}

# a clause ends at ";", a dash, or a comma that opens a new clause
_CLAUSE_BREAK = re.compile(
    r";|:\s|\s[-\u2013\u2014]\s|,\s+(?=(?:while|whereas|but|which|who|whose|where|after|before|although|though|as|when|"
    r"and then|and that|the|a|an|his|her|its|their|this|these|it|they|he|she|i|we|you|according|seeking|albeit)\b)"
    # a concessive or temporal clause has its own subject even without a comma ("... will not accept
    # a truce while the city is under siege")
    r"|\s(?=(?:while|whereas|although)\s+(?:the|a|an|it|they|he|she|we|its|their|his|her)\b)",
    re.IGNORECASE,
)
# the words each gated pattern below needs in a match (a text without them is not searched)
_ADJECTIVE_CONTROL_WORDS = ("control",)
_ANAPHORIC_PLACE_WORDS = ("city", "town", "region", "area", "province", "village", "crossroads", "hub", "node",
                          "stronghold", "locality", "capital", "airport", "outskirts", "compound", "there")
_BETWEEN_AND_WORDS = ("between",)
_BETWEEN_WORDS = ("between",)
_BRACKETED_WORDS = ("(",)
_CAUSATIVE_WORDS = ("forc", "prompt", "driv", "drove", "caus")
_CONDITION_WORDS = ("if", "unless")
_CONTROL_OF_WORDS = ("control", "held", "hands")
_ENEMY_WORDS = ("enem",)
_MEMBERS_FROM_WORDS = ("from",)
_PARENTHETICAL_WORDS = ("including", "such as", "among them")
_REACTION_WORDS = ("comment", "den", "condemn", "confirm", "blam", "investigat", "document", "report", "respond",
                   "react", "mourn", "critici", "protest")
_REPORTED_BY_WORDS = ("said", "says", "informed", "report", "stated", "announced", "according")
_SINCE_WORDS = ("since",)
_SPEAKER_PRONOUN_WORDS = ("said", "say", "announced", "stated", "insisted", "warned", "added")
_SPOKESPERSON_OF_WORDS = ("spokes",)
_SUPPORT_BEFORE_WORDS = ("by", "alongside", "help", "support", "backing", "former")
_BETWEEN_AND = gated(r"\bbetween\s+[^,.;]{1,45}\band\s+(?:the\s+)?$", re.IGNORECASE, _BETWEEN_AND_WORDS)
_HOLDING_VERB = re.compile(r"^(?:now\s+|still\s+)?(?:controls?|holds?|ha(?:s|ve)\s+held)$", re.IGNORECASE)
_EMBEDDED = re.compile(r"\bthat\b|\bif\b|\"", re.IGNORECASE)  # a clause with its own subject inside
_SPACES = re.compile(r"\s+")
_PARTICIPLE_CLAUSE = re.compile(r"\b(?:before|after|while|without|by)\s+$", re.IGNORECASE)
_SPEAKING = re.compile(r"\s+(?:did not|does not|has not|had not|would not|says|said|say|denied|denies|"
                       r"confirmed|confirms|announced|claimed|claims|accused|accuses|insisted|warned)\b")
_VAGUE_AREA = re.compile(r"the\s+(?:region|area)", re.IGNORECASE)
_WHERE_CLAUSE = re.compile(r",\s+where\b", re.IGNORECASE)
_SENTENCE_STOP = re.compile(r"[.!?](?:\s|$)|\n")
_FRONTED_LOCATIVE = re.compile(r"\W*(?:In|At|Near|Outside|Inside|Around|Across|Across|Throughout)\s+(?:the\s+)?")
_RELATIVE_START = re.compile(r"\s*(?:who|which|that|whose)\b", re.IGNORECASE)
_CONTROL_OF = gated(r"\b(?:under\s+(?:the\s+)?control\s+of|held\s+by|controlled\s+by|in\s+the\s+hands\s+of)\s+",
                    re.IGNORECASE, _CONTROL_OF_WORDS)
_ADJECTIVE_CONTROL = gated(r"\bunder\s+(rebel|opposition|government|regime|army|kurdish|jihadist)\s+control\b",
                           re.IGNORECASE, _ADJECTIVE_CONTROL_WORDS)
_ADJECTIVE_SIDE = {"rebel": "opposition", "opposition": "opposition", "government": "government",
                   "regime": "government", "army": "government", "kurdish": "sdf", "jihadist": "opposition"}
_COORDINATION = re.compile(r"\s*,\s*|\s+and\s+|\s*,\s*and\s+|\s+y\s+|\s+e\s+|\s+or\s+")
_ANAPHORIC_PLACE = gated(r"\b(?:(?:this|that)\s+(?:\w+\s+){0,2}(?:city|town|region|area|province|village|"
                         r"crossroads|hub|node|stronghold|locality)|"
                         r"the\s+(?:city|town|region|area|capital|airport|outskirts|compound)|there)\b",
                         re.IGNORECASE, _ANAPHORIC_PLACE_WORDS)
# "in Syria", "across eastern Congo", "in northern Burkina Faso": a country inside a locative phrase
_PREPOSITION_BEFORE = re.compile(r"\b(?:in|to|from|of|into|across|inside|throughout|towards|toward|for|at|on|near|"
                                 r"between|within|over|around|via)\s+(?:the\s+)?(?:(?:north|south|east|west|"
                                 r"central|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+)?$",
                                 re.IGNORECASE)
_MEMBERS_FROM = gated(r"\b(?:officials|leaders|diplomats|envoys|delegates|delegations?|ministers|representatives|"
                      r"troops|forces|soldiers|fighters|mercenaries|militants|advisers|advisors)\s+from\s+"
                      r"(?:the\s+)?$", re.IGNORECASE, _MEMBERS_FROM_WORDS)
_SUPPORT_BEFORE = gated(r"(?:\b(?:backed|supported|assisted|aided|sponsored|brokered|mediated|facilitated|"
                        r"hosted|guaranteed)\s+by|\balongside|\bwith\s+the\s+(?:help|support|backing)\s+of|"
                        r"\b(?:a|the)\s+former)\s+(?:the\s+)?(?:[\w-]+\s+)?$", re.IGNORECASE, _SUPPORT_BEFORE_WORDS)
_APPOSITION_START = re.compile(r"(?:a|an)\s+(?:[\w-]+\s+){0,4}?(?:who|which|that)\b", re.IGNORECASE)
_ENEMY = gated(r"\b(?:the|our)\s+enem(?:y|ies)\b|\benemy\s+(?:forces|troops|units|fighters)\b",
               re.IGNORECASE, _ENEMY_WORDS)
_REPORTED_BY = gated(r"\b(?:said|says|informed|reported|reports|stated|announced|according\s+to)\s+(?:the\s+)?",
                     re.IGNORECASE, _REPORTED_BY_WORDS)
_CAUSATIVE = gated(r"\b(?:forc(?:ing|ed|es?)|prompt(?:ing|ed|s)?|driv(?:ing|en|es?)|drove|caus(?:ing|ed|es?))\b",
                   re.IGNORECASE, _CAUSATIVE_WORDS)
# a further object with its own place after a place: "and at an army base near", "and 4 over the",
# "and the capital", "and a market in the"
_AND = re.compile(r",?\s+(?:and|as\s+well\s+as)\s+", re.IGNORECASE)
_ANOTHER_OBJECT = re.compile(
    r",?\s+(?:and|as\s+well\s+as)\s+(?:[\d,]+\s+)?"
    r"(?:(?:at|in|on|near|over|around|outside|inside)\s+(?:(?:the|a|an)\s+)?(?:[\w-]+\s+){0,3}?"
    r"(?:(?:at|in|on|near|over|around|outside|inside|of)\s+(?:the\s+)?)?"
    r"|(?:the|a|an)\s+(?:[\w-]+\s+){0,3}?(?:at|in|on|near|over|around|outside|inside)\s+(?:the\s+)?"
    r"|the\s+(?:capital|city|town|port|port\s+city|village|province|region)\s+(?:of\s+)?)", re.IGNORECASE)
# "Israeli tank fire", "Russian shelling": a demonym right before the trigger names who fires
_DEMONYM_MODIFIER = re.compile(r"(?<![\w-])([A-Z][a-z]+)\s+(?:(?!(?:said|says|say|officials|sources|media|"
                               r"reports?|claims?)\b)[a-z]+\s+)?$")
_LAUNCHED_CLASSES = {"air_strike", "shelling"}
_PASSIVE_BEFORE = re.compile(r"\b(?:was|were|been|being|be|is|are|got)\s+(?:[a-z]+ly\s+)?$", re.IGNORECASE)
# events whose grammatical subject is the agent in the active voice and the patient in the passive
_PASSIVE_CLASSES = {"weapons_disrupted", "air_strike", "shelling", "clash", "civilian_attack", "ied", "suicide_bomb",
                    "grenade", "abduction", "arrests", "sexual_violence", "looting", "excessive_force"}
_PARTICIPLE = re.compile(r"[a-z]+(?:ed|en)\b|(?:shot|hit|struck|held|caught|shot down)\b")
_REPORTING_AFTER = re.compile(r"\s+(?:say|says|said|told|tell|report|reported|reports)\b", re.IGNORECASE)
_RELATIVE_PASSIVE = re.compile(r",\s+(?:(?:most|some|all|many|one|none|several|two|three)\s+of\s+)?(?:which|whom)\s*$",
                               re.IGNORECASE)
_SPEAKER_PRONOUN = gated(r"\b(?:said|says|say|announced|stated|insisted|warned|added)\s+(?:that\s+)?"
                         r"(?:it|they|he|she)\s+(?:[a-z']+\s+){0,5}$", re.IGNORECASE, _SPEAKER_PRONOUN_WORDS)
_SPOKESPERSON_OF = gated(r"\bspokes(?:man|woman|person|people|men|women)\s+(?:for|of)\s+(?:the\s+)?"
                         r"(?:[\w-]+\s+)?$", re.IGNORECASE, _SPOKESPERSON_OF_WORDS)
# verbs whose subject reacts to an event named by their object, without doing it
_REACTION = gated(r"\b(?:comment(?:ed|s|ing)?|den(?:y|ies|ied|ying)|condemn(?:ed|s|ing)?|confirm(?:ed|s|ing)?|"
                  r"blam(?:e|ed|es|ing)|investigat(?:e|ed|es|ing)|document(?:ed|s|ing)?|report(?:ed|s|ing)?|"
                  r"respond(?:ed|s|ing)?|react(?:ed|s|ing)?|mourn(?:ed|s|ing)?|criticis(?:e|ed|es|ing)|"
                  r"criticiz(?:e|ed|es|ing)|protest(?:ed|s|ing)?\s+against)\s+(?:on\s+|to\s+|about\s+)?"
                  r"(?:the|a|an|this|that|these|those|its|their)\s+(?:[\w'-]+\s+){0,3}$",
                  re.IGNORECASE, _REACTION_WORDS)
_CONDITIONAL_WORDS = {"if", "unless"}
_FRONTED_CONDITION = re.compile(r"\W*(?:if|unless)\b", re.IGNORECASE)
_CONDITION = gated(r"\s(?=(?:if|unless)\s+(?:the|a|an|it|they|he|she|we|its|their|his|her)\b)",
                   re.IGNORECASE, _CONDITION_WORDS)
_WHERE_START = re.compile(r"where\b", re.IGNORECASE)
_LOCATIVE_END = re.compile(r"\b(?:in|at|near|across|around|throughout|outside|inside)\s+(?:the\s+)?"
                           r"(?:(?:town|city|village|area|region|province|district|desert|outskirts|port|"
                           r"port\s+city|trading\s+town|border\s+town|border\s+village)\s+of\s+)?$", re.IGNORECASE)
_ATTACKING_AFTER = re.compile(r"(?:\s+(?:fighters|troops|forces|soldiers|units|militiamen|militants|gunmen|rebels))?"
                              r"\s+(?:(?:who|which|that)\s+(?:were|was|had\s+been)\s+)?(?:(?:trying|attempting|seeking|"
                              r"tried|attempted)\s+to\s+(?:advance|attack|storm|enter|push|infiltrate|cross|"
                              r"take|capture|seize)|advancing|attacking|storming|assaulting)\b", re.IGNORECASE)
_BRACKETED = gated(r"\s\([^()]{1,40}\)", 0, _BRACKETED_WORDS)
_OPENING_BRACKET = re.compile(r"\s*\(")
_CALLED_REGION = re.compile(r"\s+region\b|\bregion$", re.IGNORECASE)
# "five soldiers of the army were killed when ...": the subject of a passive casualty verb is a victim
_VICTIM_AFTER = re.compile(r"\s+(?:[\w-]+\s+){0,3}?(?:were|was|had\s+been|have\s+been|has\s+been)\s+(?:\w+ly\s+)?"
                           r"(?:killed|wounded|injured|hurt|maimed)\b", re.IGNORECASE)
_BOMBINGS = {"ied", "suicide_bomb"}
# a clause that follows on from the event just told, at its scene
_SEQUEL_START = re.compile(r"(?:after|during|in|following)\s+which\b", re.IGNORECASE)
# the object of a clash verb that refers back to the attackers of an attack just told
_ASSAILANTS = re.compile(r"[\"\u201d\u2019']?\s+(?:all\s+)?(?:of\s+)?the\s+(?:assailants|attackers|raiders|gunmen|"
                         r"militants)\b", re.IGNORECASE)
_STRONG_GAP_STOP = re.compile(r"\b(?:who|which|that|where|when|but|while|said|says)\b|[;:()]", re.IGNORECASE)
_PARENTHETICAL = gated(r",\s+(?:including|such as|among them)\s+[^,]{1,60},", 0, _PARENTHETICAL_WORDS)
_PREPOSITION_END = re.compile(r"\b(?:on|in|at|near|around|outside|inside|of|into|towards|toward)\s+(?:[\w-]+\s+)?$",
                              re.IGNORECASE)
_PLACE_GAP_STOP = re.compile(r"\b(?:who|which|that|where|when|and|but|while)\b|[;:(),]", re.IGNORECASE)
# "led by the RSF", "by men believed to be police officers", "by gunmen suspected of being X"
_BELIEVED_TO_BE = (r"(?:(?:[\w-]+\s+){1,2}(?:believed|suspected|thought|said|alleged|reported)\s+"
                   r"(?:to\s+(?:be|have\s+been)|of\s+being)\s+(?:the\s+)?)?")
_BY_AGENT = re.compile(r"^[\s,]*(?:\w+\s+){0,3}?(?:led\s+)?by\s+(?:the\s+)?" + _BELIEVED_TO_BE + "$", re.IGNORECASE)
_FAR_BY_AGENT = re.compile(r"^[^,;:.()]{0,60}?\bby\s+(?:the\s+)?" + _BELIEVED_TO_BE + "$", re.IGNORECASE)
_LOST_TO = re.compile(r"^(?:fell|falls|fallen|lost|handed over|ceded) to$")
_PREPOSITION_START = re.compile(r"^\s*(?:on|in|at|near|against|around|across|over|of|into|inside|outside|toward|"
                                r"towards|"
                                r"along|throughout|from)\b", re.IGNORECASE)
# movements placed where they start: a place after "towards", "to", "for" is the destination
ORIGIN_CLASSES = {"withdrawal", "displacement"}
# incidents that happen at one scene: without a place of their own, the sentence's only place
SCENE_CLASSES = {"looting", "civilian_attack", "abduction", "arrests", "riot", "mob_violence", "protest_intervention",
                 "excessive_force", "sexual_violence"}
# requests and refusals happen between parties, not at a place: a place in them is what they are about
# ("called on partners to give air defence for Kharkiv", "urged the RSF to leave El Obeid")
PLACELESS = {"request_assist", "request_yield", "reject"}
DIPLOMATIC = {"request_assist", "request_yield", "reject", "aid", "agreement", "mobilize"}
_OF_GENITIVE = re.compile(r"^\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_BETWEEN = gated(r"\bbetween\s+(?:the\s+)?$", re.IGNORECASE, _BETWEEN_WORDS)
_SINCE = gated(r"\bsince\s+(?:\w+\s+)?\d{4}\b", re.IGNORECASE, _SINCE_WORDS)
_PLURAL_PRONOUN = re.compile(r"\b(?:they|their|them)\b", re.IGNORECASE)
_SINGULAR_PRONOUN = re.compile(r"\b(?:he|his|she|her)\b", re.IGNORECASE)
# "it", "its forces", "the group": a reference back to an organisation, not to a person
_GROUP_ANAPHOR = re.compile(r"\b(?:it|its|the\s+(?:group|organisation|organization|movement|militia))\b", re.IGNORECASE)
_ANY_ANAPHOR = re.compile(r"\b(?:it|its|they|their|he|his|she|her|the\s+(?:group|organisation|organization|"
                          r"movement|militia))\b", re.IGNORECASE)
_FALL_VERB = re.compile(r"\b(?:fall|falls|fell|fallen)$", re.IGNORECASE)
# "the defenders repelled 14 assaults": the subject defends, the attacker is actor1
REPEL = {"repelled", "repulsed", "repel", "repels", "repulse", "fended off", "beat back", "beaten back"}
_NO_AGENT = {"fall", "loss", "fell", "falls", "has fallen", "have fallen", "siege", "under siege", "besieged",
             "battle", "battle for"}


@dataclass
class Roles:
    actor1: Actor | None = None
    actor2: Actor | None = None
    places: list[MentionRecord] = field(default_factory=list)
    precedents: list[MentionRecord] = field(default_factory=list)
    holder: Actor | None = None  # who held the place before ("under the control of the regime since ...")
    since: str | None = None


@dataclass
class DocumentState:
    """What earlier sentences established (for anaphora and implied roles)."""

    last_actor: dict[str, Actor] = field(default_factory=dict)
    attacker: Actor | None = None  # the side of the ongoing offensive
    last_place: MentionRecord | None = None
    last_town: MentionRecord | None = None
    last_region: MentionRecord | None = None
    last_called_region: MentionRecord | None = None  # the last one named as "the X region"
    last_event_place: MentionRecord | None = None
    last_event_paragraph: int = -1
    class_actor: dict[str, Actor] = field(default_factory=dict)  # event class -> its last actor1
    last_person: MentionRecord | None = None
    last_group: MentionRecord | None = None
    gains: dict[str, str] = field(default_factory=dict)  # place id -> side that took it
    last_attribution: Attribution | None = None
    sentence_runs: list[list[MentionRecord]] = field(default_factory=list)
    attacker_positions: dict[str, tuple[Actor, float, float]] = field(default_factory=dict)

    def remember_actor(self, class_id: str, actor: Actor, where: Location | None = None) -> None:
        self.class_actor[class_id] = actor
        if class_id in ("capture", "driven_out"):
            self.last_actor["territorial"] = actor
        attacking = class_id in ("capture", "driven_out", "clash") and \
            actor.side not in ("government", None, "civilian", "other")
        # a local armed group shelling a town is besieging it; a foreign air force backing
        # the government is not the side that would take it
        attacking = attacking or (class_id in ("shelling", "air_strike") and
                                  actor.side not in ("government", "foreign", None, "civilian", "other"))
        if attacking:
            self.attacker = actor
            if where is not None and where.lat is not None and where.lon is not None:
                self.attacker_positions[actor.entity_id] = (actor, where.lat, where.lon)

    def nearest_attacker(self, places: list[MentionRecord]) -> Actor | None:
        """The attacker last seen nearest to the event's place ("Damascus is under siege" is the
        rebels rising in Deraa, not the SDF in the east); the latest attacker without positions."""
        located = [p for p in places if p.lat is not None and p.lon is not None]
        if not located or not self.attacker_positions:
            return self.attacker
        place = located[0]
        return min(self.attacker_positions.values(),
                   key=lambda item: distance_km(item[1], item[2], place.lat or 0.0, place.lon or 0.0))[0]


def _location_of(place: Any, precision: int) -> Location:
    """A Location from a place mention or a gazetteer Place (they share these field names)."""
    fields = {name: getattr(place, name) for name in _LOCATION_FIELDS}
    return Location(**fields, precision=precision)  # type: ignore[arg-type]


def _theatre(mentions: list[MentionRecord]) -> str | None:
    """The country the story happens in: the one its places lie in. A town weighs more than a
    country's name, which is often a foreign party ("officials from Qatar urged ... in El Obeid");
    ties go to the country named first, so the answer never depends on set order."""
    weight: dict[str, int] = {}
    for mention in mentions:
        if mention.entity_type == "place" and mention.country:
            weight[mention.country] = weight.get(mention.country, 0) + (1 if mention.feature == "COUNTRY" else 2)
    return max(weight, key=lambda country: weight[country]) if weight else None


_LOCATION_FIELDS = ("entity_id", "name", "geonames_id", "lat", "lon", "country", "admin1", "feature")


class RoleFinder:
    def __init__(self, kb: KnowledgeBase, lexicon: Lexicon, text: str, mentions: list[MentionRecord],
                 state: DocumentState, dateline_end: int = 0) -> None:
        self.source_span: tuple[int, int] | None = None  # the attribution source of the current sentence
        self.sentence_start = 0  # start of the sentence whose roles are being found
        self.trigger_start = -1  # start of the trigger whose roles are being found
        self.requesting = False  # the trigger is a request or refusal
        self._supporting_of: dict[int, bool] = {}  # mention start -> backer/mediator/spokesperson's employer
        self._locative_of: dict[int, bool] = {}  # mention start -> inside a locative phrase
        self._breaks_of: tuple[tuple[int, int], list[tuple[int, int]]] = ((-1, -1), [])  # the last sentence's
        # the last interception (clause, interceptor, trigger end): weapons it names were launched by the other side
        self.interception: tuple[tuple[int, int], Actor, int] | None = None
        self.dateline_end = dateline_end
        # places in a dateline ("PORT SUDAN, June 14 -") say where the reporter is, not where events are
        mentions = [m for m in mentions if m.start >= dateline_end]
        self.kb = kb
        self.lexicon = lexicon
        self.text = text
        self.mentions = sorted(mentions, key=lambda m: m.start)
        self.starts = [m.start for m in self.mentions]
        self.state = state
        self.media_ids = kb.derived("media_ids")
        self.actor_entries = kb.derived("actor_entries")
        self.state_by_country = kb.derived("states")
        self.capitals: dict[str, str] = kb.derived("capitals")
        self.focus = _theatre(self.mentions)

    # ------------------------------------------------------------ basics

    def mentions_in(self, start: int, end: int) -> list[MentionRecord]:
        i = bisect_left(self.starts, start)
        found = []
        while i < len(self.mentions) and self.mentions[i].start < end:
            if self.mentions[i].end <= end:
                found.append(self.mentions[i])
            i += 1
        return found

    def clause(self, sentence: Sentence, position: int) -> tuple[int, int]:
        start, end = sentence.start, sentence.end
        for b_start, b_end in self._clause_breaks(sentence):
            if b_end <= position:
                start = b_end
            elif b_start >= position:
                end = b_start
                break
        return start, end

    def _clause_breaks(self, sentence: Sentence) -> list[tuple[int, int]]:
        """Where the clauses of a sentence part, in order (worked out once per sentence)."""
        if self._breaks_of[0] == (sentence.start, sentence.end):
            return self._breaks_of[1]
        breaks = [(m.start(), m.end()) for m in _CLAUSE_BREAK.finditer(self.text, sentence.start, sentence.end)]
        first_word = re.match(r"\W*(\w+)", self.text[sentence.start:sentence.end])
        if first_word and first_word.group(1).lower() in self.lexicon.subordinators:
            comma = self.text.find(", ", sentence.start, sentence.end)
            if comma > 0 and first_word.group(1).lower() in _CONDITIONAL_WORDS:
                # "If the police keep shooting, the protests will grow": the main clause is conditional, so
                # the clause (which modality reads) runs on; roles are cut apart in `_condition_cut`
                breaks = [b for b in breaks if b[0] != comma]
            elif comma > 0:  # "As regime troops retreat, thousands ... fled": the fronted clause ends here
                breaks.append((comma, comma + 2))
        breaks.sort()
        self._breaks_of = ((sentence.start, sentence.end), breaks)
        return breaks

    def is_actor(self, mention: MentionRecord) -> bool:
        if self.source_span and self.source_span[0] <= mention.start < self.source_span[1] and \
                not self.source_span[0] <= self.trigger_start < self.source_span[1]:
            # "Oleh Marchenko, a spokesman for the Ukrainian military, said": a source; but a "source"
            # holding the trigger itself is the event ("according to the agreements between X and Y")
            return False
        if mention.entity_type in ("actor", "person"):
            return True
        if mention.entity_type == "organisation":
            # outlets, NGOs, think tanks report and document; they are not parties to events, but an
            # international body that urges, requests or refuses is the party of that request
            return mention.entity_id not in self.media_ids and (mention.side not in (None, "other") or
                                                                self.requesting and mention.side == "other")
        if mention.entity_type == "place" and mention.feature == "COUNTRY":
            # a country acts only as a subject/object, not inside "in Syria", "to Russia"
            return not self._in_locative(mention)
        if mention.entity_type == "place" and self._possessive(mention) and \
                self.capitals.get(mention.country or "") == mention.entity_id:
            return True  # "Moscow's goal is to take ...", "Kyiv's forces": the capital stands for its state
        return False

    def _possessive(self, mention: MentionRecord) -> bool:
        return mention.surface.endswith(("'s", "’s")) or self.text.startswith(("'s", "’s"), mention.end)

    def _in_locative(self, mention: MentionRecord) -> bool:
        """A place inside a prepositional phrase: "in Syria", or coordinated with one ("in Mali and
        Burkina Faso", "to Egypt, Jordan or Iraq"). (Depends on the text only: computed once per mention.)"""
        known = self._locative_of.get(mention.start)
        if known is not None:
            return known
        if _PREPOSITION_BEFORE.search(self.text, max(0, mention.start - 30), mention.start):
            # "officials from Egypt", "troops from Chad": people sent by the state, who act for it
            found = not _MEMBERS_FROM.search(self.text, max(0, mention.start - 40), mention.start)
        else:
            index = bisect_left(self.starts, mention.start) - 1
            previous = self.mentions[index] if index >= 0 else None
            found = previous is not None and previous.entity_type == "place" and previous.end <= mention.start \
                and bool(_COORDINATION.fullmatch(self.text, previous.end, mention.start)) \
                and self._in_locative(previous)
        self._locative_of[mention.start] = found
        return found

    def actor(self, mention: MentionRecord) -> Actor:
        if mention.entity_type == "place":
            side = "government" if mention.country == self.focus else "foreign"
            state = self.state_by_country.get(mention.country or "")
            if state is not None:
                return Actor(entity_id=state.entity_id, name=state.name, side=side)
            return Actor(entity_id=mention.entity_id, name=mention.name, side=side)
        return Actor(entity_id=mention.entity_id, name=mention.name, side=mention.side or "other")

    def is_state_actor(self, actor: Actor) -> bool:
        entry = self.actor_entries.get(actor.entity_id)
        return entry is not None and (entry.kind in STATE_KINDS or "air_force" in entry.tags)

    def location(self, place: MentionRecord) -> Location:
        """Where the event is, at town/area/region precision. A road stands for its town (an event
        "on the northern ring road" is in Homs, area precision); a named district, camp or airport
        is itself the most precise place and is kept."""
        precision = self._precision(place)
        if place.feature == "ROAD":
            entry = self.kb.place_by_id(place.entity_id)
            parent = self.kb.place_by_id(entry.part_of) if entry and entry.part_of else None
            if parent is not None:
                return _location_of(parent, 2)
        return _location_of(place, precision)

    def _precision(self, place: MentionRecord) -> int:
        if place.feature in REGION_FEATURES:
            return 3
        lead = self.text[max(0, place.start - 40):place.start]
        if self.lexicon.area_words.search(lead) and re.search(r"\bof\s+(?:the\s+)?$|\bnear\s+$|\baround\s+$", lead):
            return 2
        return 2 if place.feature in AREA_FEATURES else 1

    def weak_ok(self, trigger: Hit, clause: tuple[int, int], sentence: Sentence | None = None) -> bool:
        """Weak triggers ("took", "fell") need a place or a territorial object right after them;
        a verb of falling may instead have the place as its subject ("If Sittwe falls")."""
        clause = self._condition_cut(clause, trigger.start())
        named = self.mentions_in(max(clause[0], trigger.start() - 40), trigger.start())
        if named and named[-1].entity_type == "place" and not self.text[named[-1].end:trigger.start()].strip():
            return True  # "the Tokmak strike", "the Tessit attack": the place names the event
        if _FALL_VERB.search(trigger.group()):
            subject = self.mentions_in(max(clause[0], trigger.start() - 60), trigger.start())
            if subject and subject[-1].entity_type == "place" and subject[-1].feature != "COUNTRY" \
                    and not self.text[subject[-1].end:trigger.start()].strip():
                return True
        for mention in self.mentions_in(trigger.end(), clause[1]):
            if mention.entity_type == "place":
                gap = self.text[trigger.end():mention.start]
                # "its strikes on the northern outskirts of Homs", "an ammunition depot near Tokmak"
                limit = 6 if _PREPOSITION_START.match(gap) or _PREPOSITION_END.search(gap) else 4
                return len(gap.split()) <= limit and not _PLACE_GAP_STOP.search(gap)
        words = re.findall(r"[a-z]+", self.text[trigger.end():min(clause[1], trigger.end() + 45)].lower())[:4]
        if any(w in self.lexicon.generic_objects for w in words):
            return True
        anaphor = _ANAPHORIC_PLACE.search(self.text, trigger.end(), clause[1])
        if anaphor is not None and self._referent(anaphor, sentence.start if sentence else clause[0]) is not None:
            # "struck several buildings there", "struck a command centre inside the compound": a place
            # referred back to places the verb like a name would
            gap = self.text[trigger.end():anaphor.start()]
            if len(gap.split()) <= 6 and not _PLACE_GAP_STOP.search(gap):
                return True
        # "In Kampala, protesters attacked the offices ...": the opening phrase places the verb
        return sentence is not None and bool(self._fronted_places(sentence))

    def sentence_end(self, position: int) -> int:
        """End of the sentence holding `position` (a line or a full stop)."""
        stop = _SENTENCE_STOP.search(self.text, position)
        return stop.start() if stop else len(self.text)

    def end_sentence(self, sentence: Sentence, inside: list[MentionRecord]) -> None:
        # "a claim that Kyiv did not confirm": a capital speaking for its government is no scene
        places = [m for m in inside if m.entity_type == "place" and m.feature != "COUNTRY"
                  and m.start >= self.dateline_end and not _SPEAKING.match(self.text, m.end)]
        if places:
            self.state.last_place = places[-1]
        towns = [m for m in places if m.feature in ("PPL", "CITY")]
        if towns:
            self.state.last_town = towns[-1]
        regions = [m for m in places if m.feature in ("ADM1", "ADM2", "REGION")]
        if regions:
            self.state.last_region = regions[-1]
            called = [m for m in regions if _CALLED_REGION.search(m.surface) or _CALLED_REGION.match(self.text, m.end)]
            if called:
                self.state.last_called_region = called[-1]
        people = [m for m in inside if m.entity_type == "person"]
        if people:
            self.state.last_person = people[-1]
        groups = [m for m in inside if m.entity_type == "actor"]
        if groups:
            self.state.last_group = groups[0]

    # ------------------------------------------------------------ roles

    def find(self, event_class: EventClass, trigger: Hit, sentence: Sentence,
             clause: tuple[int, int]) -> Roles:
        phrase = _SPACES.sub(" ", trigger.group().lower())
        t_start, t_end = trigger.start(), trigger.end()
        clause = self._condition_cut(clause, t_start)
        self.sentence_start, self.trigger_start = sentence.start, t_start
        self.requesting = event_class.id in PLACELESS
        in_clause = self.mentions_in(clause[0], clause[1])
        # "Israeli warplanes struck": the trigger may begin inside the actor's name (its head noun)
        parties = [m for m in in_clause if self.is_actor(m) and not self._supporting(m)
                   and not (m.end <= t_start and _VICTIM_AFTER.match(self.text, m.end, t_start))]
        before = [m for m in parties if m.end <= t_start or m.start < t_start < m.end]
        after = [m for m in parties if m.start >= t_end]
        nominal = phrase.split()[-1] in event_class.nominal and bool(re.match(r"\s+of\b", self.text[t_end:t_end + 4]))
        roles = Roles()
        actor1, actor2 = self._actors(event_class, phrase, nominal, before, after, t_start, t_end)
        actor1_fixed: Actor | None = None
        back_to_attackers = event_class.id == "clash" and _ASSAILANTS.match(self.text, t_end)
        if back_to_attackers and self.state.attacker is not None:
            # "the army had "neutralised" the assailants": the attackers of the attack just told attack,
            # the subject defends
            actor1, actor2, actor1_fixed = None, (before[-1] if before else None), self.state.attacker
        if event_class.id == "clash" and actor2 is not None and actor2.start >= t_end and \
                _ATTACKING_AFTER.match(self.text, actor2.end):
            # "its fighters clashed with Israeli troops trying to advance": the advancing side attacks
            actor1, actor2 = actor2, actor1
        if actor1 is not None and actor1 in before and actor1.end <= t_start and \
                _REACTION.search(self.text, actor1.end, t_start):
            actor1 = None  # "the army did not comment on the Tokmak strike": it reacts, it did not strike
        if actor1 is not None and actor1 in before and actor1.end <= t_start and \
                _SPEAKER_PRONOUN.search(self.text, actor1.end, t_start):
            # "The RSF did not respond, and the government said it will not accept ...": the pronoun
            # after the reporting verb is the speaker, nearer the verb than the last name
            speaker = self.source_actor()
            if speaker is not None:
                actor1 = None
                actor1_fixed = speaker
        if actor1 is not None and actor1 in before and event_class.id in _PASSIVE_CLASSES and \
                _PARTICIPLE.match(phrase) and self._passive_subject(actor1, t_start):
            # "five soldiers of the army were killed", "drones ..., most of which were intercepted": the
            # subject of a passive verb undergoes the event; the agent is named by "by" or not at all
            actor1, actor2 = None, actor2 or actor1
        if phrase.split()[0].endswith("ing") and _PARTICIPLE_CLAUSE.search(self.text, clause[0], t_start):
            # "Fano fighters entered Gondar ... before pulling back": the main clause's subject acts
            subjects = [m for m in self.mentions_in(sentence.start, t_start) if self.is_actor(m)]
            if subjects:
                actor1 = subjects[0]
        if event_class.id in PLACELESS:
            roles.places, roles.precedents = [], []  # "urged X to withdraw from Y": Y is no scene of the request
        else:
            roles.places, roles.precedents = self._places(event_class, nominal, in_clause, clause, t_start, t_end,
                                                         sentence)
        if back_to_attackers and not roles.places and self.state.last_event_place is not None and \
                self.state.last_event_paragraph == self.text.rfind("\n", 0, sentence.start) + 1:
            roles.places = [self.state.last_event_place]  # ... at the scene of that attack
        if event_class.id == "control_state":
            holder = self.controller(t_start, clause[1])
            roles.actor1 = holder or (self.actor(actor1) if actor1 else None)
            since = _SINCE.search(self.text, clause[0], clause[1])
            roles.since = since.group() if since else None
            later = [m for m in after if holder is None or m.entity_id != holder.entity_id]
            roles.actor2 = self.actor(later[0]) if later else None
            if roles.places:
                self.state.sentence_runs.append(roles.places)
            return roles
        if phrase in REPEL:
            roles.actor2 = self.actor(actor2) if actor2 else self._fallback_actor(event_class, phrase, clause,
                                                                                   t_start, roles.places)
            roles.actor1 = self.actor(actor1) if actor1 else self.state.attacker
            if roles.actor1 is not None and roles.actor2 is not None and roles.actor1.side == roles.actor2.side:
                roles.actor1 = None  # the ongoing attacker is the defender itself: the attacker is unnamed
        else:
            roles.actor1 = self.actor(actor1) if actor1 else actor1_fixed or self._fallback_actor(
                event_class, phrase, clause, t_start, roles.places)
            roles.actor2 = self.actor(actor2) if actor2 else None
        if roles.actor2 is not None and roles.actor1 is not None and roles.actor2.entity_id == roles.actor1.entity_id:
            roles.actor2 = None
        if event_class.id == "weapons_disrupted" and roles.actor1 is not None:
            self.interception = (clause, roles.actor1, t_end)
        if event_class.control:
            roles.holder = self.controller(sentence.start, sentence.end, skip=(t_start, t_end + 40))
        if roles.places:
            self.state.sentence_runs.append(roles.places)
        return roles

    def _condition_cut(self, clause: tuple[int, int], t_start: int) -> tuple[int, int]:
        """The part of the clause on the trigger's side of an "if"/"unless" clause, fronted ("If the RSF
        takes X, the army will ...") or comma-less ("ready to deploy troops to X if a ceasefire is
        reached" - the ceasefire is not in X). Only the roles are cut: the condition still makes the
        main clause hypothetical."""
        cuts = [(found.start(), found.start() + 1) for found in _CONDITION.finditer(self.text, clause[0], clause[1])]
        fronted = _FRONTED_CONDITION.match(self.text, clause[0])
        if fronted:
            # "If the police keep shooting, the protests will only grow": the condition and its main clause
            # have their own roles (the main clause stays hypothetical: events see the whole clause)
            comma = self.text.find(", ", fronted.end(), clause[1])
            if comma > 0:
                cuts.append((comma, comma + 2))
        for cut_start, cut_end in sorted(cuts):
            if cut_end <= t_start:
                clause = (cut_end, clause[1])
            elif cut_start >= t_start:
                return clause[0], cut_start
        return clause

    def _passive_subject(self, mention: MentionRecord, t_start: int) -> bool:
        """The trigger is a passive verb ("were intercepted") and `mention` is its subject (right before
        the auxiliary) or stands outside the relative clause the passive opens ("..., most of which were")."""
        auxiliary = _PASSIVE_BEFORE.search(self.text, max(mention.end, t_start - 30), t_start)
        if auxiliary is None:
            return False
        gap = self.text[mention.end:auxiliary.start()]
        return len(gap.split()) <= 3 and not _PREPOSITION_START.match(gap) or bool(_RELATIVE_PASSIVE.search(gap))

    def _supporting(self, mention: MentionRecord) -> bool:
        """A backer, mediator, spokesperson's employer or former affiliation, not a party: "troops backed
        by Wagner fighters", "a truce brokered by Qatar", "deployed alongside the army (FARDC)", "a former
        RSF commander", "a spokesman for the army". (Depends on the text only: computed once per mention.)"""
        known = self._supporting_of.get(mention.start)
        if known is not None:
            return known
        if _SUPPORT_BEFORE.search(self.text, max(0, mention.start - 40), mention.start) or \
                _SPOKESPERSON_OF.search(self.text, max(0, mention.start - 40), mention.start):
            found = True  # "a spokesman for the Ukrainian military, said fighting ...": it speaks, it does not act
        else:
            # "alongside the Congolese army (FARDC)": the acronym in brackets shares its name's role
            index = bisect_left(self.starts, mention.start) - 1
            found = index >= 0 and self.mentions[index].end <= mention.start and \
                bool(_OPENING_BRACKET.fullmatch(self.text, self.mentions[index].end, mention.start)) and \
                self._supporting(self.mentions[index])
        self._supporting_of[mention.start] = found
        return found

    def _actors(self, event_class: EventClass, phrase: str, nominal: bool, before: list[MentionRecord],
                after: list[MentionRecord], t_start: int,
                t_end: int) -> tuple[MentionRecord | None, MentionRecord | None]:
        text = self.text
        between = [m for m in after if _BETWEEN.search(text[max(t_end, m.start - 12):m.start])
                   and len(text[t_end:m.start].split()) <= 3]  # "the agreements between X and Y"
        if between:
            rest = [m for m in after if m.start > between[0].end]
            return between[0], rest[0] if rest else None
        by = [m for m in after if m.start - t_end < 60 and _BY_AGENT.match(text[t_end:m.start])]
        if not by and _PASSIVE_BEFORE.search(text, max(0, t_start - 30), t_start):
            # a passive verb may name its agent further on: "had been abducted in the days before the
            # march by men believed to be police officers"
            by = [m for m in after if m.start - t_end < 90 and _FAR_BY_AGENT.match(text[t_end:m.start])]
        if event_class.id == "displacement" and (not before or re.search(r"\bforc|\bdr[io]v|prompt",
                                                                          text[before[-1].end:t_start])):
            return None, None  # the displaced are civilians ("forcing some 400,000 people to flee")
        if nominal or phrase.split()[-1] in event_class.nominal:
            modifier = [m for m in before if re.fullmatch(r"\s*", text[m.end:t_start])]
            if modifier and event_class.id in ("clash", "air_strike", "shelling"):
                return modifier[-1], None  # "an RSF assault", "a Russian offensive"
            possessive = [m for m in before if re.fullmatch(r"'s?\s+(?:\w+\s+)?", text[m.end:t_start])]
            genitive = [m for m in after if _OF_GENITIVE.match(text[t_end:m.start])]
            if possessive:
                return possessive[-1], None
            if by:
                return by[0], None
            if genitive and event_class.id in ("clash", "air_strike", "shelling", "mobilize"):
                return genitive[0], None  # "the assault of the jihadists": the genitive is the agent
            within = [m for m in after if re.fullmatch(r"\s+(?:within|in|among|from|inside)\s+(?:the\s+)?",
                                                        text[t_end:m.start])]
            if within and not before:
                return within[0], None  # "desertions within the army ranks"
            if phrase in _NO_AGENT or phrase.split()[-1] in _NO_AGENT:
                return None, None
            return (before[-1] if before else None), None
        if phrase in REPEL:
            defender = before[-1] if before else None
            # "repelled an RSF attack", "repelled an attack by ISIS": the attacker follows closely
            attacker = next((m for m in after if len(text[t_end:m.start].split()) <= 4
                             and not _PREPOSITION_END.search(text[t_end:m.start])), None)
            return (by[0] if by else attacker), defender
        if _LOST_TO.match(phrase):
            return (after[0] if after else None), None  # "Homs fell to the rebels"
        if by:
            return by[0], None
        actor1 = before[-1] if before else None
        rest = [m for m in after if m is not actor1]
        return actor1, rest[0] if rest else None

    def _fallback_actor(self, event_class: EventClass, phrase: str, clause: tuple[int, int],
                        t_start: int, places: list[MentionRecord] | None = None) -> Actor | None:
        places = places or []
        lead = self.text[clause[0]:t_start]
        if event_class.id == "displacement":
            return Actor(entity_id="civilians", name="civilians", side="civilian")
        demonym = _DEMONYM_MODIFIER.search(self.text, max(clause[0], t_start - 40), t_start)
        if demonym and demonym.group(1) in self.kb.demonyms:
            return self.forces_of(self.kb.demonyms[demonym.group(1)])  # "Israeli tank fire hit ..."
        if event_class.id == "weapons_disrupted":
            # "most of which were intercepted, the Israeli military said": the speaker intercepts;
            # "In Odesa, air defence destroyed ...": else the air defence of the state where it happens
            speaker = self.speaker(clause)
            if speaker is not None and self.is_state_actor(speaker):
                return speaker
            located = [p for p in places if p.country]
            if located:
                return self.forces_of(located[0].country or "")
        if event_class.id in _LAUNCHED_CLASSES and self.interception is not None and \
                self.interception[0] == clause and self.interception[2] <= t_start:
            # "air defence destroyed nine drones launched at the city": the other side launched them
            enemy = self.enemy_of(self.interception[1])
            if enemy is not None:
                return enemy
        sentence_lead = [m for m in self.mentions_in(max(0, clause[0] - 300), clause[0]) if self.is_actor(m)]
        if _RELATIVE_START.match(self.text, clause[0]) and sentence_lead and not _EMBEDDED.search(lead):
            # "the rebels, who have managed to take ...", but not "X, who warned that "If Homs falls""
            return self.actor(sentence_lead[-1])
        if _APPOSITION_START.match(self.text, clause[0]) and sentence_lead and \
                re.fullmatch(r"\s*,\s*", self.text[sentence_lead[-1].end:clause[0]]):
            # "Abu Aqla Keikal, a former RSF commander who defected ...": the apposition describes
            # the name right before it
            return self.actor(sentence_lead[-1])
        implied = self.lexicon.implied_re.search(lead)
        if implied and _REPORTING_AFTER.match(lead, implied.end()):
            implied = None  # "Residents say the town is shelled": the residents speak, they do not act
        if implied:
            return self.implied_actor(implied.group().lower())
        if _ENEMY.search(lead):
            enemy = self.enemy_of(self.speaker(clause))
            if enemy is not None:
                return enemy  # "the enemy continues the offensive, the Ukrainian General Staff said"
        if _ANY_ANAPHOR.search(lead):
            # "Hezbollah said it fired ...", "an RSF commander said his fighters had taken ...":
            # in reported speech the pronoun names the speaker's side
            source = self.source_actor()
            if source is not None:
                return source
        if _GROUP_ANAPHOR.search(lead) or _PLURAL_PRONOUN.search(lead):
            # "The RSF holds Nyala, where its fighters looted ...", "the MNDAA has held Lashio since
            # August, when it overran ...": the subject of the sentence's main clause
            subjects = [m for m in self.mentions_in(self.sentence_start, clause[0])
                        if m.entity_type in ("actor", "organisation") and self.is_actor(m)]
            if subjects:
                return self.actor(subjects[0])
        if _GROUP_ANAPHOR.search(lead) and self.state.last_group is not None:
            return self.actor(self.state.last_group)
        if _SINGULAR_PRONOUN.search(lead) and self.state.last_person is not None:
            return self.actor(self.state.last_person)
        if _PLURAL_PRONOUN.search(lead) and self.state.last_group is not None:
            return self.actor(self.state.last_group)
        if event_class.id in _BOMBINGS:
            # "soldiers were killed when a device exploded ..., after which Daesh fighters opened fire":
            # an unclaimed bombing is laid to the armed group the sentence names, else the ongoing attacker
            armed = [m for m in self.mentions_in(self.sentence_start, self.sentence_end(t_start)) if self.is_actor(m)
                     and m.side not in (None, "government", "foreign", "civilian", "other")]
            if armed:
                return self.actor(armed[0])
            if self.state.attacker is not None:
                return self.state.attacker
        if event_class.id in self.state.class_actor and event_class.id in ("shelling", "air_strike"):
            return self.state.class_actor[event_class.id]  # "shells struck the camp" after "the RSF shelled ..."
        if event_class.id == "clash" and not (phrase in _NO_AGENT or phrase.split()[-1] in _NO_AGENT):
            # "Fighting continued in Bahri, where the army is pushing north": a party named further on
            later = [m for m in self.mentions_in(t_start, self.sentence_end(t_start)) if self.is_actor(m)
                     and self._inside_where_clause(t_start, m.start)]
            if later:
                return self.actor(later[0])
        if phrase in _NO_AGENT or phrase.split()[-1] in _NO_AGENT or event_class.id == "clash":
            return self.state.nearest_attacker(places)
        if event_class.id == "arrests":
            # arrests with no named agent are made by the state's security forces
            police = self.kb.default_actor(self.focus or "", "police")
            if police is not None:
                entry = self.kb.actors[police]
                return Actor(entity_id=entry.entity_id, name=entry.name, side="government")
            return Actor(entity_id=f"{(self.focus or 'xx').lower()}-security-forces", name="security forces",
                         side="government")
        if event_class.control == "gain" and "territorial" not in self.state.last_actor:
            return self.state.attacker  # "the capture of Bukavu" after "M23 rebels walked into Bukavu"
        if event_class.control == "gain":
            return self.state.last_actor.get("territorial")
        return None

    def forces_of(self, country: str) -> Actor | None:
        """A state's armed forces (its state entry when it has none), on its side in this theatre."""
        ref = self.kb.default_actor(country, "military")
        if ref is None:
            ref = self.kb.default_actor(country, "army")
        side = "government" if country == self.focus else "foreign"
        if ref is not None:
            entry = self.kb.actors[ref]
            return Actor(entity_id=entry.entity_id, name=entry.name, side=side)
        state = self.state_by_country.get(country)
        return Actor(entity_id=state.entity_id, name=state.name, side=side) if state is not None else None

    def speaker(self, clause: tuple[int, int]) -> Actor | None:
        """Who speaks in the sentence around `clause`: the attribution source, else an actor named
        right after a reporting verb ("..., informed the General Staff")."""
        source = self.source_actor()
        if source is not None:
            return source
        end = self.sentence_end(clause[0])
        for found in _REPORTED_BY.finditer(self.text, clause[0], end):
            named = [m for m in self.mentions_in(found.end(), end) if self.is_actor(m)]
            if named and named[0].start - found.end() <= 50:
                return self.actor(named[0])
        return None

    def enemy_of(self, speaker: Actor | None) -> Actor | None:
        """"The enemy" in a party's statement: the armed side the document names most, other than
        the speaker's."""
        if speaker is None:
            return None
        counts: dict[str, int] = {}
        actors: dict[str, Actor] = {}
        for mention in self.mentions:
            if mention.entity_type != "actor" or mention.side in (None, "civilian", "other", speaker.side):
                continue
            actor = self.actor(mention)
            counts[actor.entity_id] = counts.get(actor.entity_id, 0) + 1
            actors.setdefault(actor.entity_id, actor)
        return actors[max(counts, key=lambda entity: counts[entity])] if counts else None

    def _inside_where_clause(self, start: int, position: int) -> bool:
        """text[position] lies in a ", where ..." clause opened after `start` (up to its next comma)."""
        where = _WHERE_CLAUSE.search(self.text, start, position)
        return where is not None and "," not in self.text[where.end():position]

    def source_actor(self) -> Actor | None:
        """The group named in the attribution source of the current sentence, if any."""
        if self.source_span is None:
            return None
        inside = [m for m in self.mentions_in(self.source_span[0], self.source_span[1] + 1)
                  if m.entity_type in ("actor", "organisation") and m.entity_id not in self.media_ids]
        return self.actor(inside[0]) if inside else None

    def implied_actor(self, word: str) -> Actor | None:
        """The actor a word implies ("uprising" -> the rebels of this theatre)."""
        tag = self.lexicon.implied_actors.get(word)
        if tag is None:
            return None
        if tag == "civilian":
            return Actor(entity_id="civilians", name="civilians", side="civilian")
        counts: dict[str, int] = {}
        for mention in self.mentions:
            entry = self.actor_entries.get(mention.entity_id)
            if entry is not None and tag in entry.tags:
                counts[entry.entity_id] = counts.get(entry.entity_id, 0) + 1
        if counts:
            entry = self.actor_entries[max(counts, key=lambda k: counts[k])]
        else:
            found = next((a for a in self.kb.actors if tag in a.default_for and a.country == self.focus), None)
            if found is None:
                return Actor(entity_id=tag, name=word, side="opposition" if tag == "rebel" else tag)
            entry = found
        return Actor(entity_id=entry.entity_id, name=entry.name, side=entry.side)

    def controller(self, start: int, end: int, skip: tuple[int, int] | None = None) -> Actor | None:
        """The holder named by "under the control of X" / "under rebel control" in text[start:end]."""
        for found in _CONTROL_OF.finditer(self.text, start, end):
            if skip and skip[0] <= found.start() < skip[1]:
                continue
            holder = next((m for m in self.mentions_in(found.end(), found.end() + 40)
                           if m.start <= found.end() + 4 and self.is_actor(m)), None)
            if holder is not None:
                return self.actor(holder)
        adjective = _ADJECTIVE_CONTROL.search(self.text, start, end)
        if adjective and not (skip and skip[0] <= adjective.start() < skip[1]):
            word = adjective.group(1).lower()
            implied = self.implied_actor("uprising") if _ADJECTIVE_SIDE[word] == "opposition" else None
            return implied or Actor(entity_id=word, name=f"{word} forces", side=_ADJECTIVE_SIDE[word])
        subject = _holding_subject_of(self, start)
        return self.actor(subject) if subject is not None else None

    # ------------------------------------------------------------ places

    def _run(self, places: list[MentionRecord], first: int, forward: bool = True) -> list[MentionRecord]:
        """The coordinated list of places starting (or ending) at places[first]."""
        run = [places[first]]
        step = 1 if forward else -1
        k = first + step
        while 0 <= k < len(places):
            left, right = (run[-1], places[k]) if forward else (places[k], run[-1])
            if not _COORDINATION.fullmatch(self.text, left.end, right.start):
                break
            run.append(places[k])
            k += step
        return run if forward else run[::-1]

    def _places(self, event_class: EventClass, nominal: bool, in_clause: list[MentionRecord],
                clause: tuple[int, int], t_start: int, t_end: int,
                sentence: Sentence) -> tuple[list[MentionRecord], list[MentionRecord]]:
        text = self.text
        places = [m for m in in_clause if m.entity_type == "place"
                  # a country or capital standing for its state ("Rwanda denies", "Moscow's goal") is no place
                  and not (self.is_actor(m) and not self._territorial_object(event_class, m, t_end))
                  and not _BETWEEN.search(text[max(0, m.start - 12):m.start])
                  and not _BETWEEN_AND.search(text[max(0, m.start - 60):m.start])
                  and not (m.feature == "COUNTRY" and m.end <= t_start)
                  and not (event_class.id in DIPLOMATIC and m.feature == "COUNTRY"
                           and re.search(r"\bfrom\s+$", text[max(0, m.start - 6):m.start]))
                  # "rockets fired from Lebanon", "drones launched from Kursk": where they were
                  # launched, not where they struck
                  and not (event_class.id in _LAUNCHED_CLASSES
                           and re.search(r"\bfrom\s+(?:the\s+)?$", text[max(0, m.start - 10):m.start]))]
        precedents = [m for m in places if m.start >= t_end
                      and self.lexicon.precedent_markers.search(text[max(0, m.start - 25):m.start])]
        places = [m for m in places if m not in precedents]
        chosen: list[MentionRecord] = []
        after = [m for m in places if m.start >= t_end]
        before = [m for m in places if m.end <= t_start]
        if nominal:
            if after and re.fullmatch(r"\s+of\s+(?:the\s+)?(?:\w+\s+){0,2}?", text[t_end:after[0].start]):
                chosen = self._run(after, 0)
            elif re.match(r"\s+of\s+the\s+(?:city|town)\b", text[t_end:]) and (self.state.last_town or
                                                                                   self.state.last_place):
                chosen = [self.state.last_town or self.state.last_place]  # type: ignore[list-item]
            elif before and event_class.id not in TERRITORIAL:
                chosen = self._run(before, len(before) - 1, forward=False)  # "Homs is resisting the assault of"
        elif event_class.id == "control_state" and _HOLDING_VERB.search(text[t_start:t_end]):
            # "the RSF still controls El Geneina": the object after the verb is the place held
            if after and len(text[t_end:after[0].start].split()) <= 8:
                chosen = self._run(after, 0)
        elif event_class.id == "control_state":
            if before:
                chosen = self._run(before, len(before) - 1, forward=False)
            elif _RELATIVE_START.match(text, clause[0]) and self.state.sentence_runs:
                chosen = self.state.sentence_runs[-1]  # "..., which had been under the control of ..."
        elif event_class.id == "displacement" and self.state.sentence_runs and \
                _CAUSATIVE.search(text, max(clause[0], t_start - 60), t_end):
            # "seized the camp, forcing 40,000 people to flee": people flee from where the cause happened
            chosen = self.state.sentence_runs[-1]
        else:
            first = 0
            if event_class.id in ORIGIN_CLASSES:
                while first < len(after) and self._is_destination(after[first]):
                    first += 1
            if first < len(after):
                # "(ENDF)", "(Volchansk)": a bracketed alias or spelling is no clause
                gap = _BRACKETED.sub(" ", _PARENTHETICAL.sub(" ", text[t_end:after[first].start]))
                # a long object may still end in the locative phrase of the event: "captured the
                # headquarters of the military's Western Command in the town of X"
                limit = 14 if _LOCATIVE_END.search(gap) else 8
                if self._gap_words(t_end, after[first].start, gap) <= limit and not _STRONG_GAP_STOP.search(gap):
                    chosen = self._run(after, first)
            if not chosen and before:
                # "X, ..., after the city fell to Y": an anaphor nearer the trigger than the named place wins
                closer = list(_ANAPHORIC_PLACE.finditer(text, before[-1].end, t_start))
                referent = self._referent(closer[-1], sentence.start) if closer else None
                chosen = [referent] if referent else self._run(before, len(before) - 1, forward=False)
        if not chosen and _SEQUEL_START.match(text, clause[0]) and self.state.sentence_runs:
            chosen = self.state.sentence_runs[-1]  # "..., after which the gunmen opened fire": the same scene
        if not chosen and _WHERE_START.match(text, clause[0]):
            # "... controls El Geneina, where its fighters killed thousands": where = at the place before
            antecedent = [m for m in self.mentions_in(max(sentence.start, clause[0] - 80), clause[0])
                          if m.entity_type == "place" and not text[m.end:clause[0]].strip(" ,)")]
            if not antecedent:
                antecedent = [m for m in self.mentions_in(max(sentence.start, clause[0] - 80), clause[0])
                              if m.entity_type == "place" and re.fullmatch(r"\s*\([^()]*\)[\s,]*",
                                                                           text[m.end:clause[0]])]
            chosen = antecedent[-1:]
        if not chosen:
            anaphor = (_ANAPHORIC_PLACE.search(text, t_end, clause[1])
                       or _ANAPHORIC_PLACE.search(text, clause[0], t_start))
            if anaphor and event_class.id in DIPLOMATIC and _VAGUE_AREA.fullmatch(anaphor.group()):
                anaphor = None  # "to prevent destabilization in the region": the wider region, not a place
            if anaphor:
                referent = self._referent(anaphor, sentence.start)
                if referent is not None and event_class.id in ORIGIN_CLASSES and \
                        any(m.entity_id == referent.entity_id for m in after if self._is_destination(m)):
                    referent = None  # "withdrawn towards Damascus to ensure the defence of the capital"
                chosen = [referent] if referent else []
        if not chosen:
            chosen = self._fronted_places(sentence)  # "In Mosul, the security forces arrested ..."
            if chosen and all(m.feature in ("ADM1", "ADM2") for m in chosen):
                # "In Kirkuk province, a suicide bomber blew himself up ... in the Hawija area": the
                # region frames the sentence; a town of that region named in it is the precise scene
                towns = [m for m in self.mentions_in(chosen[-1].end, sentence.end) if m.entity_type == "place"
                         and m.feature in ("PPL", "CITY") and m.admin1 == chosen[0].admin1]
                chosen = towns[:1] or chosen
        if not chosen and event_class.id in SCENE_CLASSES:
            # "soldiers looted shops and fired into the air as they left Bukavu", "police opened fire on
            # protesters who stormed parliament in Nairobi": an incident happens where its sentence is
            scene = {m.entity_id: m for m in self.mentions_in(sentence.start, sentence.end) if m.entity_type == "place"
                     and m.feature != "COUNTRY" and not self._is_destination(m)}
            if len(scene) == 1:
                chosen = list(scene.values())
        if not chosen and event_class.id in ORIGIN_CLASSES:
            earlier = [m for m in self.mentions_in(max(0, clause[0] - 200), clause[0])
                       if m.entity_type == "place" and m.feature != "COUNTRY" and not self._is_destination(m)]
            chosen = earlier[-1:]  # "... took the province of Deraa, the army has withdrawn towards Damascus"
        if not chosen and precedents and self.state.last_place is not None:
            chosen = [self.state.last_place]  # "they could use suicide bombers like in Aleppo" (here: Homs)
        if chosen and event_class.id in MULTI_PLACE and chosen[-1].start >= t_end:
            chosen = self._more_places(chosen, clause[1], sentence.start)
        if chosen and all(m.feature == "COUNTRY" for m in chosen):
            # "air strikes on sites in Yemen, hitting stores around Hodeidah": code the most precise place
            towns = [m for m in self.mentions_in(t_end, sentence.end) if m.entity_type == "place"
                     and m.feature in ("PPL", "CITY") and m.country == chosen[0].country]
            # "In Kinshasa, protesters attacked the embassies of Rwanda and France": the opening phrase
            # places the sentence; countries after the verb are owners or targets, not the scene
            fronted = [m for m in self._fronted_places(sentence) if m.feature != "COUNTRY"]
            if fronted:
                chosen = fronted
            elif towns:
                chosen = towns[:1]
        if event_class.id not in MULTI_PLACE:
            chosen = chosen[:1]
        return chosen, precedents

    def _gap_words(self, start: int, end: int, gap: str) -> int:
        """Words between trigger and place, a named entity counting as one word."""
        named = self.mentions_in(start, end)
        return len(gap.split()) - sum(len(m.surface.split()) - 1 for m in named)

    def _territorial_object(self, event_class: EventClass, place: MentionRecord, t_end: int) -> bool:
        """"was leaving Mali", "withdrew from Chad": a country right after a territorial verb is the
        territory (left, taken), not a party."""
        return event_class.id in TERRITORIAL | ORIGIN_CLASSES and place.start >= t_end and \
            bool(re.fullmatch(r"\s+(?:from\s+|out\s+of\s+)?(?:the\s+)?", self.text[t_end:place.start]))

    def _more_places(self, run: list[MentionRecord], end: int, sentence_start: int) -> list[MentionRecord]:
        """Further objects of the same verb, each with its own place: "at Haifa and at an army base
        near Safed", "57 drones over A and 4 over B", "in X province and the capital Y", "the camp
        on the edge of the city and a market in the city centre"."""
        places = list(run)
        position = places[-1].end
        while True:
            conjunction = _AND.search(self.text, position, min(end, position + 60))
            if conjunction is None or _STRONG_GAP_STOP.search(self.text, position, conjunction.start()):
                return places
            following = next((m for m in self.mentions_in(conjunction.start(), end) if m.entity_type == "place"),
                             None)
            anaphor = _ANAPHORIC_PLACE.search(self.text, conjunction.start(), end)
            if following is not None and _ANOTHER_OBJECT.fullmatch(self.text, conjunction.start(), following.start):
                added = self._run([m for m in self.mentions_in(following.start, end) if m.entity_type == "place"], 0)
            elif anaphor is not None and _ANOTHER_OBJECT.fullmatch(self.text, conjunction.start(), anaphor.start()):
                referent = self._referent(anaphor, sentence_start)
                added = [referent] if referent is not None else []
                following = None
            else:
                return places
            new = [m for m in added if m not in places]
            if not new:
                return places
            places.extend(new)
            position = added[-1].end if following is not None else anaphor.end()  # type: ignore[union-attr]

    def _referent(self, anaphor: re.Match[str], sentence_start: int) -> MentionRecord | None:
        """The place "the city" / "this town" refers to: a town named earlier in the sentence, else
        the last one of the discourse."""
        if anaphor.group().lower().endswith("capital"):
            return self._capital(anaphor)
        # "positions near the airport", "the outskirts": an unnamed part of the town in discourse
        town = re.search(r"\b(?:city|town|airport|outskirts|compound)\b", anaphor.group(), re.IGNORECASE)
        if re.search(r"\bthe\s+(?:region|area)\b", anaphor.group(), re.IGNORECASE):
            if anaphor.group().lower().endswith("region") and self.state.last_called_region is not None:
                # "across the Amhara region ... a strike in East Gojjam ... deaths in the region": the
                # region is the place the text calls a region, not the zone named since
                return self.state.last_called_region
            return self.state.last_region or self.state.last_place  # "civilian deaths in the region"
        earlier = [m for m in self.mentions_in(sentence_start, anaphor.start()) if m.entity_type == "place"
                   and (m.feature in ("PPL", "CITY") if town else m.feature != "COUNTRY")]
        if earlier:
            return earlier[0]
        return self.state.last_town if town and self.state.last_town else self.state.last_place

    def _capital(self, anaphor: re.Match[str]) -> MentionRecord | None:
        """"the capital": the name right after it ("the capital Sanaa"), else the capital of the
        country the discourse is in (the last place named, else the story's theatre)."""
        following = self.mentions_in(anaphor.end(), anaphor.end() + 40)
        if following and following[0].entity_type == "place" and \
                re.fullmatch(r",?\s*", self.text[anaphor.end():following[0].start]):
            return following[0]
        last = self.state.last_place
        country = last.country if last is not None and last.country else self.focus
        entity_id = self.capitals.get(country or "")
        if entity_id is None:
            return None
        named = next((m for m in self.mentions if m.entity_id == entity_id), None)
        if named is not None:
            return named
        place = self.kb.place_by_id(entity_id)
        if place is None:
            return None
        return MentionRecord(doc_id="", start=anaphor.start(), end=anaphor.end(), surface=anaphor.group(),
                             entity_type="place", entity_id=entity_id, name=place.name, link="generic",
                             **{name: getattr(place, name) for name in _LOCATION_FIELDS[2:]})

    def _fronted_places(self, sentence: Sentence) -> list[MentionRecord]:
        """Places of a sentence-opening locative phrase, which frames the whole sentence."""
        opening = _FRONTED_LOCATIVE.match(self.text, sentence.start, sentence.end)
        if not opening:
            return []
        places = [m for m in self.mentions_in(opening.end(), sentence.end) if m.entity_type == "place"]
        if not places or places[0].start != opening.end():
            return []
        run = self._run(places, 0)
        comma = self.text.find(",", run[-1].end, run[-1].end + 40)
        return run if comma >= 0 and not self.text[run[-1].end:comma].strip(" ") or \
            (comma >= 0 and len(self.text[run[-1].end:comma].split()) <= 4) else []

    def _is_destination(self, place: MentionRecord) -> bool:
        lead = self.text[max(0, place.start - 12):place.start].split()
        return bool(lead) and lead[-1].lower() in self.lexicon.destination_words


# "The AA, which has fought the army since 2023, now controls ...": a relative clause between
# the subject and its holding verb
_RELATIVE_BEFORE_VERB = re.compile(r",\s*(?:which|who)\b[^.;:]*,\s*(?:(?:now|also|still)\s+)?$", re.IGNORECASE)
_HOLDING_AT = re.compile(r"(?:now\s+|still\s+)?(?:controls?|holds?|ha(?:s|ve)\s+held)\b", re.IGNORECASE)


def _holding_subject_of(finder: RoleFinder, position: int) -> MentionRecord | None:
    """The subject of a holding verb at `position` when a relative clause separates them: the
    antecedent of "which"/"who", not the last group named inside the relative clause."""
    text = finder.text
    if not _HOLDING_AT.match(text, position):
        return None
    opening = max(text.rfind("\n", 0, position), text.rfind(". ", 0, position)) + 1
    relative = _RELATIVE_BEFORE_VERB.search(text, opening, position)
    if relative is None:
        return None
    subjects = [m for m in finder.mentions_in(opening, relative.start()) if finder.is_actor(m)]
    return subjects[-1] if subjects else None




