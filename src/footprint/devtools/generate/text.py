"""Names and free text for the generated records.

The text is what a case management system really holds: commas, quotes,
line breaks, curly apostrophes, Welsh and other non-ASCII names. Which
sentences carry the audit's missing keywords is deliberate: routine notes
never do (a stray keyword would silently turn activity into a footprint),
footprint texts always do unless the note is linked to its episode, and the
distractors ("Rhian", "absent from school", "missed school") sit where the
rules must not be fooled by them.

Templates use `str.format` fields: {c} child's first name, {sw} social worker,
{carer}, {school}, {place}, {gm}, {date} (DD/MM/YYYY), {time} (HH:MM),
{n} a count, {review} the next review date.
"""

from __future__ import annotations

# --- names --------------------------------------------------------------------

BOYS = (
    "Oliver", "Jack", "Harry", "Charlie", "Thomas", "Dafydd", "Gethin", "Rhys", "Osian",
    "Llŷr", "Aneurin", "Callum", "Kai", "Tyler", "Mason", "Jayden", "Kacper", "José",
    "Mohammed", "Ibrahim", "Seán", "Cian", "Tomás", "Reece", "Liam", "Noah", "Leo",
    "Owain", "Iwan", "Dylan", "Bartosz", "Dominik", "Ayaan", "Kofi", "Tobi", "Aarav",
    "Ioan", "Morgan", "Riley", "Alfie", "Logan", "Jordan", "Zack", "Ryan", "Bradley",
)
GIRLS = (
    "Siân", "Rhian", "Cerys", "Ffion", "Efa", "Seren", "Megan", "Chloé", "Zoë", "Renée",
    "Anaïs", "Aoife", "Niamh", "Ellie", "Amelia", "Olivia", "Lily", "Mia", "Jessica",
    "Leah", "Maja", "Zuzanna", "Amira", "Fatima", "Nia", "Gwenllian", "Carys", "Elin",
    "Lowri", "Mali", "Tegan", "Kayleigh", "Shannon", "Courtney", "Demi", "Jade", "Ruby",
)
SURNAMES = (
    "Jones", "Williams", "Davies", "Evans", "Thomas", "Roberts", "Lewis", "Hughes",
    "Morgan", "Griffiths", "Price", "Rees", "O’Brien", "O’Neill", "D'Souza", "Smith",
    "Brown", "Taylor", "Wilson", "ap Rhys", "Llywelyn", "Nowak", "Kowalski", "Ahmed",
    "Khan", "Begum", "Okafor", "Mensah", "Murphy", "Kelly", "Clarke", "Wright", "Walker",
    "Hall", "Green", "Baker", "Jenkins", "Powell", "Pritchard", "Bevan", "Vaughan",
    "Parry", "Owen", "Ellis", "Watkins", "Phillips", "Edwards", "Lloyd", "James",
    "Harris", "Martin", "Jackson", "Ó Súilleabháin", "Müller", "Lefèvre", "Gruffydd",
    "Meredith", "Prosser", "Bowen", "Pugh", "Howells", "Tudor", "Lee-Chapman",
    "Smith-Jones", "Nguyen", "Patel", "Kaur", "Singh", "Dąbrowski", "Popescu",
)
ADULT_FIRST = (
    "Rhian", "Gareth", "Helen", "Sarah", "Emma", "Catrin", "Bethan", "Alun", "Mark",
    "Nicola", "Claire", "Rachel", "Sioned", "Huw", "Gwyn", "Angharad", "Delyth", "Eirlys",
    "Dawn", "Andrew", "Paul", "Joanne", "Louise", "Kirsty", "Geraint", "Ceri", "Non",
    "Wyn", "Marie-Claire", "Chidi", "Ngozi", "Agnieszka", "Priya", "Imran", "Zainab",
    "Ffion", "Siân", "Rhodri", "Iestyn", "Carwyn", "Nerys", "Glenys", "Michelle", "Lisa",
)
CARERS = (
    "Mrs O’Neill", "Mr and Mrs Davies", "Rhian and Steve (foster carers)",
    "the staff at Tŷ Gwyn children’s home", "the staff at Oakfield House",
    "Mrs Pritchard", "the key worker at Maple Lodge", "Mr Okafor", "Ms Kowalski",
    "Sioned and Gareth (kinship carers)", "the staff at Bryn Hafod", "Mrs Begum",
)
SCHOOLS = (
    "Ysgol Gyfun Gŵyr", "St Joseph’s RC High", "Millbrook Academy", "Ysgol Bro Dinefwr",
    "Cathays High School", "Heolddu Comprehensive", "the pupil referral unit",
    "Coleg Gwent (Crosskeys campus)", "Bishop Hedley High", "Rhydfelen",
)
PLACES = (
    "a friend’s flat in Splott", "the town centre", "McDonald’s on the high street",
    "the retail park", "Newport bus station", "an address in Swansea", "Crewe station",
    "a park near the placement", "his/her mother’s address", "a house party in Bristol",
    "the beach at Barry Island", "a café near the station",
)
AREAS = (
    "North", "South", "East", "West", "Central", "Valleys", "Coast", "City", "Vale",
    "Borders", "Docks", "Uplands", "Riverside", "Marches", "Moorland", "Estuary",
)

