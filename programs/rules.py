"""Eligibility rules: one JSON language, validated when saved, run by two engines that agree.

    {"all": [...]}   {"any": [...]}   {"not": {...}}
    {"field": "desil", "op": "lte", "value": 4}
    {"member": {...}}        at least one member satisfies the inner rule
    {"enrolled": "PKH"}      the household already receives that programme

`rule_q` compiles a rule to a Django `Q` on Household, so the database screens a registry in
one query; `rule_evaluate` runs it in Python on one household and explains every clause.
Fields come from the whitelists below; an unknown field, operator or value type is refused
by `validate_rule` when the rule is saved. Nothing is ever evaluated as code.

Missing values (a household without a desil) behave as in SQL through Django: a comparison
with a missing value is not met, and its negation is.
"""

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from households import registry_codes as codes
from households.models import Household, Person

OPERATORS = ("eq", "ne", "lt", "lte", "gt", "gte", "in", "between", "isnull")
ORDERED_OPERATORS = {"lt", "lte", "gt", "gte", "between"}
SYMBOLS = {"eq": "=", "ne": "≠", "lt": "<", "lte": "≤", "gt": ">", "gte": "≥"}


@dataclass(frozen=True)
class FieldSpec:
    kind: str  # "int", "number", "bool", "text"
    label: Callable[[], str]
    choices: type | None = None  # a Django Choices class
    nullable: bool = False
    derived: bool = False  # computed, not a column (household `size`, member `age`)
    bounds: tuple[float, float] | None = None  # for numbers: the values that make sense


def _model_label(model, name):
    return lambda: str(model._meta.get_field(name).verbose_name)


def _household_choice(name, choices):
    return FieldSpec("int", _model_label(Household, name), choices, nullable=True)


HOUSEHOLD_FIELDS: dict[str, FieldSpec] = {
    "desil": FieldSpec("int", lambda: _("desil"), nullable=True, bounds=(1, 10)),
    "size": FieldSpec("int", lambda: _("household size"), derived=True, bounds=(0, 100)),
    "floor_area": FieldSpec(
        "number", _model_label(Household, "floor_area"), nullable=True, bounds=(0, 99_999.99)
    ),
    "monthly_income": FieldSpec(
        "int", _model_label(Household, "monthly_income"), nullable=True, bounds=(0, 10**12)
    ),
    "floor_material": _household_choice("floor_material", codes.FloorMaterial),
    "wall_material": _household_choice("wall_material", codes.WallMaterial),
    "roof_material": _household_choice("roof_material", codes.RoofMaterial),
    "water_source": _household_choice("water_source", codes.WaterSource),
    "lighting": _household_choice("lighting", codes.Lighting),
    "cooking_fuel": _household_choice("cooking_fuel", codes.CookingFuel),
    "toilet": _household_choice("toilet", codes.Toilet),
    "tenure": _household_choice("tenure", codes.Tenure),
    **{
        f"owns_{asset}": FieldSpec("bool", _model_label(Household, f"owns_{asset}"))
        for asset in codes.ASSETS
    },
}

MEMBER_FIELDS: dict[str, FieldSpec] = {
    "age": FieldSpec("int", lambda: _("age"), derived=True, bounds=(0, 130)),
    "sex": FieldSpec("text", _model_label(Person, "sex"), codes.Sex),
    "relationship": FieldSpec("text", _model_label(Person, "relationship"), codes.Relationship),
    "marital_status": FieldSpec(
        "text", _model_label(Person, "marital_status"), codes.MaritalStatus
    ),
    "schooling": FieldSpec("text", _model_label(Person, "schooling"), codes.Schooling),
    "school_participation": FieldSpec(
        "text", _model_label(Person, "school_participation"), codes.SchoolParticipation
    ),
    "occupation": FieldSpec("text", _model_label(Person, "occupation"), codes.Occupation),
    "disability": FieldSpec("int", _model_label(Person, "disability"), codes.Disability),
    "chronic_illness": FieldSpec(
        "int", _model_label(Person, "chronic_illness"), codes.ChronicIllness
    ),
    "is_pregnant": FieldSpec("bool", _model_label(Person, "is_pregnant")),
}


