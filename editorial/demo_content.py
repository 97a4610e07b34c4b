"""The demo that ``manage.py seed_demo`` loads: plain data, no behaviour.

Everything here is written for Imprimatur. Facts come from the cited sources; the wording
is ours. Reference identifiers (DOI, PMID) were checked against public bibliographic
records; leave a field empty rather than guess one.

References are numbered by their order in the list: the first is [1] in the body.

An article's ``steps`` are replayed through the editorial services, in order. Author
steps (``submit``, ``revise``: a new draft revision with ``changes``, ``resubmit``,
``withdraw``) are taken by ``author``. Review goes through the board as it would in the
admin: ``assign`` (the chair invites ``reviewers``, each of whom must be among the
suggestions; those in ``accept``, by default all, accept; ``overdue_days`` moves the review
date that many days into the past), ``approve`` (each of ``reviewers`` approves; the quorum
then approves the submission), ``request_changes`` and ``reject`` (one ``reviewer``
decides with ``comment``; the chair confirms a rejection).
"""

DEMO_PASSWORD = "imprimatur-demo"
B12_SLUG = "vitamin-b12-deficiency-restless-legs"

TOPICS = [
    {
        "slug": "neurology",
        "name": "Neurology",
        "description": "Disorders of the brain, spinal cord, nerves and sleep-related movement.",
    },
    {
        "slug": "hematology",
        "name": "Hematology",
        "description": "Blood, iron and vitamin disorders, anemia and bleeding.",
    },
    {
        "slug": "gastroenterology",
        "name": "Gastroenterology",
        "description": "The digestive tract, nutrient absorption, and the drugs that act on it.",
    },
    {
        "slug": "cardiology",
        "name": "Cardiology",
        "description": "The heart and blood vessels, including prevention of heart disease.",
    },
    {
        "slug": "endocrinology",
        "name": "Endocrinology",
        "description": "Diabetes, thyroid and other hormone disorders, and their treatments.",
    },
]

# ``role`` and ``sign_in`` only feed the login table that the command prints.
USERS = [
    {
        "username": "author",
        "first_name": "Maya",
        "last_name": "Lindqvist",
        "email": "author@example.org",
        "group": "Authors",
        "role": "Author (Dr. Maya Lindqvist, MD, medical writer)",
        "sign_in": "/author/",
    },
    {
        "username": "author2",
        "first_name": "Samuel",
        "last_name": "Osei",
        "email": "author2@example.org",
        "group": "Authors",
        "role": "Author (Samuel Osei, PharmD, medical writer)",
        "sign_in": "/author/",
    },
    {
        "username": "reviewer1",
        "first_name": "Priya",
        "last_name": "Raman",
        "email": "reviewer1@example.org",
        "group": "Reviewers",
        "is_staff": True,
        "role": "Board reviewer (neurology)",
        "sign_in": "/admin/",
    },
    {
        "username": "reviewer2",
        "first_name": "Tomás",
        "last_name": "Ferreira",
        "email": "reviewer2@example.org",
        "group": "Reviewers",
        "is_staff": True,
        "role": "Board reviewer (hematology)",
        "sign_in": "/admin/",
    },
    {
        "username": "reviewer3",
        "first_name": "Adaeze",
        "last_name": "Okafor",
        "email": "reviewer3@example.org",
        "group": "Reviewers",
        "is_staff": True,
        "role": "Board reviewer (gastroenterology)",
        "sign_in": "/admin/",
    },
    {
        "username": "chair",
        "first_name": "Helen",
        "last_name": "Marsh",
        "email": "chair@example.org",
        "group": "Board chair",
        "is_staff": True,
        "role": "Board chair (editor)",
        "sign_in": "/admin/",
    },
    {
        "username": "admin",
        "first_name": "",
        "last_name": "",
        "email": "admin@example.org",
        "group": None,
        "is_staff": True,
        "is_superuser": True,
        "role": "Superuser (site administration)",
        "sign_in": "/admin/",
    },
]

