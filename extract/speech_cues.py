"""Speech and reporting cues: the verbs and phrases that attribute words to a speaker.

The quote finder credits quotation marks to the nearest cue; the reported-speech finder
(`extract/reported_speech.py`) reads the same lexicon plus the verbs of thought and the
nominal cues that PolNeAR-style attribution counts.
"""

from __future__ import annotations

from spacy.tokens import Token

from extract.quote_marks import DocContext

# --------------------------------------------------------------------------- lexicon

# Lemmas of verbs that report speech or writing.  Verbs of thought ("think",
# "believe") are left out on purpose: quotation marks after them are mostly scare quotes.
CUE_LEMMAS = frozenset(
    """say tell add charge claim insist stress warn reiterate write tweet call ask continue
    note report describe declare reply respond explain recall conclude state argue suggest
    pledge acknowledge accuse promise shout chant assure urge vow announce admit cite blast
    predict complain emphasize emphasise observe remark comment joke quip concede counter
    contend maintain affirm assert allege boast brag lament caution confirm deny demand
    mention mutter post proclaim recount retort scream yell testify whisper muse opine
    agree quote dub label brand decry criticize criticise slam praise hail lash echo
    insist threaten predict reveal recount read exclaim scoff sneer snap gush marvel
    concur interject interrupt begin finish summarize summarise recommend advise
    instruct order command plead beg implore exhort invoke proclaim repeat tout
    question wonder rail thunder fume rant post declare counsel inform remind
    answer press condemn demur beam sing denounce characterize characterise dismiss
    defend rebut tease mock deride hammer signal hint chide scold lambaste ridicule
    berate highlight elaborate reason speculate theorize theorise crow gloat cry sigh
    laugh smile grumble groan whine moan bemoan sound acknowledge concede retort
    """.split()
)
# Multi-word cues whose head verb is not itself a speech verb ("made clear").
CUE_PHRASES = {("make", "clear"), ("point", "out"), ("go", "on"), ("put", "it")}
_ASPECTUAL = frozenset({"continue", "begin", "finish", "repeat"})
PRONOUNS = frozenset("he she they i we it you".split())
RELATIVE = frozenset("who that which whom".split())
TITLES = frozenset(
    """mr mrs ms miss dr sen senator rep representative gov governor president pres
    prof professor gen general sir lord lady rev reverend judge justice secretary mayor
    speaker chairman chairwoman minister prime premier king queen prince princess
    ambassador sheriff officer sgt lt col capt adm vice former the""".split()
)
SUBJ_DEPS = frozenset({"nsubj", "nsubjpass"})


def is_cue(tok: Token) -> bool:
    # a sentence root counts whatever its tag: the tagger reads `the email read` as a noun
    if tok.pos_ not in {"VERB", "AUX"} and not tok.tag_.startswith("VB") and tok.dep_ != "ROOT":
        return False
    if tok.dep_ in {"amod", "compound"} or (tok.i > 0 and tok.nbor(-1).text == "-"):
        return False  # "so-called", "the quoted remarks"
    if tok.lemma_.lower() in CUE_LEMMAS:
        # aspectual uses are not speech: "will continue to be", "began to"
        return not any(c.dep_ == "xcomp" for c in tok.children) or tok.lemma_ not in _ASPECTUAL
    return any((tok.lemma_.lower(), c.lower_) in CUE_PHRASES for c in tok.children)


WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def is_time(tok: Token) -> bool:
    """`said Tuesday`: a date is never the speaker."""
    return tok.ent_type_ in {"DATE", "TIME"} or tok.lower_ in WEEKDAYS


def cue_extent(ctx: DocContext, cue: Token) -> tuple[int, int]:
    """The cue as written: auxiliaries and `quoted as having told`."""
    toks = [cue]
    toks += [c for c in cue.lefts if c.dep_ in {"aux", "auxpass", "neg"} and not ctx.in_quote(c)]
    if cue.lemma_ == "quote":
        for c in cue.rights:
            if c.lower_ == "as":
                toks.append(c)
                toks += [
                    g for g in c.subtree if g.dep_ in {"aux", "pcomp"} and g.pos_ in {"VERB", "AUX"}
                ]
    for c in cue.rights:
        if c.dep_ == "prt" or (
            c.lower_ in {"clear", "it"} and (cue.lemma_, c.lower_) in CUE_PHRASES
        ):
            toks.append(c)
    toks = [t for t in toks if abs(t.i - cue.i) <= 6]
    start = min(t.idx for t in toks)
    end = max(t.idx + len(t) for t in toks)
    return start, end


# --------------------------------------------------------------------------- reported speech