# --- validation -------------------------------------------------------------------------------


# Deeper and wider than any real criterion: the limits keep a pasted monster from
# exhausting the stack, or the database's expression depth (SQLite refuses an `any` of
# about a thousand comparisons) when the rule is compiled into one query.
MAX_DEPTH = 12
MAX_CLAUSES = 200  # in the whole rule, counting all/any/not/member as clauses too
MAX_LIST = 100  # values in an `in` list


def validate_rule(rule, *, known_programs: set[str] | None = None) -> None:
    """Refuse a rule that is not well formed, naming the clause (`all[1].member.op`).

    `known_programs`, when given, are the codes an `enrolled` clause may name.
    """
    _validate(rule, "rule", HOUSEHOLD_FIELDS, known_programs, in_member=False, depth=0,
              seen=[0])  # fmt: skip


def _fail(path: str, message: str) -> None:
    raise ValidationError(f"{path}: {message}", code="invalid_rule")


def _validate(rule, path, fields, known_programs, *, in_member, depth, seen):
    """`seen` counts the clauses validated so far, over the whole rule (a one-item list)."""
    if depth > MAX_DEPTH:
        _fail(path, _("the rule nests deeper than %(depth)s levels.") % {"depth": MAX_DEPTH})
    seen[0] += 1
    if seen[0] > MAX_CLAUSES:
        _fail(path, _("the rule has more than %(n)s clauses.") % {"n": MAX_CLAUSES})
    if not isinstance(rule, dict) or len(rule) == 0:
        _fail(path, _('a clause is an object such as {"field": …, "op": …, "value": …}.'))
    keys = set(rule)
    if keys in ({"all"}, {"any"}):
        (key,) = keys
        parts = rule[key]
        if not isinstance(parts, list):
            _fail(f"{path}.{key}", _("must be a list of clauses."))
        for index, part in enumerate(parts):
            _validate(part, f"{path}.{key}[{index}]", fields, known_programs,
                      in_member=in_member, depth=depth + 1, seen=seen)  # fmt: skip
    elif keys == {"not"}:
        _validate(rule["not"], f"{path}.not", fields, known_programs,
                  in_member=in_member, depth=depth + 1, seen=seen)  # fmt: skip
    elif keys == {"member"}:
        if in_member:
            _fail(f"{path}.member", _("a member clause cannot sit inside another."))
        _validate(rule["member"], f"{path}.member", MEMBER_FIELDS, known_programs,
                  in_member=True, depth=depth + 1, seen=seen)  # fmt: skip
    elif keys == {"enrolled"}:
        if in_member:
            _fail(f"{path}.enrolled", _("enrolment is about the household, not a member."))
        code = rule["enrolled"]
        if not isinstance(code, str) or not code:
            _fail(f"{path}.enrolled", _('must be a programme code such as "PKH".'))
        if known_programs is not None and code not in known_programs:
            _fail(f"{path}.enrolled", _("there is no programme %(code)s.") % {"code": code})
    elif keys == {"field", "op", "value"}:
        _validate_comparison(rule, path, fields)
    else:
        _fail(
            path,
            _("unknown clause with keys %(keys)s; use all, any, not, member, enrolled or "
              "field/op/value.") % {"keys": ", ".join(sorted(map(str, keys)))},
        )  # fmt: skip


