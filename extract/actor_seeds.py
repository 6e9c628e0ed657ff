"""The seed tables actor coding reads: country aliases and role words, loaded once.

``dbt_project/seeds/country_aliases.csv`` (alias -> ISO3) and ``actor_role_sectors.csv``
(role -> sector, priority) are read here and cached per seeds folder; ``role_matcher``
compiles every role form into one regex. The KB's people and aliases (``kb_people``) and
the lookups derived from these tables (alias prefixes, role-form suffixes) are here too.
``extract/actors.py`` finds mentions with them; SQL codes the same cues from the same seeds.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"


@lru_cache(maxsize=1 << 16)  # the same names come back in every story
def normalise(text: str) -> str:
    """Alias normalisation, identical to ``scripts/build_gazetteer.normalise_alias``."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = " ".join(text.lower().split())
    return text[4:] if text.startswith("the ") else text


def alias_key(text: str) -> str:
    """The key a name form is matched on, across articles and against the KB.

    Accents stripped, lower case, periods, quotes and apostrophes dropped ("U.N." = "UN", "O'Neill"
    = "ONeill"), hyphens and underscores as spaces ("Abdel-Wahab" = "Abdel Wahab"), a
    possessive "'s" dropped, a leading "the" and a leading honorific ("Mr.", "Dr.") dropped,
    whitespace collapsed. ``scripts/build_actor_kb.py`` keys ``kb_actor_aliases`` with it;
    ``stg_news__actor_cues`` computes the same in SQL (``macros/alias_key.sql``; a unit test
    there holds the two together).
    """
    text = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"'s$", "", text.strip())
    text = re.sub(r"[.'\"]", "", text)
    text = re.sub(r"[-_\s]+", " ", text).strip()
    text = re.sub(r"^the ", "", text)
    text = re.sub(r"^(?:mr|mrs|ms|dr|sir|madam) ", "", text)
    return text


def read_seed_csv(name: str, seeds_dir: Path) -> list[dict[str, str]]:
    with (seeds_dir / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=4)
def alias_table(seeds_dir: Path = SEEDS_DIR) -> dict[str, tuple[str, str]]:
    """alias -> (iso3, alias_type)."""
    return {r["alias"]: (r["iso3"], r["alias_type"])
            for r in read_seed_csv("country_aliases.csv", seeds_dir)}


@lru_cache(maxsize=4)
def role_table(seeds_dir: Path = SEEDS_DIR) -> dict[str, tuple[str, int]]:
    """role -> (sector, priority)."""
    return {r["role"]: (r["sector"], int(r["priority"]))
            for r in read_seed_csv("actor_role_sectors.csv", seeds_dir)}


def _variants(role: str) -> set[str]:
    forms = {role, role + "s", role + "es"}
    if role.endswith("y"):
        forms.add(role[:-1] + "ies")
    if role.endswith("man"):
        forms.add(role[:-3] + "men")
    return forms


@lru_cache(maxsize=4)
def role_matcher(seeds_dir: Path = SEEDS_DIR) -> tuple[re.Pattern[str], dict[str, str]]:
    """One regex over all role forms (longest first) and form -> role key."""
    form_to_role: dict[str, str] = {}
    for role in sorted(role_table(seeds_dir)):
        for form in sorted(_variants(role)):
            form_to_role.setdefault(form, role)
    for role in role_table(seeds_dir):
        form_to_role[role] = role
    pattern = re.compile(rf"(?<![\w\-.])(?:{_trie_regex(form_to_role)})(?![\w\-])")
    return pattern, form_to_role