BOARD = [
    {
        "username": "reviewer1",
        "display_name": "Dr. Priya Raman",
        "credentials": "MD, Neurology",
        "specialties": ["neurology"],
        "bio": (
            "Dr. Raman is a consultant neurologist who runs a clinic for peripheral nerve "
            "and sleep-related movement disorders. She reviews our articles on neuropathy, "
            "restless legs and headache, and teaches clinical neurology to residents."
        ),
    },
    {
        "username": "reviewer2",
        "display_name": "Dr. Tomás Ferreira",
        "credentials": "MD, PhD, Hematology and Internal Medicine",
        "specialties": ["hematology", "endocrinology"],
        "bio": (
            "Dr. Ferreira trained in internal medicine before specialising in benign "
            "hematology. His research concerns iron metabolism and nutritional anemias, and "
            "he reviews articles on anemia, iron and vitamin deficiencies."
        ),
    },
    {
        "username": "reviewer3",
        "display_name": "Dr. Adaeze Okafor",
        "credentials": "MD, Gastroenterology",
        "specialties": ["gastroenterology"],
        "bio": (
            "Dr. Okafor is a gastroenterologist with a particular interest in celiac disease, "
            "malabsorption and the long-term effects of acid-suppressing drugs. She has sat "
            "on hospital drug and therapeutics committees for ten years."
        ),
    },
    {
        "username": "chair",
        "display_name": "Dr. Helen Marsh",
        "credentials": "MD, MPH, Internal Medicine",
        "specialties": ["cardiology", "endocrinology"],
        "is_chair": True,
        "bio": (
            "Dr. Marsh is a general internist and public-health physician who chairs the "
            "Medical Advisory Board. She assigns each article to reviewers with the right "
            "expertise and no conflict of interest, and signs off every decision."
        ),
    },
]

# Conflict-of-interest declarations (reviewer, and exactly one of topic / author / article).
CONFLICTS = [
    {
        "member": "reviewer3",
        "author": "author2",
        "reason": "Co-wrote a national guideline on medicines review with Samuel Osei in 2023.",
    },
]

POLICY_TEXT = """\
## How our articles are reviewed

Every article answers one clinical question. It is drafted by a named author, who must list
the guidelines and studies behind each statement, and then goes to our **Medical Advisory
Board** for review. Nothing is shown to readers until the board has approved it.

1. **Submitted.** The author sends a finished draft. From that moment the text is frozen: what
   the board reviews is exactly what readers will see, down to a content fingerprint shown at
   the foot of each page.
2. **Under review.** The board chair assigns reviewers whose specialty matches the question.
   Reviewers check every claim against its references, and may approve, ask for changes or
   recommend rejection.
3. **Approved.** An article is published once at least **{quorum} reviewers** have approved it
   and no request for changes is outstanding. The page names the reviewers and the date.

## Keeping articles current

Each approved article is reviewed again every **{re_review_months} months**, sooner for fast-moving
topics or when new evidence appears. A correction or update goes through the same review as a
new article; until it is approved, readers keep seeing the approved version, with a note that an
update is under review.

## Conflicts of interest

Reviewers declare financial and professional interests when they join the board and again for
each assignment. Nobody reviews their own article, an article by a close colleague, or a question
where they have declared a conflict. The chair records the reason for any exception.

## Reporting an error

If you think something on a page is wrong or out of date, use the "Report an error" link on that
page. Reports go to the board chair, are answered within ten working days, and may trigger an
early re-review. Corrections are dated on the page.
"""

# --- The flagship article: approved, seven references. ----------------------------------