def _validate_comparison(rule, path, fields):
    name, op, value = rule["field"], rule["op"], rule["value"]
    if name not in fields:
        _fail(
            f"{path}.field",
            _("unknown field %(name)s; one of: %(fields)s.")
            % {"name": repr(name), "fields": ", ".join(fields)},
        )
    spec = fields[name]
    if op not in OPERATORS:
        _fail(f"{path}.op", _("unknown operator %(op)s; one of: %(ops)s.")
              % {"op": repr(op), "ops": ", ".join(OPERATORS)})  # fmt: skip
    if op in ORDERED_OPERATORS and (spec.kind in ("bool", "text") or spec.choices is not None):
        _fail(f"{path}.op", _("%(op)s compares numbers; %(name)s is not a number.")
              % {"op": op, "name": name})  # fmt: skip
    if op == "isnull":
        if not isinstance(value, bool):
            _fail(f"{path}.value", _("isnull takes true or false."))
        return
    if op == "in":
        if not isinstance(value, list) or not value:
            _fail(f"{path}.value", _("in takes a non-empty list."))
        if len(value) > MAX_LIST:
            _fail(f"{path}.value", _("in takes at most %(n)s values.") % {"n": MAX_LIST})
        for item in value:
            _validate_value(item, spec, f"{path}.value")
        return
    if op == "between":
        if not isinstance(value, list) or len(value) != 2:
            _fail(f"{path}.value", _("between takes two numbers, [low, high]."))
        for item in value:
            _validate_value(item, spec, f"{path}.value")
        if value[0] > value[1]:
            _fail(f"{path}.value", _("between needs the low number first."))
        return
    _validate_value(value, spec, f"{path}.value")


def _validate_value(value, spec: FieldSpec, path):
    kind_ok = {
        "int": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "bool": isinstance(value, bool),
        "text": isinstance(value, str),
    }[spec.kind]
    if not kind_ok:
        kinds = {
            "int": _("whole number"),
            "number": _("number"),
            "bool": _("true or false"),
            "text": _("text"),
        }
        _fail(
            path,
            _("%(value)s is not a %(kind)s.") % {"value": repr(value), "kind": kinds[spec.kind]},
        )
    if spec.bounds is not None:
        low, high = spec.bounds
        finite = not isinstance(value, float) or math.isfinite(value)
        if not (finite and low <= value <= high):
            _fail(path, _("%(value)s is outside %(low)s–%(high)s.")
                  % {"value": repr(value), "low": low, "high": high})  # fmt: skip
        if isinstance(value, float) and round(value, 2) != value:
            _fail(path, _("%(value)s has more than two decimals.") % {"value": repr(value)})
    if spec.choices is not None and value not in spec.choices.values:
        allowed = ", ".join(map(str, spec.choices.values))
        _fail(
            path,
            _("%(value)s is not one of the codes: %(codes)s.")
            % {"value": repr(value), "codes": allowed},
        )


# --- the database engine -------------------------------------------------------------------------


def rule_q(rule, *, today: datetime.date) -> Q:
    """The rule as a filter on Household (annotate with `with_rule_fields` first)."""
    return _compile(rule, today, member=False)


