-- Each actor mention (NER entity or NOMINAL role phrase from extract/actors.py) resolved to
-- one canonical actor, or coded as a generic agent, with the country and sector of its day.
--
-- Kind of mention (mention_kind):
--   country  the mention is a country word ("Iran", "Iranian", "Tehran");
--   named    a person or body: resolved to a KB actor (kb_actor_aliases, on the name key of
--            its within-article canonical name, else of its own text), else keyed by the
--            normalised full name (people: the fullest name in the article, extract/actors.py);
--   agent    a generic role or group ("officials", "the government", "Kurds", a NORP that is
--            no country word, an entity whose whole name is a role word): no actor_id; one
--            agent_id per country x sector (dim_agents);
--   thing    equipment ("missile"): coded like an agent, but neither an actor nor an agent.
-- A name form that several KB actors share resolves only when the roles valid on the
-- article's date leave one of them, or, for a government title or office ("President
-- Bush"), to the one whose last government role began last by that date; two people
-- sharing a surname are never merged. An honorific vetoes a KB person of the other gender.
--
-- Country and sector of a named mention, first that applies (README "Actors"):
--   1. an explicit cue inside the mention's own phrase ("Ukrainian President Petro
--      Poroshenko"; for a person the phrase holds a role word too), or in another mention
--      of the same actor in the same article;
--   2. the KB role valid on the article's date (a KB actor with only international roles
--      has no country); for a name several KB actors share, the country they all share;
--   3. a KB actor whose roles all name one country: that country, whatever the date;
--   4. the article's context cue (apposition, same sentence, ...: extract/actors.py);
--   5. the KB role nearest in time (the dictionaries stop in 2014: a prior, not the truth);
--   6. sector only: a person is GOV; the head word's sector in the agent dictionary.
-- Agents and things take the article's cue and their role's sector (today's text rules).
-- A country word is GOV ("Moscow warned"), CVL when a demonym ("Iranians") or a place
-- acted on or where things happen ("in Algiers", "blockade Paris"); its role word first.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_changed_articles(date_column='run_date') }}",
    )
}}

with

cues as (
    select * exclude (run_date) from {{ ref('stg_news__actor_cues') }}
    {{ changed_articles_filter(date_column='run_date') }}
),

articles as (
    select * from {{ ref('stg_news__articles') }}
),

aliases as (
    select * from {{ ref('country_aliases') }}
),

roles as (
    select * from {{ ref('actor_role_sectors') }}
),

countries as (
    select * from {{ ref('country_gazetteer') }}
),

kb_actors as (
    select * from {{ ref('kb_actors') }}
),

kb_aliases as (
    select * from {{ ref('kb_actor_aliases') }}
),

kb_roles as (
    select * from {{ ref('kb_actor_roles') }}
),

kb_agents as (
    select * from {{ ref('kb_agents') }}
),

first_name_genders as (
    select * from {{ ref('first_name_genders') }}
),

-- KB people's two-word names by surname, for a misspelt first name ("Hilary Clinton").
kb_person_names as (
    select
        kb_aliases.kb_id,
        regexp_extract(kb_aliases.alias_key, '^(\S+)', 1) as first_name,
        regexp_extract(kb_aliases.alias_key, '(\S+)$', 1) as surname
    from kb_aliases
    inner join kb_actors
        on kb_aliases.kb_id = kb_actors.kb_id and kb_actors.actor_type = 'person'
    where kb_aliases.alias_key similar to '\S+ \S+'
),

-- KB people's names with middle initials, keyed without them ("george h w bush" as "george
-- bush"): a name whose initials are other than these ("George P. Bush") is not that person.
kb_initialed_names as (
    select
        kb_aliases.kb_id,
        kb_aliases.alias_key,
        regexp_replace(
            regexp_replace(kb_aliases.alias_key, ' [a-z] ', ' ', 'g'), ' [a-z] ', ' ', 'g'
        ) as bare_key
    from kb_aliases
    inner join kb_actors
        on kb_aliases.kb_id = kb_actors.kb_id and kb_actors.actor_type = 'person'
    where regexp_matches(kb_aliases.alias_key, ' [a-z] ')
),