# DfE ethnicity codes with rough shares among children looked after; "" = not recorded.
ETHNICITY = (
    ("WBRI", 660), ("WIRI", 5), ("WIRT", 3), ("WOTH", 45), ("WROM", 6), ("MWBC", 40),
    ("MWBA", 15), ("MWAS", 12), ("MOTH", 35), ("AIND", 6), ("APKN", 12), ("ABAN", 6),
    ("AOTH", 12), ("BCRB", 12), ("BAFR", 30), ("BOTH", 12), ("CHNE", 2), ("OOTH", 35),
    ("REFU", 8), ("NOBT", 14), ("", 30),
)

# --- routine case notes (never a missing keyword) -------------------------------

ROUTINE = {
    "STVL": (
        ("Statutory visit to {c}", "Statutory visit – {c}", "CLA statutory visit", "Visit to placement"),
        (
            "Visited {c} at placement; seen alone in {c}’s bedroom, which was clean and personalised.",
            "{c} said: \"I like it here, but I want more time on my phone.\"",
            "Discussed school, friendships and contact with mum, which {c} says is going well.",
            "{carer} reported that {c} has settled, although bedtimes remain a battle.",
            "{c} showed me a drawing of the family dog, Bobi, and talked about Christmas plans.",
            "Wishes and feelings: {c} wants to stay in placement, see siblings more often, and do boxing.",
            "Actions:\n- SW to chase the PEP\n- carer to book dental check\n- next visit in 6 weeks",
            "No concerns noted about the placement; home conditions good.",
            "{c} was quiet today, said school was \"boring, as usual\" and that a friend had fallen out with them.",
        ),
    ),
    "HVIS": (
        ("Home visit", "Home visit – carers", "Unannounced visit", "Visit to {carer}"),
        (
            "Home visit to {carer}; {c} was at home and spoke briefly with me.",
            "Carers raised pocket money (£10 a week) and the phone contract; agreed a plan.",
            "Discussed the supervision arrangements for contact, which take place in a café in town.",
            "{carer} asked for respite over half term; will raise with the fostering team.",
            "House was warm, tidy, food in the cupboards; {c}’s room needs a new bed.",
            "Talked about routines, screen time, and how {c} is getting on with the other young people.",
        ),
    ),
    "DRCT": (
        ("Direct work session", "Direct work – life story", "Direct work with {c}", "Life story work"),
        (
            "Direct work session using the three houses tool: worries, good things, dreams.",
            "Life story work: looked at photos from primary school; {c} was engaged for 40 minutes.",
            "Completed the \"All About Me\" booklet together; {c} chose the colours and the stickers.",
            "{c} talked about feeling different from friends, and about wanting to be \"normal\".",
            "Worked on a safety plan for social media: who to trust, privacy settings, blocking.",
            "We went for a walk and got a hot chocolate; {c} opened up about life before care.",
        ),
    ),
    "TELC": (
        ("Telephone call", "Call with {carer}", "Call with school", "Phone call – {c}"),
        (
            "Call with {carer}: {c} is well, attending school, and looking forward to the trip.",
            "Spoke to the designated teacher at {school}; attendance is 92%, concerns about maths.",
            "Call from mum asking for extra contact on her birthday; I said I would check with my manager.",
            "Telephone call with the health visitor re: immunisations; all up to date.",
            "Left a voicemail for dad; no reply. Will try again tomorrow.",
            "{c} rang to ask about the bus pass; I have ordered it.",
        ),
    ),
    "CORR": (
        ("Email", "Email – placement", "Correspondence", "Letter to family"),
        (
            "Email to {carer} confirming the contact schedule for the next month.",
            "Email from {school}: {c} has a detention on Thursday, for lateness.",
            "Letter sent to mum with the date of the next review, in Welsh and English.",
            "Email to the placement team re: the placement plan, \"to be updated by Friday\".",
            "Forwarded the GP letter to the LAC nurse; no action needed.",
        ),
    ),
    "SUPV": (
        ("Supervision", "Management oversight", "Case supervision", "Manager’s oversight"),
        (
            "Case discussed in supervision; care plan remains appropriate.",
            "Management oversight: the plan is progressing, PEP and health assessment are in date.",
            "Supervision: reflected on the relationship with mum; agreed to increase contact, supervised.",
            "Actions agreed:\n1. update chronology\n2. request a CAMHS consultation\n3. review in 4 weeks",
        ),
    ),
    "PLAN": (
        ("Care planning meeting", "Placement planning meeting", "Care plan review"),
        (
            "Placement planning meeting held at the placement; {carer}, SW, and {c} attended.",
            "Care plan updated: long-term fostering; contact with siblings monthly.",
            "Agreed the plan for the summer holidays, including a week in Tenby with the carers.",
        ),
    ),
    "EDUC": (
        ("PEP meeting", "Education – PEP", "School meeting"),
        (
            "PEP meeting at {school}; targets set for English and maths, and a mentor agreed.",
            "{c} was absent from school for two days with a cold; the school was informed.",
            "{c} missed school on Monday for a medical appointment.",
            "Attendance 87% this term, improving; the Virtual School will fund tutoring.",
            "Designated teacher reports {c} is \"trying hard, but easily distracted\".",
        ),
    ),
    "HLTH": (
        ("Health assessment", "Review health assessment", "LAC nurse"),
        (
            "Review health assessment completed by the LAC nurse; no concerns.",
            "Dental check done; optician appointment booked for the 14th.",
            "Health: immunisations up to date, weight within normal range.",
        ),
    ),
    "CASE": (
        ("Case note", "General note", "Update"),
        (
            "Update on the case: no change to the plan.",
            "Chronology updated to end of month.",
            "Discussed the case with the team manager; plan agreed.",
        ),
    ),
}