def with_rule_fields(households):
    """Add the derived household fields the compiled rules read (`rule_size`: the active
    members, as every rule counts them)."""
    members = (
        Person.objects.active()
        .filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return households.alias(
        rule_size=Coalesce(Subquery(members, output_field=IntegerField()), Value(0))
    )


# Explicit truth values: an empty Q() would vanish when combined (Q() | x is x).
ALWAYS = Q(pk__isnull=False)
NEVER = Q(pk__in=[])


def _compile(rule, today, *, member: bool) -> Q:
    if "all" in rule:
        combined = ALWAYS
        for part in rule["all"]:
            combined &= _compile(part, today, member=member)
        return combined
    if "any" in rule:
        # "Some member is A, or some member is B" is "some member is A or B": one subquery
        # over the members instead of one per clause, as a person writing the SQL would.
        parts = [part for part in rule["any"] if "member" not in part]
        member_clauses = [part["member"] for part in rule["any"] if "member" in part]
        if len(member_clauses) > 1:
            parts.append({"member": {"any": member_clauses}})
        else:
            parts += [{"member": clause} for clause in member_clauses]
        combined = NEVER
        for part in parts:
            combined |= _compile(part, today, member=member)
        return combined
    if "not" in rule:
        return ~_compile(rule["not"], today, member=member)
    if "member" in rule:
        matching = (
            Person.objects.active()
            .filter(household=OuterRef("pk"))
            .filter(_compile(rule["member"], today, member=True))
        )
        return Q(Exists(matching))
    if "enrolled" in rule:
        from programs.models import Enrollment

        return Q(
            Exists(
                Enrollment.objects.active().filter(
                    household=OuterRef("pk"), program__code=rule["enrolled"]
                )
            )
        )
    name, op, value = rule["field"], rule["op"], rule["value"]
    if member and name == "age":
        return _age_q(op, value, today)
    column = "rule_size" if (not member and name == "size") else name
    return _comparison_q(column, op, value)


def _comparison_q(column: str, op: str, value) -> Q:
    if op == "ne":
        return ~Q(**{column: value})
    if op == "between":
        return Q(**{f"{column}__gte": value[0], f"{column}__lte": value[1]})
    lookup = {"eq": "exact"}.get(op, op)
    return Q(**{f"{column}__{lookup}": value})


def born_years_before(today: datetime.date, years: int) -> datetime.date:
    """The birthday `years` years before `today` (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _age_q(op: str, value, today: datetime.date) -> Q:
    """Age in completed years, as conditions on the birth date."""

    def at_least(years: int) -> Q:  # age >= years
        return Q(birth_date__lte=born_years_before(today, years))

    def at_most(years: int) -> Q:  # age <= years, i.e. not yet years + 1
        return Q(birth_date__gt=born_years_before(today, years + 1))

    if op == "isnull":  # every member has a birth date
        return NEVER if value else ALWAYS
    if op == "in":
        combined = NEVER
        for item in value:
            combined |= at_least(item) & at_most(item)
        return combined
    if op == "between":
        return at_least(value[0]) & at_most(value[1])
    return {
        "eq": lambda: at_least(value) & at_most(value),
        "ne": lambda: ~(at_least(value) & at_most(value)),
        "gte": lambda: at_least(value),
        "gt": lambda: at_least(value + 1),
        "lte": lambda: at_most(value),
        "lt": lambda: at_most(value - 1),
    }[op]()


# --- the Python engine, with explanations ------------------------------------------------------


@dataclass
class Explanation:
    """One clause, whether it is met, in words; composite clauses hold their parts.

    `text` is the clause's line in the full tree. `kind` (all, any, not, member, candidate,
    no_member, enrolled, compare), `fact` (what the household or member is: "desil 3") and
    `wanted` (what the clause asks: "desil 1–4"; of a member clause, what the member must be)
    are what `programs.verdicts` builds its one-line verdict from; `subject` is the member a
    member clause found or tried. Only active members are ever judged (`rule_evaluate`).
    """

    text: str
    met: bool
    parts: list["Explanation"] = field(default_factory=list)
    kind: str = "compare"
    fact: str = ""
    wanted: str = ""
    subject: str = ""
    # What the reader should know beside the clauses ("2 members not counted (died or
    # moved out)"): listed after them, at the top level, and judged by nothing.
    notes: list[str] = field(default_factory=list)

    def lines(self, depth: int = 0) -> list[tuple[int, str, bool]]:
        """(depth, text, met) for each clause, depth first, then the notes: what a page
        lists."""
        found = [(depth, self.text, self.met)]
        for part in self.parts:
            found += part.lines(depth + 1)
        return found + [(depth, note, self.met) for note in self.notes]


def rule_evaluate(
    rule,
    household: Household,
    *,
    today: datetime.date,
    enrolled_codes: set[str] | None = None,
) -> Explanation:
    """Run the rule on one household (members prefetched is best) and explain each clause.

    Only the active members count (those who died or moved out stay on the record); when
    the rule reads the members and some are not counted, `notes` says how many."""
    if enrolled_codes is None:
        enrolled_codes = household.enrollments.active().program_codes()
    everyone = list(household.members.all())
    members = [person for person in everyone if person.is_active]
    explanation = _explain(rule, household, members, enrolled_codes, today, person=None)
    not_counted = len(everyone) - len(members)
    if not_counted and rule_reads_members(rule):
        explanation.notes.append(
            ngettext(
                "%(n)s member not counted (died or moved out)",
                "%(n)s members not counted (died or moved out)",
                not_counted,
            )
            % {"n": not_counted}
        )
    return explanation


def rule_reads_members(rule) -> bool:
    """Whether a rule reads the members: a member clause, or the household's size."""
    if "all" in rule or "any" in rule:
        return any(rule_reads_members(part) for part in rule.get("all", rule.get("any")))
    if "not" in rule:
        return rule_reads_members(rule["not"])
    return "member" in rule or rule.get("field") == "size"