-- Role words and agent phrases (singular and plural): a name that is only one of these
-- is generic ("Foreign Ministry", "Officials"), never a named actor.
generic_keys as (
    select {{ alias_key('role') }} as generic_key from roles
    where kind <> 'body'
    union
    select {{ alias_key('role') }} || 's' from roles
    where kind <> 'body'
    union
    select agent_key from kb_agents
    union
    select agent_key || 's' from kb_agents
),

-- One-word government titles and offices ("president", "administration").
gov_words as (
    select role from roles
    where sector = 'GOV' and kind <> 'thing' and role not like '% %'
),

coded as (
    select
        cues.*,
        articles.article_date,
        articles.run_date,
        aliases.iso3 as cue_iso3,
        aliases.alias_type,
        roles.sector as role_sector,
        roles.kind as role_kind,
        coalesce(
            aliases.iso3 is not null
            and cues.country_cue_start = cues.start_char
            and cues.country_cue_end = cues.end_char,
            false
        ) as is_country_word,
        -- A person's cue is explicit when its phrase also holds a role word ("Ukrainian
        -- President Petro Poroshenko", "Russia's opposition leader X"): a bare nationality
        -- word before a name is mostly the parser hanging the next noun's modifier on the
        -- name ("Filipino Clinton staffers"), a context cue at best.
        coalesce(
            aliases.iso3 is not null
            and cues.country_cue_start >= cues.start_char
            and cues.country_cue_end <= cues.end_char
            and (
                cues.entity_label <> 'PERSON'
                or (cues.role_start >= cues.start_char and cues.role_end <= cues.end_char)
            ),
            false
        ) as cue_is_explicit,
        coalesce(
            cues.role_start >= cues.start_char and cues.role_end <= cues.end_char, false
        ) as role_is_explicit,
        cues.name_key in (select generic_keys.generic_key from generic_keys) as is_generic_name,
        -- A person's name without middle initials ("James B. Comey" is "James Comey"): the
        -- KB is asked for it after the name as written (which tells George W. from George H.
        -- W. Bush), and a person no KB entry names is keyed by it.
        case
            when cues.entity_label = 'PERSON'
                then regexp_replace(
                    regexp_replace(cues.name_key, ' [a-z] ', ' ', 'g'), ' [a-z] ', ' ', 'g'
                )
            else cues.name_key
        end as initials_free_key
    from cues
    inner join articles on cues.article_id = articles.article_id
    left join aliases on cues.country_cue_key = aliases.alias
    left join roles on cues.role = roles.role
),