# Verbs whose clausal complement (`that ...`, or a bare clause) is what the subject said,
# wrote, found or thinks.  Verbs of thought and finding count: attribution corpora such
# as PolNeAR mark "X believes that ..." and "the poll found that ..." as attributions.
CLAUSE_LEMMAS = (
    CUE_LEMMAS
    - {"continue", "begin", "finish", "sound", "smile", "laugh", "sigh", "beam", "sing", "cry",
       "read", "call", "label", "dub", "brand", "quote", "echo", "post", "press", "hammer",
       "question", "invoke", "chant", "interrupt", "interject", "instruct", "order", "command"}
) | frozenset(
    """think believe know feel fear hope expect worry doubt guess realize realise understand
    assume suspect imagine consider decide estimate figure reckon suppose trust wish
    learn hear see notice recognize recognise remember forget determine judge find show
    prove demonstrate indicate reveal suggest conclude agree acknowledge project forecast
    calculate claim insist contend allege report announce confirm deny disclose
    complain concede warn promise pledge vow guarantee swear certify acknowledge
    emphasize emphasise stress underline underscore predict speculate hint imply
    argue reason posit hold maintain reiterate repeat affirm reaffirm testify rule
    decree order demand insist request recommend propose urge advise ask inquire
    wonder question doubt dispute contest counter rebut concede grant admit
    tweet write blog email text post publish print broadcast air tell inform notify
    assure reassure convince persuade remind teach explain clarify specify detail
    add note observe remark comment mention point signal indicate accept hop""".split()
)
# Verbs whose `to`-infinitive complement (xcomp) is an intention or a demand of the
# subject: "X wants to leave", "X refused to comment", "X urged Y to go".
INTENT_LEMMAS = frozenset(
    """want plan decide refuse decline promise pledge vow threaten hope intend seek agree
    offer urge ask tell order warn demand call press push vow resolve choose
    prefer wish propose expect hop look aim vote move attempt strive""".split()
)
# Verbs whose object is the content: "X criticized the plan", "X denied the report".
OBJECT_LEMMAS = frozenset(
    """criticize criticise praise deny announce endorse support oppose reject defend cite
    describe propose dismiss condemn welcome applaud attack blast slam hail recommend
    predict acknowledge confirm reveal admit demand blame accuse urge decry denounce
    lambaste dispute challenge reaffirm reiterate disclose unveil advocate favor favour
    champion back question rebut refute contradict tout discuss mention express
    call ask say tell show want expect note argue view regard
    predict estimate recommend suggest assail liken reference envision voice portray echo
    deem credit outline document chant label retweet list stress recall promise mock
    emphasize emphasise quote issue report publish tweet prefer highlight remind fear
    declare explain post congratulate claim
    offer name nominate identify thank seek consider ignore embrace promote compare
    encourage request approve adopt introduce knock unveil share like love hate trust
    respect admire accept downplay invoke laud heckle
    fault vilify demonize demonise
    release sign file expose appoint address pass""".split()
)
# Verbs whose object is the content only with their particle: `laid out a plan`.
PRT_OBJECT_CUES = {("lay", "out"), ("spell", "out"), ("single", "out"), ("roll", "out"),
                   ("call", "out"), ("map", "out"), ("set", "out"), ("hash", "out")}
