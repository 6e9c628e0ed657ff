"""Later runs an incremental build must recompute too: the one-word names a changed run relinks.

int_mentions_resolved links a one-word name ("Marchetti") by the people named in full in
the runs up to its own (README "Actors"): the same run, the 30 days up to it (the person who
dominates the news), the whole archive before it (the one person of that surname). A build
that changes a run (a backfill of an earlier day, a rerun of an old day, a late file) so
changes the links of the runs after it that were built already; a full rebuild would link
them by every run at once. So that an incremental build gives the full rebuild's rows, its
changed runs are widened with the later runs built already that hold a one-word name
sharing a surname with someone named in full in a changed run, as loaded now or as built
before (a rerun can take a person's only full naming away). A nightly build of the newest
day has no later runs: it costs nothing there.

The scope is a superset of the runs whose links can change (a KB alias such as "Putin" is
only relinked by the 30-day rule, so only the runs within 30 days of a changed run are
taken for it; any other one-word name of that surname in any later run is): a run taken
needlessly is recomputed to the same rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from extract.config import DBT_PROJECT_DIR

SURNAME_MACRO = DBT_PROJECT_DIR / "macros" / "surname_of.sql"


def surname_sql(expr: str) -> str:
    """The surname of the name key ``expr``: the SQL of dbt's ``surname_of`` macro, read from
    its file, so this query and int_mentions_resolved key surnames by one definition."""
    body = re.search(r"macro surname_of\(expr\) -%}\s*(.*?)\s*{%- endmacro",
                     SURNAME_MACRO.read_text(), re.S)
    if body is None:
        raise ValueError(f"no surname_of macro in {SURNAME_MACRO}")
    return body.group(1).replace("{{ expr }}", expr)


@lru_cache(maxsize=1)
def relinked_runs_sql() -> str:
    """The query of ``relinked_runs`` (one parameter: the changed run dates)."""
    return f"""
with

changed_runs as (
    select unnest(?::date[]) as run_date
),

changed_articles as (
    select article_id from raw.articles
    where run_date in (select run_date from changed_runs)
    union
    select key from raw.build_touched where kind = 'removed'
),

-- people named in full in the changed runs: as loaded now (the staging view keys the new
-- rows as int_mentions_resolved will) and as built before
full_names as (
    select name_key from staging.stg_news__actor_cues
    where article_id in (select article_id from changed_articles) and entity_label = 'PERSON'
    union
    select name_key from intermediate.int_mentions_resolved
    where
        article_id in (select article_id from changed_articles)
        and entity_label = 'PERSON'
        and mention_kind = 'named'
),

surnames as (
    select distinct {surname_sql('name_key')} as surname
    from full_names
    where name_key like '% %'
),

-- built rows of later runs that are, or were linked from, a name of such a surname (a
-- linked row's name key is the person's full name)
candidates as (
    select
        mentions.mention_id,
        mentions.article_id,
        mentions.kb_id,
        mentions.name_key,
        articles.run_date
    from intermediate.int_mentions_resolved as mentions
    inner join raw.articles as articles on mentions.article_id = articles.article_id
    where
        articles.run_date > (select min(run_date) from changed_runs)
        and articles.run_date not in (select run_date from changed_runs)
        and mentions.mention_kind = 'named'
        and mentions.entity_label in ('PERSON', 'ORG')
        and {surname_sql('mentions.name_key')} in (select surname from surnames)
)

select distinct candidates.run_date
from candidates
inner join staging.stg_news__actor_cues as cues
    on candidates.mention_id = cues.mention_id
where
    cues.article_id in (select article_id from candidates)
    -- its own name is one word of that surname
    and cues.name_key not like '% %'
    and cues.name_key in (select surname from surnames)
    -- a KB alias left unlinked only relinks within the 30-day window
    and (
        candidates.kb_id is null
        or candidates.name_key like '% %'
        or candidates.run_date <= (select max(run_date) from changed_runs) + 29
    )
order by 1
"""


def relinked_runs(db_path: Path, changed: Iterable[dt.date]) -> set[dt.date]:
    """The runs after the first of ``changed``, built already, whose one-word names the
    changed runs can relink (none when the warehouse has no built mentions yet)."""
    import duckdb

    from extract.warehouse import connect

    dates = sorted(changed)
    if not dates or not db_path.exists():
        return set()
    with connect(db_path, read_only=True) as con:
        try:
            # A nightly build of the newest day: no later run, and no scan of the mentions
            # (whose size grows with the archive).
            (later,) = con.execute(
                "select count(*) from raw.articles where run_date > ? "
                "and run_date not in (select unnest(?::date[]))", [dates[0], dates],
            ).fetchall()[0]
            if not later:
                return set()
            rows = con.execute(relinked_runs_sql(), [dates]).fetchall()
        except duckdb.CatalogException:  # not built yet: the build is a full one anyway
            return set()
    return {row[0] for row in rows}