B12_ARTICLE = {
    "slug": B12_SLUG,
    "topic": "neurology",
    "authors": ["author"],
    "content": {
        "title": (
            "Can vitamin B12 deficiency cause restless legs syndrome, especially in older "
            "adults or people with gut or nerve conditions?"
        ),
        "summary": (
            "Possibly, but the link is much weaker than for iron. Low vitamin B12 damages "
            "nerves and can produce leg symptoms that resemble restless legs syndrome or "
            "occur alongside it, while evidence that it causes the syndrome itself comes only "
            "from small studies. Iron deficiency remains the nutritional cause with the best "
            "evidence, so check iron studies in everyone and test B12 in anyone with risk "
            "factors or signs of neuropathy."
        ),
        "body": """\
## What the evidence shows

Restless legs syndrome (RLS) is a clinical diagnosis. It needs an urge to move the legs,
usually with unpleasant sensations, that starts or worsens at rest, eases with movement, is
worse in the evening or at night, and is not fully explained by another condition [1].

Among the conditions that travel with RLS, only **iron deficiency** and **chronic kidney
disease** have a consistently raised prevalence in systematic reviews. Evidence for other
associations is weaker, and for vitamin B12 it rests on small observational studies and case
reports rather than on trials [2, 3]. A causal role for B12 is plausible but not established.

## Why B12 deficiency can look like RLS

Vitamin B12 is needed to build and maintain myelin. Deficiency can cause:

- a length-dependent peripheral neuropathy with tingling, burning or numbness in the feet
- damage to the posterior columns of the spinal cord, with poor balance and loss of
  vibration sense
- cognitive and mood changes

Neuropathic leg discomfort is one of the commonest RLS mimics: it is felt at rest and at night,
but it is not relieved by walking, and examination usually shows sensory loss [1, 4]. The two
can also coexist, so a neuropathy does not rule RLS out.

## Who is at risk of low B12

Deficiency is more likely in:

1. adults over 65, because absorption of B12 from food declines with age
2. autoimmune gastritis (pernicious anemia), gastric surgery or ileal resection
3. Crohn's disease affecting the terminal ileum, and other malabsorption
4. long-term metformin
5. two or more years of acid suppression with a proton pump inhibitor or H2 blocker [6]
6. vegan diets without supplements

Neurological damage can appear before any anemia, and the blood count is often normal [4-5].

## Suggested work-up

For every adult with clinically significant RLS:

- **Iron studies**: ferritin and transferrin saturation, drawn in the morning and without iron
  supplements in the previous 24 hours. Iron treatment is advised when ferritin is 75 ng/mL or
  less, or transferrin saturation is below 20% [7].
- **Vitamin B12** when any risk factor above is present or the examination suggests neuropathy.
  If the result is borderline, a raised methylmalonic acid supports true deficiency [4-5].
- Kidney function, and a neurological examination to separate RLS from its mimics [1].

## Treatment

- Correct a confirmed B12 deficiency promptly. Treatment prevents further nerve damage even
  though it may not reverse all of it, and people with neurological symptoms should not wait
  for confirmatory tests before starting [4-5].
- Whether B12 replacement improves RLS itself has not been tested in controlled trials; treat
  the deficiency for its own sake and reassess the leg symptoms afterwards [2-3].
- Replace iron according to the thresholds above, and use the guideline's preferred RLS
  treatments (alpha-2-delta ligands before dopamine agonists) if symptoms persist [7].

## Pitfall

A normal hemoglobin and mean cell volume do not exclude B12 deficiency. In a patient with
night-time leg symptoms and any risk factor, measure B12 rather than inferring it from the blood
count [4-5].
""",
        "patient_body": """\
## The short answer

Low vitamin B12 *might* play a part in restless legs, but doctors are not sure. Low iron is a
much more common cause, and it is easy to test.

## Why B12 matters for your legs

Your nerves need vitamin B12. When it runs low, the nerves in your feet and legs can tingle,
burn or feel numb. This can feel a lot like restless legs, or happen at the same time.

## Who is more likely to run low

- People over 65
- People with stomach or bowel problems, or past stomach surgery
- People who take metformin or stomach-acid medicine for a long time
- People who eat no animal foods and take no supplement

## What you can do

- Ask your doctor to check your **iron** with a morning blood test.
- Ask about a **B12** test too if any of the points above apply to you.
- If a test shows you are low, treatment is simple. Your doctor will tell you what to take.

Do not start iron pills on your own. Too much iron can be harmful.
""",
        "references": [
            {
                "kind": "guideline",
                "title": (
                    "Restless legs syndrome/Willis-Ekbom disease diagnostic criteria: updated "
                    "International Restless Legs Syndrome Study Group (IRLSSG) consensus "
                    "criteria - history, rationale, description, and significance"
                ),
                "source": "Sleep Medicine",
                "year": 2014,
                "doi": "10.1016/j.sleep.2014.03.025",
                "pmid": "25023924",
            },
            {
                "kind": "review",
                "title": "Restless legs syndrome",
                "source": "Nature Reviews Disease Primers",
                "year": 2021,
                "doi": "10.1038/s41572-021-00311-z",
                "pmid": "34732752",
            },
            {
                "kind": "systematic_review",
                "title": (
                    "Restless legs syndrome associated with major diseases: a systematic "
                    "review and new concept"
                ),
                "source": "Neurology",
                "year": 2016,
                "doi": "10.1212/WNL.0000000000002542",
                "pmid": "26944272",
            },
            {
                "kind": "review",
                "title": "Vitamin B12 deficiency",
                "source": "New England Journal of Medicine",
                "year": 2013,
                "doi": "10.1056/NEJMcp1113996",
                "pmid": "23301732",
            },
            {
                "kind": "guideline",
                "title": "Vitamin B12 deficiency in over 16s: diagnosis and management (NG239)",
                "source": "National Institute for Health and Care Excellence (NICE)",
                "year": 2024,
                "url": "https://www.nice.org.uk/guidance/ng239",
            },
            {
                "kind": "research",
                "title": (
                    "Proton pump inhibitor and histamine 2 receptor antagonist use and "
                    "vitamin B12 deficiency"
                ),
                "source": "JAMA",
                "year": 2013,
                "doi": "10.1001/jama.2013.280490",
                "pmid": "24327038",
            },
            {
                "kind": "guideline",
                "title": (
                    "Treatment of restless legs syndrome and periodic limb movement disorder: "
                    "an American Academy of Sleep Medicine clinical practice guideline"
                ),
                "source": "Journal of Clinical Sleep Medicine",
                "year": 2025,
                "doi": "10.5664/jcsm.11390",
                "pmid": "39324694",
            },
        ],
    },
    "steps": [
        {
            "action": "submit",
            "note": "New article. Scope agreed with the chair: adults, secondary causes of RLS.",
        },
        {"action": "assign", "reviewers": ["reviewer1", "reviewer2"]},
        {
            "action": "approve",
            "reviewers": ["reviewer1", "reviewer2"],
            "comment": "Approved by neurology and hematology review; claims match the sources.",
        },
    ],
}