def rule_household_fields(rule) -> set[str]:
    """The household fields a rule reads (outside its member clauses): `{"desil"}`."""
    if "all" in rule or "any" in rule:
        return set().union(*(rule_household_fields(p) for p in rule.get("all", rule.get("any"))))
    if "not" in rule:
        return rule_household_fields(rule["not"])
    if "field" in rule:
        return {rule["field"]}
    return set()


# A negated comparison reads as the opposite comparison ("not desil ≤ 4" is "desil > 4");
# `in` and `between` have no opposite operator of the language, only of these words.
OPPOSITE = {"eq": "ne", "ne": "eq", "lt": "gte", "lte": "gt", "gt": "lte", "gte": "lt",
            "in": "not_in", "between": "outside"}  # fmt: skip


def words_and(items) -> str:
    return (" " + _("and") + " ").join(items)


def words_or(items) -> str:
    return (" " + _("or") + " ").join(items)


def rule_wanted(rule, fields: dict[str, FieldSpec] = HOUSEHOLD_FIELDS) -> str:
    """What a rule asks, in words: "desil 1–4 and a member pregnant"."""
    if "all" in rule:
        return words_and(rule_wanted(p, fields) for p in rule["all"])
    if "any" in rule:
        return words_or(rule_wanted(p, fields) for p in rule["any"])
    if "not" in rule:
        inner = rule["not"]
        if "enrolled" in inner:
            return _("does not receive %(code)s") % {"code": inner["enrolled"]}
        if "member" in inner:
            return _("no member %(wanted)s") % {
                "wanted": rule_wanted(inner["member"], MEMBER_FIELDS)
            }
        if "field" in inner:
            op, value = _opposite(inner["op"], inner["value"])
            return _requirement(fields[inner["field"]], op, value)
        return _("not (%(wanted)s)") % {"wanted": rule_wanted(inner, fields)}
    if "member" in rule:
        return _("a member %(wanted)s") % {"wanted": rule_wanted(rule["member"], MEMBER_FIELDS)}
    if "enrolled" in rule:
        return _("receives %(code)s") % {"code": rule["enrolled"]}
    return _requirement(fields[rule["field"]], rule["op"], rule["value"])


def _opposite(op: str, value):
    if op == "isnull":
        return op, not value
    return OPPOSITE[op], value