-- KB actors a mention's name could be: its canonical name's key first, its own text's next,
-- then the name without middle initials, last its last two words (equi-joins: one join on
-- any of the keys would be a nested loop over the KB's aliases).
eligible as (
    select
        mention_id,
        name_key,
        mention_key,
        entity_label,
        initials_free_key,
        honorific,
        -- a government title or office word with the name ("president bush", "bush
        -- administration"): a form the KB gives several heads of government
        name_key like '% %' and (
            regexp_extract(name_key, '^(\S+)', 1) in (select gov_words.role from gov_words)
            or regexp_extract(name_key, '(\S+)$', 1) in (select gov_words.role from gov_words)
        ) as is_office_form,
        case
            when entity_label in ('PERSON', 'ORG') and name_key like '% % %'
                then regexp_extract(name_key, '(\S+ \S+)$', 1)
        end as last_two_words,
        article_date
    from coded
    where
        not is_country_word
        and not is_generic_name
        and coalesce(role_kind, '') <> 'thing'
),

-- A person's name with middle initials and a KB person of that name without them whom the
-- KB names with other initials.
initials_conflicts as (
    select distinct
        eligible.mention_id,
        kb_initialed_names.kb_id
    from eligible
    inner join kb_initialed_names
        on eligible.initials_free_key = kb_initialed_names.bare_key
    where
        eligible.entity_label = 'PERSON'
        and eligible.initials_free_key <> eligible.name_key
        and kb_initialed_names.alias_key <> eligible.name_key
),

alias_hits as (
    select
        eligible.mention_id,
        eligible.article_date,
        kb_aliases.kb_id,
        1 as match_rank
    from eligible
    inner join kb_aliases on eligible.name_key = kb_aliases.alias_key
    union all
    select
        eligible.mention_id,
        eligible.article_date,
        kb_aliases.kb_id,
        2 as match_rank
    from eligible
    inner join kb_aliases on eligible.mention_key = kb_aliases.alias_key
    -- not a bare surname the article resolved to a fuller name the KB does not know
    -- ("Clinton" in a story about "Hilary Clinton" is not the KB's bare "Clinton")
    where
        not (
            eligible.entity_label = 'PERSON'
            and eligible.mention_key not like '% %'
            and eligible.name_key like '% %'
        )
    union all
    select
        eligible.mention_id,
        eligible.article_date,
        kb_aliases.kb_id,
        3 as match_rank
    from eligible
    inner join kb_aliases on eligible.initials_free_key = kb_aliases.alias_key
    -- not when the KB knows that person with other middle initials: "George P. Bush" is
    -- not the KB's "George Bush", whom it also names "George H. W. Bush"
    anti join initials_conflicts
        on
            eligible.mention_id = initials_conflicts.mention_id
            and kb_aliases.kb_id = initials_conflicts.kb_id
    where eligible.initials_free_key <> eligible.name_key
    union all
    -- a KB person's two-word name after words NER took into the name ("BERLIN - Donald
    -- Trump", "Crooked Hillary Clinton", a headline's "Black Lawmakers Rip Donald Trump"),
    -- also when it tagged the whole as an ORG ("This Cable News Panel Just Dismissed
    -- Bernie Sanders")
    select
        eligible.mention_id,
        eligible.article_date,
        kb_aliases.kb_id,
        4 as match_rank
    from eligible
    inner join kb_aliases on eligible.last_two_words = kb_aliases.alias_key
    inner join kb_actors
        on kb_aliases.kb_id = kb_actors.kb_id and kb_actors.actor_type = 'person'
    union all
    -- a misspelt first name ("Hilary Clinton"): the KB person of that surname whose first
    -- name is one edit away (both of at least 4 letters), when nothing else matched (ranks);
    -- never a first name of the other gender ("Ivan" is not "Ivana"). A name two KB people
    -- are one edit from stays unresolved (kb_matched); a KB person's own name matches at
    -- rank 1, so two KB people are never merged.
    select
        eligible.mention_id,
        eligible.article_date,
        kb_person_names.kb_id,
        5 as match_rank
    from eligible
    inner join kb_person_names
        on
            regexp_extract(eligible.initials_free_key, '(\S+)$', 1) = kb_person_names.surname
            and eligible.entity_label = 'PERSON'
            and eligible.initials_free_key similar to '\S+ \S+'
    left join first_name_genders as written_gender
        on regexp_extract(eligible.initials_free_key, '^(\S+)', 1) = written_gender.first_name
    left join first_name_genders as kb_gender
        on kb_person_names.first_name = kb_gender.first_name
    where
        length(kb_person_names.first_name) >= 4
        and length(regexp_extract(eligible.initials_free_key, '^(\S+)', 1)) >= 4
        and damerau_levenshtein(
            regexp_extract(eligible.initials_free_key, '^(\S+)', 1), kb_person_names.first_name
        ) = 1
        and coalesce(written_gender.gender = kb_gender.gender, true)
),

-- "Mrs. X" is not the KB's man X (nor "Mr. X" its woman): the honorific vetoes a KB person
-- whose first name the seed gives the other gender, as it does the rules across articles.
honorific_conflicts as (
    select distinct
        eligible.mention_id,
        kb_actors.kb_id
    from eligible
    inner join alias_hits on eligible.mention_id = alias_hits.mention_id
    inner join kb_actors
        on alias_hits.kb_id = kb_actors.kb_id and kb_actors.actor_type = 'person'
    inner join first_name_genders
        on
            regexp_extract({{ alias_key('kb_actors.actor_name') }}, '^(\S+)', 1)
            = first_name_genders.first_name
    where eligible.honorific <> first_name_genders.gender
),

kb_candidates as (
    select
        alias_hits.mention_id,
        alias_hits.kb_id,
        min(alias_hits.match_rank) as match_rank,
        bool_or(
            (kb_roles.valid_from is null or kb_roles.valid_from <= alias_hits.article_date)
            and (kb_roles.valid_to is null or kb_roles.valid_to >= alias_hits.article_date)
        ) as valid_on_date,
        any_value(eligible.is_office_form) as is_office_form,
        -- the start of the candidate's last government role begun by the article's date
        max(kb_roles.valid_from) filter (
            where kb_roles.sector = 'GOV' and kb_roles.valid_from <= alias_hits.article_date
        ) as last_office_start
    from alias_hits
    inner join eligible on alias_hits.mention_id = eligible.mention_id
    inner join kb_roles on alias_hits.kb_id = kb_roles.kb_id
    anti join honorific_conflicts
        on
            alias_hits.mention_id = honorific_conflicts.mention_id
            and alias_hits.kb_id = honorific_conflicts.kb_id
    group by alias_hits.mention_id, alias_hits.kb_id
),

kb_best_rank as (
    select *
    from kb_candidates
    qualify match_rank = min(match_rank) over (partition by mention_id)
),

-- One KB actor, or one once the roles valid on the article's date are asked; else, for a
-- government title or office ("President Bush", "the Bush administration" in 2016), the
-- candidate whose last government role began last by that date (George W. Bush); else
-- none. Unresolved, the candidates may still agree on a country (every "President Bush" of
-- the KB is American): that country is a KB fact about the name.
kb_matched as (
    select
        kb_best_rank.mention_id,
        case
            when count(distinct kb_best_rank.kb_id) = 1 then any_value(kb_best_rank.kb_id)
            when count(distinct kb_best_rank.kb_id) filter (where kb_best_rank.valid_on_date) = 1
                then any_value(kb_best_rank.kb_id) filter (where kb_best_rank.valid_on_date)
            when bool_or(kb_best_rank.is_office_form and kb_best_rank.last_office_start is not null)
                then arg_max(
                    kb_best_rank.kb_id,
                    strftime(kb_best_rank.last_office_start, '%Y-%m-%d') || kb_best_rank.kb_id
                )
        end as kb_id,
        case
            when count(distinct kb_roles.country_iso3) = 1
                then any_value(kb_roles.country_iso3)
        end as kb_shared_iso3
    from kb_best_rank
    left join kb_roles
        on kb_best_rank.kb_id = kb_roles.kb_id and kb_roles.country_iso3 is not null
    group by kb_best_rank.mention_id
),

kinded as (
    select
        coded.* replace (
            case
                -- initials that tell the name from a KB person's stay in its key
                when
                    coded.entity_label = 'PERSON' and kb_matched.kb_id is null
                    and coded.mention_id not in (
                        select initials_conflicts.mention_id from initials_conflicts
                    )
                    then coded.initials_free_key
                else coded.name_key
            end as name_key
        ),
        kb_matched.kb_id,
        kb_matched.kb_shared_iso3,
        case
            when coded.is_country_word then 'country'
            when kb_matched.kb_id is not null then 'named'
            when coded.role_kind = 'thing' and coded.entity_label = 'NOMINAL' then 'thing'
            when coded.role_kind = 'body' and coded.entity_label = 'NOMINAL' then 'named'
            when coded.entity_label in ('NOMINAL', 'NORP') or coded.is_generic_name
                then 'agent'
            else 'named'
        end as mention_kind
    from coded
    left join kb_matched on coded.mention_id = kb_matched.mention_id
),

-- A one-word person name the article does not resolve ("Sanders" or "Bernie" in a story
-- that never says "Bernie Sanders"), first that applies:
--   1. the one person of that surname or first name named in full in the same run (news
--      day);
--   2. the person of that surname who dominates the news of the 30 days up to that run:
--      named in full in at least 3 articles of those runs and in at least 80% of the
--      articles there that name anyone of that surname in full ("Clinton" in 2016 is
--      Hillary Clinton, though Bill Clinton is named too; in 1996 it would be Bill);
--   3. the KB alias, if one ("Putin");
--   4. the one person of that surname named in full in the archive up to that day.
-- Else it is its own actor. Two people sharing a surname are never merged: the name is
-- linked to one of them or to neither (two Clintons named about as often: no link). After
-- an honorific, rules 1, 2 and 4 take only people whose first name is not of the other
-- gender ("Mrs. Clinton" on a day naming Bill and Hillary Clinton is Hillary). An
-- article that names a person in full resolves the surname within itself first
-- (extract/actors.py). A one-word ORG that is no KB actor ("Sanders" tagged ORG) links the
-- same way. A run looks back at earlier runs only (rows built). A build that changes a run
-- before runs built already (a backfill of an earlier day, a rerun of an old day) also
-- recomputes the later runs whose one-word names share a surname with someone named in
-- full in it (extract/relink.py widens raw.build_runs): any build order gives the full
-- rebuild's links.
full_names as (
    select distinct
        run_date,
        {{ surname_of('name_key') }} as surname,
        regexp_extract(name_key, '^(\S+)', 1) as first_name,
        coalesce('kb:' || kb_id, 'name:' || name_key) as person_key,
        kb_id,
        name_key
    from kinded
    where
        mention_kind = 'named'
        and entity_label = 'PERSON'
        and name_key like '% %'
),

-- One-word names that may be a person's surname or first name, with the gender an
-- honorific gives ("Mrs. Clinton": f): the rules below link it only to a person whose first
-- name is not of the other gender (first_name_genders).
one_word_names as (
    select
        mention_id,
        run_date,
        name_key,
        kb_id,
        honorific
    from kinded
    where
        mention_kind = 'named'
        and name_key not like '% %'
        and (entity_label = 'PERSON' or (entity_label = 'ORG' and kb_id is null))
),

day_links as (
    select
        one_word_names.mention_id,
        any_value(full_names.kb_id) as kb_id,
        min(full_names.name_key) as name_key
    from one_word_names
    inner join full_names
        on
            one_word_names.run_date = full_names.run_date
            and one_word_names.name_key in (full_names.surname, full_names.first_name)
    left join first_name_genders on full_names.first_name = first_name_genders.first_name
    where coalesce(one_word_names.honorific = first_name_genders.gender, true)
    group by one_word_names.mention_id
    having count(distinct full_names.person_key) = 1
),

{% if incremental_run() %}
-- The people named in full in the runs built already (int_person_name_runs, per run and
-- surname; read by name, as it refs this model), of the surnames of this batch's one-word
-- names only (rules 2 and 4 join on them). Its rows of the changed runs are the last
-- build's: left out (this batch recomputes those runs).
built_person_runs as (
    select * from {{ this.incorporate(path={'identifier': 'int_person_name_runs'}) }}
    where
        run_date not in ({{ changed_run_dates() }})
        and surname in (select one_word_names.name_key from one_word_names)
),
{% endif %}

-- Each person named in full, per run, with the articles naming them: this batch's runs
-- and, on an incremental build, the runs already built of the 30 days before the first run
-- the build recomputes (all rule 2 reads; a built row whose own name key was one word was
-- linked by these rules: not a full name, int_person_name_runs counts it apart; the key, not
-- the name as written, decides, as in full_names: "Jean-Claude" keys as two words). A KB
-- person has several full names ("donald j trump", "donald trump"): the links take the
-- least, so every build gives the same one. The batch's runs and the built ones are
-- disjoint, so their per-run rows add up by union.
named_in_full as (
    select
        surname,
        person_key,
        run_date,
        any_value(kb_id) as kb_id,
        min(name_key) as name_key,
        count(distinct article_id) as n_articles
    from (
        select
            {{ surname_of('name_key') }} as surname,
            coalesce('kb:' || kb_id, 'name:' || name_key) as person_key,
            kb_id,
            name_key,
            run_date,
            article_id
        from kinded
        where
            mention_kind = 'named'
            and entity_label = 'PERSON'
            and name_key like '% %'
    ) as mentions_in_full
    group by surname, person_key, run_date
    {% if incremental_run() %}
        union all
        select
            surname,
            person_key,
            run_date,
            kb_id,
            full_name_key as name_key,
            n_articles_in_full as n_articles
        from built_person_runs
        where
            n_articles_in_full > 0
            and run_date >= (
                select min(build_runs.run_date) - 29
                from {{ source('news', 'build_runs') }} as build_runs
            )
    {% endif %}
),

-- Rule 2: per one-word name and run, the people of that surname named in full in the 30
-- days up to it, by articles.
surname_runs as (
    select distinct
        name_key as surname,
        run_date
    from one_word_names
),

window_people as (
    select
        surname_runs.surname,
        surname_runs.run_date,
        named_in_full.person_key,
        any_value(named_in_full.kb_id) as kb_id,
        min(named_in_full.name_key) as name_key,
        sum(named_in_full.n_articles) as n_articles
    from surname_runs
    inner join named_in_full
        on
            surname_runs.surname = named_in_full.surname
            and named_in_full.run_date between surname_runs.run_date - 29
            and surname_runs.run_date
    group by surname_runs.surname, surname_runs.run_date, named_in_full.person_key
),

dominant_people as (
    select
        surname,
        run_date,
        -- ties in n_articles cannot win (80% of the whole), so arg_max is deterministic
        arg_max(kb_id, n_articles) as kb_id,
        arg_max(name_key, n_articles) as name_key
    from window_people
    group by surname, run_date
    having max(n_articles) >= 3 and max(n_articles) >= 0.8 * sum(n_articles)
),

dominant_links as (
    select
        one_word_names.mention_id,
        dominant_people.kb_id,
        dominant_people.name_key
    from one_word_names
    inner join dominant_people
        on
            one_word_names.name_key = dominant_people.surname
            and one_word_names.run_date = dominant_people.run_date
    left join first_name_genders
        on regexp_extract(dominant_people.name_key, '^(\S+)', 1) = first_name_genders.first_name
    where coalesce(one_word_names.honorific = first_name_genders.gender, true)
),

-- Rule 4: each person named in full, with the first run that names them.
-- (A built row linked to a person by these rules names no run before that person's first:
-- the built rows need no filter on their own name here.)
archive_full_names as (
    select
        surname,
        person_key,
        any_value(kb_id) as kb_id,
        min(name_key) as name_key,
        min(run_date) as first_run_date
    from (
        select
            surname,
            person_key,
            kb_id,
            name_key,
            run_date
        from full_names
        {% if incremental_run() %}
            union all
            select
                surname,
                person_key,
                kb_id,
                name_key,
                run_date
            from built_person_runs
        {% endif %}
    ) as named_in_full_ever
    group by surname, person_key
),

archive_links as (
    select
        one_word_names.mention_id,
        any_value(archive_full_names.kb_id) as kb_id,
        min(archive_full_names.name_key) as name_key
    from one_word_names
    inner join archive_full_names
        on
            one_word_names.name_key = archive_full_names.surname
            and one_word_names.run_date >= archive_full_names.first_run_date
    left join first_name_genders
        on
            regexp_extract(archive_full_names.name_key, '^(\S+)', 1)
            = first_name_genders.first_name
    where
        one_word_names.kb_id is null
        and coalesce(one_word_names.honorific = first_name_genders.gender, true)
    group by one_word_names.mention_id
    having count(distinct archive_full_names.person_key) = 1
),

person_links as (
    select
        one_word_names.mention_id,
        coalesce(day_links.name_key, dominant_links.name_key) is not null as before_kb,
        coalesce(day_links.kb_id, dominant_links.kb_id) as kb_id,
        coalesce(day_links.name_key, dominant_links.name_key) as name_key
    from one_word_names
    left join day_links on one_word_names.mention_id = day_links.mention_id
    left join dominant_links on one_word_names.mention_id = dominant_links.mention_id
),

linked as (
    select
        kinded.* replace (
            case
                when person_links.before_kb then person_links.kb_id
                else coalesce(kinded.kb_id, archive_links.kb_id)
            end as kb_id,
            coalesce(
                case when person_links.before_kb then person_links.name_key end,
                archive_links.name_key,
                kinded.name_key
            ) as name_key
        ),
        coalesce(person_links.before_kb or archive_links.name_key is not null, false)
            as is_person_link
    from kinded
    left join person_links on kinded.mention_id = person_links.mention_id
    left join archive_links on kinded.mention_id = archive_links.mention_id
),

-- The KB role of the article's day (the most specific: dated before open, with a country
-- and a sector first), and the nearest one in time when none is valid that day.
kb_role_of_day as (
    select
        linked.mention_id,
        kb_roles.country_iso3,
        kb_roles.sector,
        (kb_roles.valid_from is null or kb_roles.valid_from <= linked.article_date)
        and (kb_roles.valid_to is null or kb_roles.valid_to >= linked.article_date)
            as valid_on_date
    from linked
    inner join kb_roles on linked.kb_id = kb_roles.kb_id
    qualify row_number() over (
        partition by linked.mention_id
        order by
            valid_on_date desc,
            (kb_roles.country_iso3 is not null) desc,
            (kb_roles.sector is not null) desc,
            (kb_roles.valid_from is not null or kb_roles.valid_to is not null) desc,
            -- not valid that day: the one ending last before it, else the first after it
            least(
                abs(linked.article_date - coalesce(kb_roles.valid_to, linked.article_date)),
                abs(linked.article_date - coalesce(kb_roles.valid_from, linked.article_date))
            ) asc,
            kb_roles.valid_from desc nulls last,
            kb_roles.role_code asc
    ) = 1
),

-- A KB actor whose roles all name one country (the dictionaries' "Reagan" is American in
-- every role): that country outlasts the roles' dates.
kb_one_country as (
    select
        kb_id,
        any_value(country_iso3) as kb_only_iso3
    from kb_roles
    where country_iso3 is not null
    group by kb_id
    having count(distinct country_iso3) = 1
),

keyed as (
    select
        linked.*,
        kb_one_country.kb_only_iso3,
        kb_role_of_day.country_iso3 as kb_iso3,
        kb_role_of_day.sector as kb_sector,
        coalesce(kb_role_of_day.valid_on_date, false) as kb_valid_on_date,
        case
            when linked.mention_kind = 'country' then 'country:' || lower(linked.cue_iso3)
            when linked.kb_id is not null then 'kb:' || linked.kb_id
            when linked.mention_kind = 'named' then 'name:' || linked.name_key
        end as actor_key
    from linked
    left join kb_role_of_day on linked.mention_id = kb_role_of_day.mention_id
    left join kb_one_country on linked.kb_id = kb_one_country.kb_id
),

head_agents as (
    select
        keyed.mention_id,
        kb_agents.sector as head_sector
    from keyed
    inner join kb_agents
        on regexp_extract(keyed.mention_key, '(\S+)$', 1) = kb_agents.agent_key
),

-- Rule 1 across the article: the first explicit cue of any mention of the same actor.
with_article_cue as (
    select
        *,
        first(case when cue_is_explicit then cue_iso3 end ignore nulls) over (
            partition by article_id, actor_key
            order by start_char, mention_id
            rows between unbounded preceding and unbounded following
        ) as explicit_iso3
    from keyed
),

with_head as (
    select
        with_article_cue.*,
        head_agents.head_sector
    from with_article_cue
    left join head_agents on with_article_cue.mention_id = head_agents.mention_id
),

coded_of_day as (
    select
        *,
        case
            when mention_kind in ('country', 'agent', 'thing') then cue_iso3
            when explicit_iso3 is not null then explicit_iso3
            when kb_valid_on_date then kb_iso3
            when kb_id is null and kb_shared_iso3 is not null then kb_shared_iso3
            when kb_only_iso3 is not null then kb_only_iso3
            when cue_iso3 is not null then cue_iso3
            else kb_iso3
        end as iso3,
        case
            when mention_kind = 'country' and role_sector is not null then role_sector
            when mention_kind = 'country' and alias_type = 'demonym' then 'CVL'
            -- a place acted on or where things happen ("in Algiers", "blockade Paris")
            when
                mention_kind = 'country' and grammatical_role in ('object', 'locative')
                then 'CVL'
            when mention_kind = 'country' then 'GOV'
            when mention_kind in ('agent', 'thing') then role_sector
            when role_is_explicit and role_sector is not null then role_sector
            when kb_valid_on_date and kb_sector is not null then kb_sector
            when role_sector is not null then role_sector
            when kb_sector is not null then kb_sector
            when entity_label = 'PERSON' or is_person_link then 'GOV'
            -- a named place acted on or where things happen ("a village in Western Cambodia")
            when
                entity_label in ('GPE', 'LOC', 'FAC')
                and grammatical_role in ('object', 'locative')
                then 'CVL'
            else head_sector
        end as sector,
        case
            when mention_kind in ('country', 'agent', 'thing') then 'text'
            when explicit_iso3 is not null then 'text_explicit'
            when kb_valid_on_date then 'kb'
            when kb_id is null and kb_shared_iso3 is not null then 'kb_shared'
            when kb_only_iso3 is not null then 'kb_nearest'
            when cue_iso3 is not null then 'text'
            when kb_iso3 is not null then 'kb_nearest'
        end as country_source
    from with_head
),

named as (
    select
        coded_of_day.*,
        case
            when coded_of_day.mention_kind = 'country' then 'country'
            when coded_of_day.mention_kind = 'agent' then 'agent'
            when coded_of_day.mention_kind = 'thing' then 'thing'
            when kb_actors.actor_type is not null then kb_actors.actor_type
            when coded_of_day.entity_label = 'PERSON' or coded_of_day.is_person_link
                then 'person'
            when coded_of_day.entity_label in ('ORG', 'NOMINAL') then 'organisation'
            else 'location'
        end as actor_type,
        case
            when coded_of_day.mention_kind = 'country' then countries.name
            -- the KB's name, but as the news spells it when it is the same name ("UN", not
            -- the dictionary's upper-case "Un"; "Binyamin" stays the KB's "Benjamin")
            when
                kb_actors.actor_name is not null
                and coded_of_day.name_key <> {{ alias_key('kb_actors.actor_name') }}
                then kb_actors.actor_name
            else
                {{ name_form('coded_of_day.canonical_name') }}
        end as actor_name
    from coded_of_day
    left join countries on coded_of_day.cue_iso3 = countries.iso3
    left join kb_actors on coded_of_day.kb_id = kb_actors.kb_id
),

final as (
    select
        mention_id,
        article_id,
        article_date,
        -- the article's run: its readers take a night's rows by it (zone maps), not by id
        run_date,
        sentence_id,
        sentence_index,
        entity_label,
        mention_text,
        mention_key,
        name_key,
        start_char,
        end_char,
        canonical_name,
        mention_kind,
        actor_type,
        actor_name,
        -- Stable: a hash of the canonical key (KB id, ISO3 or normalised full name), never
        -- of row order. Null for agents and things.
        md5(actor_key) as actor_id,
        kb_id,
        case
            when mention_kind = 'agent'
                then md5('agent:' || coalesce(iso3, '-') || ':' || coalesce(sector, '-'))
        end as agent_id,
        -- The country the mention is coded to on the article's date (not only country words).
        iso3,
        case when iso3 is not null then country_source end as country_source,
        alias_type,
        is_country_word,
        sector,
        role,
        country_cue,
        country_cue_start,
        country_cue_end
    from named
)

-- Stored in run and date order: a full build would otherwise scatter every date over every
-- row group, and the readers that take one night's or one month's rows by run_date or
-- (article_id, article_date) (int_touched_keys, int_*_months, int_person_name_runs, the
-- per-article models) could not skip the rest by zone maps: at 200k articles they read
-- all 2.5M rows (a night's appended rows are in order).
select * from final
order by run_date, article_date