# --- Shared references for the shorter articles. -----------------------------------------

_AASM_2025 = B12_ARTICLE["content"]["references"][6]
_NICE_B12 = B12_ARTICLE["content"]["references"][4]
_STABLER = B12_ARTICLE["content"]["references"][3]
_LAM = B12_ARTICLE["content"]["references"][5]

_IRLSSG_IRON = {
    "kind": "guideline",
    "title": (
        "Evidence-based and consensus clinical practice guidelines for the iron treatment of "
        "restless legs syndrome/Willis-Ekbom disease in adults and children: an IRLSSG task "
        "force report"
    ),
    "source": "Sleep Medicine",
    "year": 2018,
    "doi": "10.1016/j.sleep.2017.11.1126",
    "pmid": "29425576",
}
_COCHRANE_IRON_RLS = {
    "kind": "systematic_review",
    "title": "Iron for the treatment of restless legs syndrome",
    "source": "Cochrane Database of Systematic Reviews",
    "year": 2019,
    "doi": "10.1002/14651858.CD007834.pub3",
}
_AASM_2025_SR = {
    "kind": "systematic_review",
    "title": (
        "Treatment of restless legs syndrome and periodic limb movement disorder: an American "
        "Academy of Sleep Medicine systematic review, meta-analysis, and GRADE assessment"
    ),
    "source": "Journal of Clinical Sleep Medicine",
    "year": 2025,
    "doi": "10.5664/jcsm.11392",
    "pmid": "39324664",
}
_AGA_IDA = {
    "kind": "guideline",
    "title": (
        "AGA clinical practice guidelines on the gastrointestinal evaluation of iron "
        "deficiency anemia"
    ),
    "source": "Gastroenterology",
    "year": 2020,
    "doi": "10.1053/j.gastro.2020.06.046",
    "pmid": "32810434",
}


# --- Approved, with a newer revision under review ("an update is under review"). ---------

_IRON_RLS_BODY = """\
## Why iron matters

Imaging and autopsy studies point to low iron in the brain of people with RLS, even when blood
counts are normal. Blood ferritin is an imperfect but useful marker of that deficit, and
raising it can reduce symptoms [1, 2].

## How to test

- Ferritin and transferrin saturation, drawn in the morning
- No iron-containing supplements for 24 hours beforehand
- Repeat every few months while treating, and whenever symptoms worsen [1]

## When to treat

Guidelines advise iron when ferritin is **75 ng/mL or less** or transferrin saturation is
**below 20%** [1]. Oral ferrous sulfate, taken every other day with vitamin C, is the usual
first step [2]. A Cochrane review found that iron probably improves restlessness and overall
RLS severity compared with placebo [3].
"""