# Passive verbs that report without an agent: "the deal was announced", "a leak was
# reported"; other passives count only with an agent or an infinitive ("is said to").
PASSIVE_REPORTS = frozenset(
    """announce report confirm reveal disclose deny allege claim estimate predict rumor
    rumour say expect believe think project forecast""".split()
)
# Verbs whose prepositional object is the content: "X called for talks", "X warned of war".
PREP_CUES = {
    ("call", "for"), ("warn", "of"), ("warn", "about"), ("warn", "against"),
    ("talk", "about"), ("speak", "about"), ("speak", "of"), ("comment", "on"),
    ("refer", "to"), ("argue", "for"), ("argue", "against"), ("complain", "about"),
    ("insist", "on"), ("ask", "for"), ("push", "for"), ("press", "for"), ("speak", "out"),
    ("write", "about"), ("testify", "about"),
    ("boast", "about"), ("brag", "about"), ("worry", "about"), ("agree", "on"),
    ("agree", "with"), ("object", "to"), ("respond", "to"), ("react", "to"),
    ("point", "to"), ("think", "of"), ("think", "about"), ("hope", "for"), ("say", "of"),
    ("say", "about"), ("tell", "of"), ("tell", "about"), ("know", "about"),
    ("hint", "at"), ("lash", "out"), ("rail", "against"), ("go", "after"), ("side", "with"),
    ("believe", "in"), ("joke", "about"), ("boast", "of"), ("speak", "to"), ("ask", "about"),
    ("inquire", "about"), ("apologize", "for"), ("apologise", "for"), ("campaign", "for"),
    ("campaign", "against"), ("advocate", "for"), ("weigh", "in"),
    ("vote", "for"), ("vote", "against"), ("focus", "on"), ("look", "for"), ("commit", "to"),
}
# Reporting nouns whose prepositional object is the content when a possessor or a `by`
# phrase names the speaker: "her criticism of the plan", "Trump's call for a ban".
NOUN_PREP_CUES = {
    ("criticism", "of"), ("call", "for"), ("calls", "for"), ("opposition", "to"),
    ("praise", "for"), ("attack", "on"), ("attacks", "on"), ("demand", "for"),
    ("proposal", "for"), ("proposal", "to"), ("concern", "about"), ("concern", "over"),
    ("endorsement", "of"), ("question", "about"), ("warning", "about"), ("warning", "of"),
    ("promise", "of"), ("pledge", "of"), ("claim", "of"), ("denial", "of"),
    ("defense", "of"), ("defence", "of"), ("condemnation", "of"), ("rejection", "of"),
    ("question", "about"), ("fear", "of"), ("fears", "of"), ("opinion", "on"),
    ("charge", "over"), ("complaint", "about"), ("warning", "against"), ("praise", "of"),
    ("attack", "against"), ("support", "for"), ("criticism", "over"), ("view", "on"),
    ("views", "on"), ("case", "for"), ("case", "against"), ("reference", "to"),
    ("comment", "on"), ("comments", "on"), ("remark", "about"), ("remarks", "about"),
}
# The same after a light verb only (`X took a swipe at Y`, `X made no mention of Y`): without
# one the phrase names a stance held or reported elsewhere (`defended his stance on Y`).
LIGHT_NOUN_PREP_CUES = {
    ("allegation", "against"), ("statement", "on"), ("statement", "about"), ("mention", "of"),
    ("comment", "about"), ("assessment", "of"), ("thought", "on"), ("thought", "about"),
    ("congratulation", "to"), ("evaluation", "of"), ("testimony", "about"), ("critique", "of"),
    ("swipe", "at"), ("shot", "at"), ("jab", "at"), ("aim", "at"), ("stance", "on"),
    ("stance", "against"), ("stand", "on"), ("stand", "against"), ("position", "on"),
    ("feeling", "about"), ("feeling", "toward"), ("feeling", "towards"), ("view", "of"),
    ("view", "about"), ("opinion", "of"), ("opinion", "about"), ("argument", "for"),
    ("argument", "against"), ("remark", "on"), ("plea", "for"), ("appeal", "for"),
    ("request", "for"), ("commitment", "to"), ("objection", "to"), ("doubt", "about"),
    ("doubt", "over"), ("question", "on"), ("question", "over"), ("message", "about"),
    ("message", "on"), ("complaint", "over"), ("outrage", "over"), ("anger", "over"),
    ("anger", "at"), ("skepticism", "about"), ("skepticism", "of"), ("enthusiasm", "for"),
}
# Verbs that turn a reporting noun into a statement of their subject: `X raised questions
# about Y`, `X has praise for Y`, `X made the case for Y`.
LIGHT_VERBS = frozenset(
    "raise have express voice offer make issue level launch trade deliver give lodge file "
    "share take".split()
)
# Nouns that report what someone said or thinks when a `that` clause follows:
# "the ministry's statement that ...", "the claim by X that ...".
NOUN_CUES = frozenset(
    """statement claim warning assertion announcement allegation denial report belief view
    insistence argument suggestion promise pledge vow threat assurance admission
    acknowledgment acknowledgement declaration accusation charge contention conclusion
    finding prediction estimate remark comment testimony position proposal demand
    fear hope concern worry expectation assessment opinion message notice confirmation
    speculation conviction impression suspicion insinuation contention""".split()
)
# Verbs of appearance: PolNeAR marks `X seems to Y`, `X appears weak` as an attribution
# without a source (the writer's impression); the content is the subject and what it seems.
SEEM_LEMMAS = frozenset({"seem", "appear"})
# Adjectives of stance after a copula: `X is critical of the plan`, `X was eager to talk`,
# `X is confident that ...`; the subject is the speaker, the complement the content.
ATTITUDE_ADJECTIVES = frozenset(
    """critical eager skeptical sceptical hopeful reluctant optimistic pessimistic determined
    supportive frustrated angry enamored enamoured inclined upbeat wary adamant convinced
    leery keen unhappy confident worried concerned proud outspoken passionate impressed
    dismissive opposed disappointed furious insistent vocal unapologetic grateful thankful
    satisfied upset pleased certain unsure uncertain ambivalent aware sure willing unwilling
    split divided intent unconvinced doubtful fearful hesitant loath committed""".split()
)
# Verbs that cast their object as something: `X sees the deal as a trap`, `a law known as
# the Border Act`; the object with its `as` phrase is the content.
AS_LEMMAS = frozenset(
    """see view regard consider describe portray paint cast characterize characterise depict
    brand label dismiss know call bill tout hail refer""".split()
)