def _explain(rule, household, members, enrolled, today, *, person) -> Explanation:
    fields = HOUSEHOLD_FIELDS if person is None else MEMBER_FIELDS
    wanted = rule_wanted(rule, fields)
    if "all" in rule:
        parts = [
            _explain(p, household, members, enrolled, today, person=person) for p in rule["all"]
        ]
        return Explanation(_("all of these"), all(p.met for p in parts), parts, "all",
                           wanted=wanted)  # fmt: skip
    if "any" in rule:
        parts = [
            _explain(p, household, members, enrolled, today, person=person) for p in rule["any"]
        ]
        return Explanation(_("at least one of these"), any(p.met for p in parts), parts, "any",
                           wanted=wanted)  # fmt: skip
    if "not" in rule:
        return _explain_not(rule["not"], household, members, enrolled, today, person=person,
                            wanted=wanted)  # fmt: skip
    if "member" in rule:
        wanted = rule_wanted(rule["member"], MEMBER_FIELDS)  # what the member must be
        tried = []
        for candidate in members:
            inner = _explain(rule["member"], household, members, enrolled, today, person=candidate)
            if inner.met:
                text = _("a member: %(name)s") % {"name": candidate.name}
                return Explanation(
                    text, True, [inner], "member", wanted=wanted, subject=candidate.name
                )
            tried.append(
                Explanation(candidate.name, False, [inner], "candidate", subject=candidate.name)
            )
        # Each member with what they lack, so that staff can see who came closest.
        return Explanation(_("no member fits"), False, tried, "member", wanted=wanted)
    if "enrolled" in rule:
        code = rule["enrolled"]
        met = code in enrolled
        text = (_("already receives %(code)s") if met else _("does not yet receive %(code)s")) % {
            "code": code
        }
        return Explanation(text, met, kind="enrolled", fact=text, wanted=wanted)
    name, op, value = rule["field"], rule["op"], rule["value"]
    spec = fields[name]
    actual = _actual(name, household, members, person, today)
    return _comparison(spec, actual, op, value, _compare(actual, op, value))


def _explain_not(inner, household, members, enrolled, today, *, person, wanted) -> Explanation:
    """A negation, said positively where the words allow: the opposite comparison, "does not
    receive PBI-JK", "no member a civil servant"; the engine's truth is the inner clause's
    opposite either way."""
    if "enrolled" in inner:
        code = inner["enrolled"]
        met = code not in enrolled
        text = (_("does not receive %(code)s") if met else _("already receives %(code)s")) % {
            "code": code
        }
        return Explanation(text, met, kind="enrolled", fact=text, wanted=wanted)
    if "field" in inner:
        fields = HOUSEHOLD_FIELDS if person is None else MEMBER_FIELDS
        spec = fields[inner["field"]]
        actual = _actual(inner["field"], household, members, person, today)
        op, value = _opposite(inner["op"], inner["value"])
        met = not _compare(actual, inner["op"], inner["value"])
        return _comparison(spec, actual, op, value, met)
    found = _explain(inner, household, members, enrolled, today, person=person)
    if "member" in inner:
        if found.met:  # someone is what the rule excludes
            (reasons,) = found.parts
            text = _("%(name)s: %(facts)s") % {
                "name": found.subject,
                "facts": reasons.fact or reasons.wanted,
            }
            return Explanation(text, False, [reasons], "no_member", fact=text, wanted=wanted,
                               subject=found.subject)  # fmt: skip
        return Explanation(wanted, True, kind="no_member", fact=wanted, wanted=wanted)
    return Explanation(_("not this"), not found.met, [found], "not", wanted=wanted)


def _actual(name, household, members, person, today):
    if person is None:
        return len(members) if name == "size" else getattr(household, name)
    return person.age_on(today) if name == "age" else getattr(person, name)


def _compare(actual, op: str, value) -> bool:
    if op == "isnull":
        return (actual is None) == value
    if op == "ne":
        return not _compare(actual, "eq", value)
    if actual is None:
        return False
    if isinstance(actual, Decimal):
        actual = float(actual)
    if op == "eq":
        return actual == value
    if op == "in":
        return actual in value
    if op == "between":
        return value[0] <= actual <= value[1]
    return {
        "lt": actual < value,
        "lte": actual <= value,
        "gt": actual > value,
        "gte": actual >= value,
    }[op]