# The IRO's routine monitoring: activity, never about a missing episode.
IRO_ROUTINE = (
    ("IRO monitoring", "Midway review check", "IRO oversight – care plan", "IRO monitoring of the plan"),
    (
        "Midway check on the recommendations of the last review: the PEP has been updated.",
        "Spoke with {sw} about the care plan; contact arrangements are working and need no change.",
        "Read the recent visit records; {c} appears settled. No issues to escalate.",
        "Checked the progress of the actions from the review: dental check done, life story work started.",
        "IRO monitoring: the permanence plan is on track; the next review is booked.",
        "Discussed with {sw} the delay in the health assessment; agreed to escalate if not done by the 20th.",
    ),
)

# Text appended when a note is corrected: never a keyword.
AMENDMENTS = (
    "\n[Amended: corrected the date of the visit.]",
    "\n[Amended to correct a typing error.]",
    "\n(Updated after speaking with the carer.)",
    "\n[Record amended by author – wrong child’s initials.]",
)

# --- missing-episode notes by others (not the IRO) ------------------------------

SW_MISSING = (
    ("Missing from care", "Missing episode", "Reported missing", "Missing – {date}"),
    (
        "{carer} reported {c} missing at {time}; police informed and a reference number given.",
        "{c} was found at {place} and returned to placement by police.",
        "Return home interview to be offered by the RHI service.",
        "{c} was absent without permission from {time}; carers checked the usual places.",
        "Philomena Protocol profile shared with police.",
        "{c}’s whereabouts unknown overnight; the EDT social worker was informed.",
    ),
)
RHI_NOTE = (
    ("Return home interview", "RHI completed", "Return home interview – {c}"),
    (
        "Return home interview completed with {c} at school, in a quiet room.",
        "{c} said they went to {place} with friends, and \"didn’t think anyone would mind\".",
        "No disclosures of harm; {c} agreed to share their location next time.",
        "Push and pull factors discussed: boredom at placement, friends in town, a new \"boyfriend\".",
    ),
)
STRATEGY_NOTE = (
    ("Missing intervention meeting", "MIM", "Strategy discussion"),
    (
        "Missing intervention meeting held: police, school, SW, carers, and Get Safe attended.",
        "{n} missing episodes in the last month; pattern of going to the same address.",
        "Actions: Philomena Protocol updated, disruption notice considered, Get Safe referral.",
        "The group agreed the risk is high; safety plan reviewed with {c}.",
    ),
)
SW_MENTIONS_IRO = (
    ("Call with IRO", "Discussion with IRO", "IRO call"),
    (
        "Telephone call with the IRO: discussed the recent missing episodes and the safety plan.",
        "The IRO called for an update; we talked about {c}’s missing episodes and the Get Safe work.",
    ),
)