IRON_RLS_ARTICLE = {
    "slug": "iron-testing-restless-legs-syndrome",
    "topic": "hematology",
    "authors": ["author"],
    "content": {
        "title": "Should iron levels be checked in every adult with restless legs syndrome?",
        "summary": (
            "Yes. Low iron in the brain is central to restless legs syndrome, and blood iron "
            "tests guide treatment even when hemoglobin is normal. Measure ferritin and "
            "transferrin saturation in the morning, and offer iron when ferritin is 75 ng/mL or "
            "less or transferrin saturation is below 20%."
        ),
        "body": _IRON_RLS_BODY,
        "patient_body": """\
Low iron is the most common thing that makes restless legs worse. A simple morning blood test
shows your iron level. If it is low, iron tablets can help. Take them only if your doctor
says so.
""",
        "references": [_AASM_2025, _IRLSSG_IRON, _COCHRANE_IRON_RLS],
    },
    "steps": [
        {"action": "submit", "note": "Companion piece to the B12 article."},
        {"action": "assign", "reviewers": ["reviewer2", "reviewer1"]},
        {"action": "approve", "reviewers": ["reviewer2", "reviewer1"]},
        {
            "action": "revise",
            "changes": {
                "body": _IRON_RLS_BODY
                + """\

## When to choose intravenous iron

Intravenous iron, of which ferric carboxymaltose is the best studied, acts faster and does not
depend on absorption. Consider it when oral iron is not tolerated, fails to raise ferritin
after about three months, or when absorption is impaired; guidelines allow it at somewhat
higher ferritin levels than oral iron [1, 2, 4].
""",
                "references": [
                    _AASM_2025,
                    _IRLSSG_IRON,
                    _COCHRANE_IRON_RLS,
                    _AASM_2025_SR,
                ],
            },
        },
        {"action": "submit", "note": "Update: adds when to choose intravenous iron."},
        # Open work in the queues: reviewer2 is on it, reviewers 1 and 3 are invited.
        {
            "action": "assign",
            "reviewers": ["reviewer2", "reviewer1", "reviewer3"],
            "accept": ["reviewer2"],
        },
    ],
}

# --- Approved after a round of changes (changes requested, then resubmitted). ------------

PPI_ARTICLE = {
    "slug": "acid-suppressants-vitamin-b12-deficiency",
    "topic": "gastroenterology",
    "authors": ["author"],
    "content": {
        "title": "Does long-term use of proton pump inhibitors cause vitamin B12 deficiency?",
        "summary": (
            "Proton pump inhibitors cause vitamin B12 deficiency after two years of use, "
            "so everyone taking them should have yearly B12 tests."
        ),
        "body": """\
## The evidence

Stomach acid frees vitamin B12 from food proteins. Proton pump inhibitors (PPIs) remove that
acid, and a large study showed that two or more years of PPI use causes B12 deficiency [1].

## What to do

Check B12 every year in anyone taking a PPI [2].
""",
        "patient_body": "",
        "references": [_LAM, _STABLER],
    },
    "steps": [
        {"action": "submit"},
        {"action": "assign", "reviewers": ["reviewer3", "reviewer2"]},
        {
            "action": "request_changes",
            "reviewer": "reviewer3",
            "comment": (
                "The cited study is a case-control study: it shows an association, not "
                "causation, so please reword the summary and body. It also found a smaller "
                "association with H2 blockers, worth mentioning. Yearly testing of everyone "
                "is not what the sources recommend; describe testing based on symptoms and "
                "risk factors instead."
            ),
        },
        {
            "action": "revise",
            "changes": {
                "summary": (
                    "Long-term acid suppression is linked to a higher risk of vitamin B12 "
                    "deficiency, but it is an association rather than a proven cause. Keep "
                    "PPIs to people who need them, and test B12 when there are symptoms or "
                    "other risk factors such as older age or metformin use."
                ),
                "body": """\
## The evidence

Stomach acid frees vitamin B12 from the proteins in food. In a case-control study of more than
25,000 people with B12 deficiency, two or more years of proton pump inhibitor (PPI) use was
associated with about 65% higher odds of deficiency, and H2 blockers with a smaller rise. The
association was stronger at higher doses and weakened after the drugs were stopped [1].

Because the study was observational, it cannot prove that the drugs caused the deficiency [1].

## What to do

- Review whether long-term acid suppression is still needed.
- Test B12 when there are symptoms such as neuropathy, unexplained anemia or memory problems,
  or when other risk factors add up, for example age over 65 or metformin [2, 3].
- Routine testing of everyone taking a PPI is not recommended [3].
""",
                "patient_body": """\
Medicines that lower stomach acid, taken for years, are linked to low vitamin B12. If you take
one and notice tingling feet, tiredness or memory trouble, ask your doctor about a B12 test.
Do not stop your medicine without talking to your doctor first.
""",
                "references": [_LAM, _STABLER, _NICE_B12],
            },
        },
        {"action": "resubmit", "note": "Reworded as an association; testing now risk-based."},
        {"action": "assign", "reviewers": ["reviewer3", "reviewer2"]},
        {"action": "approve", "reviewers": ["reviewer3", "reviewer2"]},
    ],
}

