"""A programme's verdict in one sentence, from the explanation tree of `programs.rules`.

"Memenuhi: desil 3; Nur Hasanah (hamil)" / "Tidak memenuhi: desil belum tercatat (syarat:
desil 1–4)". The sentence names the clauses that decided: for a rule met, what met it (the
met parts of an `all`, the one part of an `any` that met, the member by name); for a rule not
met, what failed (the failed parts of an `all`, the closest alternatives of an `any`). The
tree stays the full account; the verdict is what a clerk reads first, so it says less rather
than run past two lines.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programs.rules import Explanation, words_and, words_or

ONE_LINE = 120  # characters a complaint page shows on one line at desktop width
TWO_LINES = 160  # the most a verdict should take, on a phone too
# The most a verdict ever takes (`Referral.eligibility_summary` keeps it): a rule an
# administrator wrote with long lists, said with a long name, is cut there, with "…".
MAX_LENGTH = 300


@dataclass(frozen=True)
class Detail:
    clauses: int  # the clauses named; the others are counted
    alternatives: int  # the alternatives named of an `any` not met


# From the fullest sentence to the briefest: the first that fits is said.
DETAILS = (Detail(3, 2), Detail(3, 1), Detail(2, 1), Detail(1, 1))


def explanation_summary(explanation: Explanation) -> str:
    """The verdict in one sentence: met or not, and the clauses that decided it; then the
    explanation's notes ("2 members not counted (died or moved out)"), which always fit."""
    notes = " (" + "; ".join(explanation.notes) + ")" if explanation.notes else ""
    sentences = [_sentence(explanation, detail) + notes for detail in DETAILS]
    for limit in (ONE_LINE, TWO_LINES):
        for sentence in sentences:
            if len(sentence) <= limit:
                return sentence
    shortest = min(sentences, key=len)
    if len(shortest) <= MAX_LENGTH:
        return shortest
    cut = MAX_LENGTH - len(notes) - 1
    return shortest[: len(shortest) - len(notes)][:cut].rstrip() + "…" + notes


def _sentence(explanation: Explanation, detail: Detail) -> str:
    if explanation.met:
        clauses = _met(explanation)
        if not clauses:
            return _("Qualifies: no condition")
        return _("Qualifies: %(clauses)s") % {"clauses": "; ".join(clauses[: detail.clauses])}
    clauses = _failed(explanation, detail)
    text = "; ".join(clauses[: detail.clauses])
    more = len(clauses) - detail.clauses
    if more > 0:
        text += " " + ngettext(
            "(and %(n)s more condition)", "(and %(n)s more conditions)", more
        ) % {"n": more}
    return _("Does not qualify: %(clauses)s") % {"clauses": text}


def _met(node: Explanation) -> list[str]:
    """What met a clause that is met."""
    if node.kind == "all":
        return [clause for part in node.parts for clause in _met(part)]
    if node.kind == "any":
        return _met(next(part for part in node.parts if part.met))
    if node.kind == "member":
        (inner,) = node.parts
        return [_("%(name)s (%(facts)s)") % {"name": node.subject, "facts": ", ".join(_met(inner))}]
    if node.kind == "not":
        return [node.wanted]
    return [node.fact]


def _failed(node: Explanation, detail: Detail) -> list[str]:
    """What failed in a clause that is not met."""
    if node.kind == "all":
        return [clause for part in node.parts if not part.met for clause in _failed(part, detail)]
    if node.kind == "any":
        return [_closest(node, detail)]
    if node.kind == "member":
        return [_("no member %(wanted)s") % {"wanted": node.wanted}]
    if node.kind == "compare":
        return [_("%(fact)s (required: %(wanted)s)") % {"fact": node.fact, "wanted": node.wanted}]
    if node.kind == "not":
        return [node.wanted]
    if node.kind == "no_member" and node.parts:  # the member in the way, as a member who met
        (reasons,) = node.parts
        facts = reasons.fact or reasons.wanted
        return [_("%(name)s (%(facts)s)") % {"name": node.subject, "facts": facts}]
    return [node.fact]  # enrolled: the fact says what is in the way


def _closest(node: Explanation, detail: Detail) -> str:
    """The alternatives of an `any` the household came closest to meeting, briefly."""
    if not node.parts:
        return _("no condition can be met")
    closest = sorted(node.parts, key=_distance)[: detail.alternatives]
    wanted = words_or(part.wanted for part in closest)
    if all(part.kind == "member" for part in closest):  # "no member pregnant or under 7"
        text = _("no member %(wanted)s") % {"wanted": wanted}
    elif all(part.kind == "compare" and part.fact == closest[0].fact for part in closest):
        # "desil 4 (required: desil 1–2 or desil not recorded)"
        text = _("%(fact)s (required: %(wanted)s)") % {"fact": closest[0].fact, "wanted": wanted}
    else:
        text = words_or(words_and(_failed(part, detail)) for part in closest)
    more = len(node.parts) - len(closest)
    if more > 0:
        text += " " + ngettext("(or %(n)s other way)", "(or %(n)s other ways)", more) % {"n": more}
    return text


def _distance(node: Explanation) -> int:
    """How many clauses a household would have to change to meet this one: the closest
    alternatives of an `any` come first (in the rule's order when equally close)."""
    if node.met:
        return 0
    if node.kind == "all":
        return sum(_distance(part) for part in node.parts)
    if node.kind == "any":
        return min((_distance(part) for part in node.parts), default=1)
    if node.kind == "member":
        return min((_distance(tried.parts[0]) for tried in node.parts), default=1)
    return 1