def _shown(spec: FieldSpec, value) -> str:
    if value is None or value == "":  # a blank text code is as unrecorded as a missing number
        return _("not recorded")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if spec.choices is not None and value in spec.choices.values:
        return str(spec.choices(value).label)
    if isinstance(value, Decimal | int | float):  # as the pages write numbers: 2.602.931, 7,5
        return formats.number_format(
            value.normalize() if isinstance(value, Decimal) else value, force_grouping=True
        )
    return str(value)


def _is_none_code(spec: FieldSpec, value) -> bool:
    """The code that says "none" (no disability, not working): "≠ none" reads "has one"."""
    return spec.choices is not None and value in (0, "none") and value in spec.choices.values


def _fact(spec: FieldSpec, actual) -> str:
    """What the household or member is: `desil 3`, `desil not recorded`, `pregnant`."""
    label = spec.label()
    if isinstance(actual, bool):
        return label if actual else _("not %(label)s") % {"label": label}
    return f"{label} {_shown(spec, actual)}"


def _requirement(spec: FieldSpec, op: str, value) -> str:
    """What a comparison asks: `desil 1–4`, `age ≥ 60`, `with a disability`, `pregnant`."""
    label = spec.label()
    if spec.kind == "bool" and op in ("eq", "ne"):
        return _fact(spec, value if op == "eq" else not value)
    if op == "ne" and _is_none_code(spec, value):
        return _("with %(label)s") % {"label": label}
    if op == "isnull":
        return (_("%(label)s not recorded") if value else _("%(label)s recorded")) % {
            "label": label
        }
    if op in ("in", "not_in"):
        values = "/".join(_shown(spec, v) for v in value)
        if op == "not_in":
            return _("%(label)s not %(values)s") % {"label": label, "values": values}
        return f"{label} {values}"
    if op in ("between", "outside"):
        low, high = (_shown(spec, v) for v in value)
        if op == "outside":
            return _("%(label)s outside %(low)s–%(high)s") % {
                "label": label, "low": low, "high": high
            }  # fmt: skip
        return f"{label} {low}–{high}"
    if op == "lte" and spec.bounds is not None and spec.bounds[0] >= 1:
        return f"{label} {_shown(spec, spec.bounds[0])}–{_shown(spec, value)}"  # desil 1–4
    if op == "eq":
        return f"{label} {_shown(spec, value)}"
    if op == "ne":
        return _("%(label)s other than %(value)s") % {"label": label, "value": _shown(spec, value)}
    return f"{label} {SYMBOLS[op]} {_shown(spec, value)}"


def _comparison(spec: FieldSpec, actual, op: str, value, met: bool) -> Explanation:
    fact, wanted = _fact(spec, actual), _requirement(spec, op, value)
    if spec.kind == "bool" or op in ("ne", "not_in", "outside", "isnull"):
        # "pregnant", not "pregnant no = yes"; "disability none (required: with disability)".
        text = fact if spec.kind == "bool" else _("%(fact)s (required: %(wanted)s)") % {
            "fact": fact, "wanted": wanted
        }  # fmt: skip
    else:
        text = _describe(spec, actual, op, value)
    return Explanation(text, met, kind="compare", fact=fact, wanted=wanted)


def _describe(spec: FieldSpec, actual, op: str, value) -> str:
    """`desil 3 ≤ 4`, `age 15 between 6 and 21`, `occupation labourer, one of: …` (the other
    operators are said by `_comparison`)."""
    label = spec.label()
    shown = _shown(spec, actual)
    if op == "in":
        return _("%(label)s %(actual)s, one of: %(values)s") % {
            "label": label,
            "actual": shown,
            "values": ", ".join(_shown(spec, v) for v in value),
        }
    if op == "between":
        return _("%(label)s %(actual)s, between %(low)s and %(high)s") % {
            "label": label,
            "actual": shown,
            "low": _shown(spec, value[0]),
            "high": _shown(spec, value[1]),
        }
    return f"{label} {shown} {SYMBOLS[op]} {_shown(spec, value)}"