# --- One article in each remaining state. ------------------------------------------------

CELIAC_ARTICLE = {  # submitted, waiting for the chair
    "slug": "celiac-disease-iron-b12-testing",
    "topic": "gastroenterology",
    "authors": ["author"],
    "content": {
        "title": (
            "Should adults newly diagnosed with celiac disease be tested for iron and "
            "vitamin B12 deficiency?"
        ),
        "summary": (
            "Yes. Celiac disease damages the part of the gut that absorbs iron, and deficiency "
            "is common at diagnosis. Guidelines advise checking iron and other micronutrients, "
            "including B12, when celiac disease is found."
        ),
        "body": """\
## Why deficiencies are common

Celiac disease flattens the villi of the duodenum, where most dietary iron is absorbed. Iron
deficiency, with or without anemia, is one of the commonest ways the disease comes to light [1].

## What to check at diagnosis

- Ferritin and a full blood count
- Folate and vitamin B12
- Vitamin D, and zinc and copper where the picture suggests it [1]

## The other direction

Adults with unexplained iron deficiency anemia should be tested for celiac disease with blood
serology before or alongside endoscopy [2]. B12 deficiency with no obvious cause is another
reason to consider malabsorption [3].
""",
        "patient_body": """\
Celiac disease can stop your gut from taking in iron and some vitamins. When you are
diagnosed, your doctor should check your iron and vitamin levels with a blood test.
""",
        "references": [
            {
                "kind": "guideline",
                "title": (
                    "American College of Gastroenterology guidelines update: diagnosis and "
                    "management of celiac disease"
                ),
                "source": "American Journal of Gastroenterology",
                "year": 2023,
                "doi": "10.14309/ajg.0000000000002075",
                "pmid": "36602836",
            },
            _AGA_IDA,
            _NICE_B12,
        ],
    },
    "steps": [{"action": "submit", "note": "Reviewer with gastroenterology background, please."}],
}

METFORMIN_ARTICLE = {  # under review
    "slug": "metformin-vitamin-b12-deficiency",
    "topic": "endocrinology",
    "authors": ["author", "author2"],
    "content": {
        "title": "Does long-term metformin use lower vitamin B12 levels?",
        "summary": (
            "Yes. Metformin reduces B12 absorption, and the effect grows with years of use. "
            "Diabetes guidelines advise measuring B12 from time to time in people on long-term "
            "metformin, especially if they have neuropathy."
        ),
        "body": """\
## The evidence

In a randomised trial lasting about four years, people with type 2 diabetes taking metformin
had lower B12 levels than those on placebo, and the gap widened over time [1]. In the long-term
follow-up of the Diabetes Prevention Program, low B12 was more common with metformin than with
placebo after five years (4.3% against 2.3%) [2].

## What guidelines advise

- Measure B12 periodically in people on long-term metformin [3].
- Test sooner if there is peripheral neuropathy or anemia, because B12 deficiency can worsen
  or mimic diabetic neuropathy [3].
""",
        "patient_body": """\
Metformin is a safe and useful diabetes medicine, but over years it can lower your vitamin
B12. Ask your doctor whether you should have a B12 blood test, especially if your feet tingle
or feel numb.
""",
        "references": [
            {
                "kind": "research",
                "title": (
                    "Long term treatment with metformin in patients with type 2 diabetes and "
                    "risk of vitamin B-12 deficiency: randomised placebo controlled trial"
                ),
                "source": "BMJ",
                "year": 2010,
                "doi": "10.1136/bmj.c2181",
                "pmid": "20488910",
            },
            {
                "kind": "research",
                "title": (
                    "Long-term metformin use and vitamin B12 deficiency in the Diabetes "
                    "Prevention Program Outcomes Study"
                ),
                "source": "Journal of Clinical Endocrinology & Metabolism",
                "year": 2016,
                "doi": "10.1210/jc.2015-3754",
                "pmid": "26900641",
            },
            {
                "kind": "guideline",
                "title": (
                    "9. Pharmacologic approaches to glycemic treatment: Standards of Care in "
                    "Diabetes - 2025"
                ),
                "source": "Diabetes Care (American Diabetes Association)",
                "year": 2025,
                "doi": "10.2337/dc25-S009",
            },
        ],
    },
    "steps": [
        {"action": "submit"},
        # reviewer2's review is overdue (for the reminders and the chair's overdue list);
        # the chair, an endocrinologist too, has not answered the invitation yet.
        {
            "action": "assign",
            "reviewers": ["reviewer2", "chair"],
            "accept": ["reviewer2"],
            "overdue_days": 3,
        },
    ],
}