def _trie_regex(forms: Iterable[str]) -> str:
    """An alternation of ``forms`` as a character trie: "ab(?:c|d)?" for ab, abc, abd.

    It matches exactly what the longest-first alternation of the forms matches: the forms
    matching at one position lie on one path of the trie, and the greedy optional groups try
    the longer ones first (backtracking to a shorter one when the look-ahead fails). But
    ``re`` tries ~1,500 literal alternatives one by one at every word start; the trie reads
    each character once.
    """
    trie: dict = {}
    for form in forms:
        node = trie
        for ch in form:
            node = node.setdefault(ch, {})
        node[""] = {}  # end of a form

    def walk(node: dict) -> str:
        branches = [re.escape(ch) + walk(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if "" in node:  # a form may end here: the longer ones first
            return body + "?" if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{body})?"
        return body

    return walk(trie)


@lru_cache(maxsize=4)
def _kb_person_aliases(seeds_dir: Path = SEEDS_DIR) -> tuple[dict[str, str],
                                                             tuple[tuple[str, str], ...]]:
    """The KB's people (kb_id -> name, from ``kb_actors.csv``) and every actor's aliases
    ((alias_key, kb_id) of ``kb_actor_aliases.csv``): the seeds read once per process."""
    people = {r["kb_id"]: r["actor_name"] for r in read_seed_csv("kb_actors.csv", seeds_dir)
              if r["actor_type"] == "person"}
    aliases = tuple((r["alias_key"], r["kb_id"])
                    for r in read_seed_csv("kb_actor_aliases.csv", seeds_dir))
    return people, aliases


@lru_cache(maxsize=4)
def kb_people(seeds_dir: Path = SEEDS_DIR) -> tuple[frozenset[str], frozenset[str],
                                                    frozenset[str]]:
    """The KB's people: (given names, surnames, name keys). The first and last words of
    every person's name in ``kb_actors.csv`` (lower case, as ``alias_key`` leaves them),
    and every ``kb_actor_aliases.csv`` key of a person ("clinton", "bill clinton")."""
    people, aliases = _kb_person_aliases(seeds_dir)
    words = [alias_key(name).split() for name in people.values()]
    given = frozenset(w[0] for w in words if len(w) > 1)
    surnames = frozenset(w[-1] for w in words if len(w) > 1)
    keys = frozenset(key for key, kb_id in aliases if kb_id in people)
    return given, surnames, keys


@lru_cache(maxsize=4)
def kb_person_owners(seeds_dir: Path = SEEDS_DIR) -> dict[str, frozenset[str]]:
    """Each name key the KB gives only to people -> those people's kb_ids ("president obama"
    -> Barack Obama's; "bush administration" -> both Presidents Bush'; not "jordan", which a
    country shares)."""
    people, aliases = _kb_person_aliases(seeds_dir)
    owners: dict[str, set[str]] = {}
    for key, kb_id in aliases:
        owners.setdefault(key, set()).add(kb_id)
    return {k: frozenset(ids) for k, ids in owners.items() if ids <= people.keys()}


@lru_cache(maxsize=4)
def kb_first_names_by_surname(seeds_dir: Path = SEEDS_DIR) -> dict[str, tuple[tuple[str, str],
                                                                             ...]]:
    """Surname -> (first name, kb_id) of the KB people's two-word name keys: the people a
    name with a misspelt first name may be ("Hilary Clinton"), as SQL finds them."""
    people, aliases = _kb_person_aliases(seeds_dir)
    found: dict[str, set[tuple[str, str]]] = {}
    for key, kb_id in aliases:
        words = key.split()
        if len(words) == 2 and kb_id in people:
            found.setdefault(words[1], set()).add((words[0], kb_id))
    return {k: tuple(sorted(v)) for k, v in found.items()}


@lru_cache(maxsize=4)
def kb_government_countries(seeds_dir: Path = SEEDS_DIR) -> dict[str, frozenset[str]]:
    """KB person -> the countries of their government roles (sector GOV, any date): who
    may be meant by "the Obama White House" or "President Obama"."""
    people = _kb_person_aliases(seeds_dir)[0]
    found: dict[str, set[str]] = {}
    for r in read_seed_csv("kb_actor_roles.csv", seeds_dir):
        if r["sector"] == "GOV" and r["country_iso3"] and r["kb_id"] in people:
            found.setdefault(r["kb_id"], set()).add(r["country_iso3"])
    return {k: frozenset(v) for k, v in found.items()}


def kb_person_name(kb_id: str, seeds_dir: Path = SEEDS_DIR) -> str:
    """The KB's name of a person (``kb_actors.csv``)."""
    return _kb_person_aliases(seeds_dir)[0][kb_id]


@lru_cache(maxsize=4)
def alias_prefixes(seeds_dir: Path = SEEDS_DIR) -> frozenset[str]:
    """Every prefix of every alias and of "the " + alias.

    For ASCII text ``normalise`` is ``" ".join(text.lower().split())`` (its "core") with a
    leading "the " dropped. The core of a token n-gram starts with the core of the n-gram one
    token shorter, so once a core is no prefix here, no longer n-gram can be an alias.
    """
    out: set[str] = set()
    for alias in alias_table(seeds_dir):
        for target in (alias, "the " + alias):
            out.update(target[:k] for k in range(len(target) + 1))
    return frozenset(out)


@lru_cache(maxsize=4)
def kb_full_name_ends() -> frozenset[str]:
    """The last words of the KB people's multi-word name keys."""
    # kb_people() with no argument: lru_cache keys kb_people(SEEDS_DIR) apart, and the KB
    # seeds were read a second time in every worker.
    return frozenset(k.rsplit(" ", 1)[-1] for k in kb_people()[2] if " " in k)


@lru_cache(maxsize=4)
def role_form_suffixes(seeds_dir: Path = SEEDS_DIR) -> frozenset[str]:
    """Every suffix of every role form ("minister", "inister", ...): ``may_end_role``."""
    return frozenset(f[k:] for f in role_matcher(seeds_dir)[1] for k in range(len(f)))


@lru_cache(maxsize=1 << 16)  # asked for every noun; the same words come back
def may_end_role(word: str) -> bool:
    """Whether a role form can end where the lower-cased ASCII ``word`` ends: the form ends
    with the whole word, or is a suffix of it. Checked on ASCII text only, where lowering
    keeps every offset, so a match ending at the word's end is such a form."""
    forms = role_matcher()[1]
    return word in role_form_suffixes() or any(word[k:] in forms for k in range(1, len(word)))