# --- the IRO's responses to a missing notification -------------------------------

FOOTPRINT = (
    (
        "IRO oversight – missing notification", "Missing notification received",
        "IRO footprint – missing episode {date}", "Missing episode {date}", "IRO oversight",
    ),
    (
        "Missing notification received from {gm} at {time}; I have read the missing report.",
        "Spoke with {sw}: {c} was found at {place} and has returned to placement.",
        "Return home interview offered; I will read it when completed.",
        "Read the notes of the missing intervention meeting; the actions are appropriate.",
        "{c} was missing overnight; police were informed promptly and the Philomena profile was up to date.",
        "I am satisfied the missing episode was well managed, but I have asked {sw} to review the safety plan.",
        "Reviewed the RHI: {c} said they were with friends, \"just chilling\"; no disclosures.",
        "Whereabouts unknown for 9 hours; I will monitor and consider bringing the review forward.",
    ),
)
# Linked to its episode in the source, so it need not use a keyword to count.
FOOTPRINT_LINKED = (
    ("IRO oversight", "Notification received", "IRO oversight – notification {date}"),
    (
        "Notification received from {gm} and read.",
        "Spoke with {sw}; {c} is back at placement and safe. Actions agreed are appropriate.",
        "Safety plan reviewed; I will follow up at the next review on {review}.",
    ),
)
# The same note before it is rewritten: no keyword, no link.
PLACEHOLDER = (
    ("IRO note", "Notification", "IRO – follow up"),
    (
        "Notification received. I will speak with {sw} and update this record.",
        "Email from {gm} read; to follow up with the team.",
    ),
)
REWRITE = (
    "\n\nUpdate: spoke with {sw} about the missing episode on {date}; RHI completed, safety plan updated.",
    "\n\nAdded later: {c} was missing from {time}; I have read the missing report and I am satisfied with the response.",
)
LATE_WRITEUP = (
    ("IRO discussion with SW", "Discussion with {sw}", "IRO – catch-up with SW"),
    (
        "Writing up my regular call with {sw} last week: we discussed {c}’s missing episodes.",
        "The missing episode on {date} was discussed; RHI completed, no further action.",
        "{sw} confirmed the missing report had been shared with police and Get Safe.",
    ),
)
VISIT_CHILD = (
    ("IRO visit to {c}", "IRO visit", "Visit to young person"),
    (
        "Visited {c} at placement, as arranged after the notification.",
        "We discussed the recent missing episodes; {c} said: \"I just needed space, I was fine\".",
        "{c} agreed to talk to {carer} before going out, and to keep the phone on.",
        "I explained my role again and {c} asked whether the review could be held at school.",
    ),
)
REVIEW_CALL = (
    ("CLA review preparation", "Call with {sw} re: review", "Review preparation"),
    (
        "Telephone call with {sw} about {c}’s CLA review on {review}.",
        "Discussed who should attend, the consultation forms, and the venue (school, not the office).",
        "Agreed the review will look at the care plan, contact, and education.",
    ),
)
OTHER_RISKS = (
    ("Discussion with {sw}", "IRO call with SW", "Discharge planning"),
    (
        "Spoke with {sw} about other risks: online safety, a new friendship group, and vaping.",
        "Discussed the discharge plan and the timescale for revoking the care order.",
        "Agreed a professionals’ meeting in two weeks about placement stability.",
    ),
)
RHIAN_NOTE = (
    ("Call with Rhian", "Contact arrangements", "Call with carer"),
    (
        "Spoke with Rhian, {c}’s foster carer, about contact at half term.",
        "Rhian said {c} is \"much more settled\" and enjoying rugby on Saturdays.",
        "Agreed Rhian will bring {c} to the review on {review}.",
    ),
)
ABSENT_SCHOOL = (
    ("School attendance", "Education concerns", "Call with school"),
    (
        "{c} was absent from school on Monday and Tuesday; the designated teacher has been informed.",
        "Agreed with {sw} that the PEP will be brought forward to look at attendance.",
        "No other concerns raised by {school}.",
    ),
)
OTHER_EPISODE = (
    ("IRO oversight – earlier episode", "RHI follow-up", "Follow-up: missing episode {other}"),
    (
        "Follow-up on the missing episode of {other}: the return home interview is now on file.",
        "Read the RHI; no new concerns. The safety plan agreed then still applies.",
    ),
)
LONG_MISSING = (
    ("IRO oversight – still missing", "Missing – monthly oversight", "IRO monitoring – missing since {since}"),
    (
        "Further missing notification received: {c} has been missing since {since}.",
        "Whereabouts unknown; police continue to lead and the Philomena profile is updated monthly.",
        "Strategy meeting held this week; I attended and agreed the actions.",
        "Virtual review held in {c}’s absence; the care plan is reviewed monthly while {c} is missing.",
        "I am satisfied that all appropriate action is being taken; I will continue to monitor.",
    ),
)