FERRITIN_ARTICLE = {  # changes requested
    "slug": "ferritin-threshold-iron-deficiency",
    "topic": "hematology",
    "authors": ["author"],
    "content": {
        "title": "What ferritin level confirms iron deficiency in adults?",
        "summary": (
            "A ferritin below 45 ng/mL makes iron deficiency very likely in adults, and a value "
            "below 30 ng/mL is close to diagnostic."
        ),
        "body": """\
## Thresholds

Ferritin reflects the body's iron stores. Below 30 ng/mL, iron deficiency is almost certain;
gastroenterology guidelines use 45 ng/mL as the cut-off for investigating anemia, because it
catches more true cases at little cost in specificity [2].

## Practical use

- Measure ferritin with a full blood count.
- If ferritin is low, look for the cause, starting with blood loss [1].
""",
        "patient_body": "",
        "references": [
            _AGA_IDA,
            {
                "kind": "review",
                "title": "Iron-deficiency anemia",
                "source": "New England Journal of Medicine",
                "year": 2015,
                "doi": "10.1056/NEJMra1401038",
                "pmid": "25946282",
            },
        ],
    },
    "steps": [
        {"action": "submit"},
        {"action": "assign", "reviewers": ["reviewer2", "reviewer1"]},
        {
            "action": "request_changes",
            "reviewer": "reviewer2",
            "comment": (
                "Two points before this can go out. (1) Ferritin rises with inflammation, "
                "infection, liver disease and kidney disease; please explain that a 'normal' "
                "ferritin does not exclude deficiency in those settings and say how transferrin "
                "saturation helps. (2) The 45 ng/mL threshold comes from the AGA guideline, "
                "reference 1, not from reference 2; please fix the citation."
            ),
        },
    ],
}

GINKGO_ARTICLE = {  # rejected
    "slug": "ginkgo-biloba-dementia-prevention",
    "topic": "neurology",
    "authors": ["author2", "author"],
    "content": {
        "title": "Can ginkgo biloba supplements prevent dementia?",
        "summary": (
            "Ginkgo biloba may offer some protection against memory decline and is a "
            "reasonable option for older adults who want to lower their risk of dementia."
        ),
        "body": """\
## Background

Ginkgo biloba extract is one of the most widely used supplements for memory. Two large trials
have tested whether it prevents dementia [1, 2].

## Our view

Some people report feeling sharper on ginkgo, and it is generally well tolerated, so it may be
worth trying [1].
""",
        "patient_body": "",
        "references": [
            {
                "kind": "research",
                "title": "Ginkgo biloba for prevention of dementia: a randomized controlled trial",
                "source": "JAMA",
                "year": 2008,
                "doi": "10.1001/jama.2008.683",
                "pmid": "19017911",
            },
            {
                "kind": "research",
                "title": (
                    "Long-term use of standardised ginkgo biloba extract for the prevention of "
                    "Alzheimer's disease (GuidAge): a randomised placebo-controlled trial"
                ),
                "source": "The Lancet Neurology",
                "year": 2012,
                "doi": "10.1016/S1474-4422(12)70206-5",
                "pmid": "22959217",
            },
        ],
    },
    "steps": [
        {"action": "submit"},
        {"action": "assign", "reviewers": ["reviewer1", "reviewer2"]},
        {
            "action": "reject",
            "reviewer": "reviewer1",
            "comment": (
                "Not approved. Both cited trials found that ginkgo did not reduce the rate of "
                "dementia or Alzheimer's disease, yet the summary recommends it. The "
                "conclusion contradicts the evidence it cites. A new article that reports the "
                "negative trials plainly would be welcome."
            ),
        },
    ],
}