# --- CLA review summaries --------------------------------------------------------

REVIEW_PLAIN = (
    "Review held at {school}. {c} attended, with {carer} and {sw}.",
    "The care plan remains appropriate; long-term fostering is the plan.",
    "Recommendations: 1. PEP to be updated; 2. life story work to continue; 3. sibling contact monthly.",
    "{c} said: \"I want to stay here until I’m 18\".",
    "Health assessment and dental check are in date.",
    "Education: attendance is good; {c} has joined the school choir, and the football team.",
)
REVIEW_MISSING = (
    "The review discussed {n} missing episodes since the last review, in detail.",
    "Return home interviews have been offered after each missing episode; {c} accepted some of them.",
    "{c} is open to Get Safe; the risk of exploitation was discussed with police present.",
    "Recommendation: the missing intervention meeting to continue every 4 weeks.",
    "The IRO will monitor the missing episodes monthly until the next review.",
)
REVIEW_VIRTUAL = (
    "Virtual review held in {c}’s absence; {c} has been missing since {since}.",
    "Whereabouts unknown; police and the exploitation team continue to search.",
    "All appropriate actions are in place; reviews will be held monthly while {c} is missing.",
)
REVIEW_CANCELLED = (
    "Review cancelled: {c} unwell; to be rebooked.",
    "Cancelled – the social worker was off sick. Rebooked within 20 working days.",
    "Cancelled at short notice, the venue was unavailable.",
)