ASPIRIN_ARTICLE = {  # withdrawn by the author
    "slug": "aspirin-primary-prevention-over-70",
    "topic": "cardiology",
    "authors": ["author", "author2"],
    "content": {
        "title": (
            "Should adults over 70 take daily low-dose aspirin to prevent a first heart attack "
            "or stroke?"
        ),
        "summary": (
            "Generally no. In healthy older adults, daily low-dose aspirin did not prevent "
            "cardiovascular events and increased major bleeding. Aspirin remains important "
            "for people who have already had a heart attack or stroke."
        ),
        "body": """\
## The evidence

A trial of more than 19,000 healthy adults aged 70 and over found that 100 mg of aspirin a day
did not lower the rate of cardiovascular disease over about five years, while major bleeding
became more common [1].

## Recommendations

The US Preventive Services Task Force advises against starting aspirin for primary prevention
at age 60 or older [2]. This does not apply to people taking aspirin after a heart attack,
stroke or stent, who should not stop without advice.
""",
        "patient_body": "",
        "references": [
            {
                "kind": "research",
                "title": (
                    "Effect of aspirin on cardiovascular events and bleeding in the healthy elderly"
                ),
                "source": "New England Journal of Medicine",
                "year": 2018,
                "doi": "10.1056/NEJMoa1805819",
                "pmid": "30221597",
            },
            {
                "kind": "guideline",
                "title": (
                    "Aspirin use to prevent cardiovascular disease: US Preventive Services Task "
                    "Force recommendation statement"
                ),
                "source": "JAMA",
                "year": 2022,
                "doi": "10.1001/jama.2022.4983",
                "pmid": "35471505",
            },
        ],
    },
    "steps": [
        {"action": "submit"},
        {"action": "assign", "reviewers": ["reviewer2"]},
        {
            "action": "withdraw",
            "comment": (
                "Withdrawn by the author, to be merged into a broader article on aspirin for "
                "primary prevention at all ages."
            ),
        },
    ],
}

MAGNESIUM_ARTICLE = {  # a draft, never submitted
    "slug": "magnesium-nocturnal-leg-cramps",
    "topic": "neurology",
    "authors": ["author", "author2"],
    "content": {
        "title": "Does magnesium help nocturnal leg cramps in older adults?",
        "summary": (
            "Probably not. In older adults with ordinary night-time leg cramps, magnesium "
            "supplements have not been shown to reduce how often cramps occur."
        ),
        "body": """\
## The evidence

A Cochrane review of randomised trials found that magnesium is unlikely to provide a meaningful
reduction in cramps for older adults with idiopathic cramps; evidence in pregnancy is mixed [1].

## Alternatives

Quinine reduces cramps but is no longer advised for routine use because of rare, serious
harms [2]. Regular calf stretching is harmless and worth trying.
""",
        "patient_body": "",
        "references": [
            {
                "kind": "systematic_review",
                "title": "Magnesium for skeletal muscle cramps",
                "source": "Cochrane Database of Systematic Reviews",
                "year": 2020,
                "doi": "10.1002/14651858.CD009402.pub3",
                "pmid": "32956536",
            },
            {
                "kind": "guideline",
                "title": (
                    "Assessment: symptomatic treatment for muscle cramps (an evidence-based "
                    "review): report of the Therapeutics and Technology Assessment Subcommittee "
                    "of the American Academy of Neurology"
                ),
                "source": "Neurology",
                "year": 2010,
            },
        ],
    },
    "steps": [],
}

ARTICLES = [
    B12_ARTICLE,
    IRON_RLS_ARTICLE,
    PPI_ARTICLE,
    CELIAC_ARTICLE,
    METFORMIN_ARTICLE,
    FERRITIN_ARTICLE,
    GINKGO_ARTICLE,
    ASPIRIN_ARTICLE,
    MAGNESIUM_ARTICLE,
]

# (article, related article, position): shown under "Related questions".
RELATED_QUESTIONS = [
    (B12_SLUG, "iron-testing-restless-legs-syndrome", 1),
    (B12_SLUG, "acid-suppressants-vitamin-b12-deficiency", 2),
    ("iron-testing-restless-legs-syndrome", B12_SLUG, 1),
    ("acid-suppressants-vitamin-b12-deficiency", B12_SLUG, 1),
]
