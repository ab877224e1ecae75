"""The population model: workers, children, and everything on a child's record.

Each child is simulated on its own `random.Random`, seeded from the run's seed
and the child's index, so a child's record does not depend on how many
children come before it and the run streams one child at a time (the
`england` preset never holds more than one child's records in memory).
Decisions that span children (the workforce, which children carry the
showcase scenarios) use one `Random(seed)` drawn in a fixed order.

Every row is produced as a list of *versions* (tuples in contract column
order, `modified_at` and `is_deleted` last): the writer picks, for each
night, the version current at that night's `produced_at`.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from bisect import bisect_right
from dataclasses import dataclass, field

from footprint.devtools.generate import text as tx
from footprint.devtools.generate.clock import (
    DAY,
    HOUR,
    MINUTE,
    WORK_END,
    WORK_START,
    YEAR,
    Calendar,
    add_years,
    day_start,
    to_datetime,
    wall_time_exists,
)
from footprint.devtools.generate.presets import Preset

# --- calibration ----------------------------------------------------------------
# Tuned so the rates below come out of the simulation (see tests/test_generate.py).

STOCK_RATIO = 0.68  # looked after on a given day / looked after at any time in a year
ENTRY_RATIO = 0.30  # children starting to be looked after in a year / annual count
MEAN_STAY_YEARS = 4.0  # mean remaining time in care (exponential), before 18
SHORT_STAY_SHARE = 0.22  # entrants who leave within weeks (exponential, mean 75 days)
STOCK_AGES = ((0, 1, 4), (1, 5, 13), (5, 10, 17), (10, 16, 38), (16, 18, 28))  # from, to, %
ENTRY_AGES = ((0, 1, 19), (1, 5, 14), (5, 10, 16), (10, 16, 34), (16, 18, 17))

MISSER_SHARE = 0.235  # of children who reach 10 in care, the share at risk of going missing
MISS_RATE_MEDIAN = 8.5  # episodes a year at full hazard (lognormal)
MISS_RATE_SIGMA = 1.0
MISS_RATE_CAP = 90.0
BURST_SIGMA = 0.8  # month-to-month variation of a child's rate (clusters of episodes)
AWAY_SHARE = 0.15
NOT_NOTIFIED_SHARE = 0.04
LONG_EPISODE_SHARE = 0.004  # missing for months

IRO_CASELOAD = 65
SW_CASELOAD = 15
SWS_PER_TEAM = 6
TEAMS_PER_GM = 3
IRO_REALLOCATION_PER_YEAR = 0.25
SW_REALLOCATION_PER_YEAR = 0.6
PRACTICE_TREND_PER_YEAR = 0.04  # IROs get a little better at leaving footprints

NOTE_CORRECTION_SHARE = 0.03
NOTE_DELETION_SHARE = 0.006
EPISODE_CORRECTION_SHARE = 0.03
EPISODE_DUPLICATE_SHARE = 0.01

# Routine notes a year per child in care: code, description, rate, author, P(child seen).
ROUTINE_NOTES = (
    ("STVL", "Statutory Visit", 11.0, "sw", 0.95),
    ("HVIS", "Home Visit", 8.0, "sw", 0.7),
    ("DRCT", "Direct Work", 8.0, "sw", 1.0),
    ("TELC", "Telephone Call", 20.0, "sw", 0.05),
    ("CORR", "Correspondence", 15.0, "sw", 0.0),
    ("SUPV", "Management Oversight", 7.0, "tm", 0.0),
    ("PLAN", "Care Planning Meeting", 4.0, "sw", 0.6),
    ("EDUC", "Education/PEP", 5.0, "sw", 0.2),
    ("HLTH", "Health", 2.5, "sw", 0.3),
    ("CASE", "Case Note", 3.0, "sw", 0.0),
)
IRO_ROUTINE_RATE = 4.0
IRO_CODE, IRO_DESC = "IRO", "IRO Discussion/Monitoring"
IROV_CODE, IROV_DESC = "IROV", "IRO Visit to Young Person"
TELC_DESC = "Telephone Call"

# How an IRO answers a notification, when not timely (relative weights).
RESPONSES = (
    ("late", 16), ("contact", 14), ("review_call", 5), ("rhian", 1), ("absent_school", 2),
    ("nothing", 22), ("with_child", 8), ("rewritten", 4), ("cover", 6), ("linked_other", 4),
    ("early_contact", 8), ("deleted", 1),
)

# The showcase: every finding of the hand audit and every distractor of the
# rules occurs in every run, whatever the preset, on children chosen by seed.
SCENARIOS = (
    # The first two change a note after the initial load, so the nights show both versions;
    # the third is notified the day before the last night and still awaits its footprint.
    "rewritten", "deleted_footprint", "awaiting",
    "timely_keyword", "timely_linked", "f1_review_call", "f2_late", "f4_review",
    "f5_before_notification", "f6_nothing", "f7_with_child", "cover_iro", "linked_other",
    "rhian", "absent_school", "not_notified",
)
NEAR_START = {"rewritten": 8 * DAY, "deleted_footprint": 6 * DAY}
NEAR_END = {"awaiting": DAY}
LONG_SCENARIO = "f3_long_missing"
SLOT_BEFORE = 45 * DAY  # a scenario owns [F - SLOT_BEFORE, F + SLOT_AFTER] of its child's life
SLOT_AFTER = 35 * DAY
SLOT_STEP = 80 * DAY

GET_SAFE = "Get Safe"


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 40:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def _weighted(rng: random.Random, items, weights_cum, total):
    return items[bisect_right(weights_cum, rng.random() * total)]


def _cumulative(pairs):
    items, cum, acc = [], [], 0
    for item, weight in pairs:
        acc += weight
        items.append(item)
        cum.append(acc)
    return items, cum, acc


_ETHNICITY = _cumulative(tx.ETHNICITY)
_RESPONSES = _cumulative(RESPONSES)


@dataclass
class Team:
    name: str
    sw_ids: list[str]
    tm_id: str
    gm_id: str


@dataclass
class Child:
    k: int
    pid: str
    sex: str
    dob: int  # day ordinal
    ethnicity: str
    forename: str
    surname: str
    upn: str
    care_start: int
    care_end: int | None  # None: still looked after at the end of the run
    stock: bool
    misser: bool
    miss_rate: float
    team: int
    created: int
    scenarios: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class ChildRecords:
    """One child's rows. Snapshot rows are plain tuples; event rows are version lists."""

    person: tuple
    person_created: int
    involvements: list[tuple]
    services: list[tuple]
    episodes: list[list[tuple]]
    notifications: list[list[tuple]]
    notes: list[list[tuple]]
    reviews: list[list[tuple]]


class World:
    """The authority: calendar, nights, workforce, and the children to simulate."""

    def __init__(self, preset: Preset, start: dt.date, nights: int, history_years: int, seed: int):
        self.preset = preset
        self.seed = seed
        rng = random.Random(seed)
        self.start = start
        self.extract_dates = [start + dt.timedelta(days=i) for i in range(nights + 1)]
        first = add_years(start, -history_years)
        self.H0 = day_start(first)
        self.calendar = Calendar(add_years(first, -19), add_years(self.extract_dates[-1], 2))
        self.produced = [self._produced_at(rng, d) for d in self.extract_dates]
        self.END = self.produced[-1]
        self.cla = preset.cla_per_year
        self.n_stock = max(10, round(STOCK_RATIO * self.cla))
        span_years = (self.END - self.H0) / YEAR
        self.n_entrants = max(1, round(ENTRY_RATIO * self.cla * span_years))
        self.n_children = self.n_stock + self.n_entrants
        self._build_workforce(rng)
        self.scenarios = self._choose_scenarios(rng)
        self.ids = {name: 0 for name in ("invo", "miss", "mino", "cano", "clar", "serv")}

    # --- set-up ---------------------------------------------------------------

    def _produced_at(self, rng: random.Random, d: dt.date) -> int:
        """A little after 01:00, or after 02:00 when 01:xx does not exist that night."""
        t = day_start(d) + HOUR + rng.randrange(30 * MINUTE)
        if not wall_time_exists(to_datetime(t)):
            t += HOUR
        return t

    def _name(self, rng: random.Random) -> str:
        return f"{rng.choice(tx.ADULT_FIRST)} {rng.choice(tx.SURNAMES)}"

    def _build_workforce(self, rng: random.Random) -> None:
        stock = self.n_stock
        n_iro = max(3, round(stock / IRO_CASELOAD))
        n_sw = max(4, round(stock / SW_CASELOAD))
        n_teams = max(2, math.ceil(n_sw / SWS_PER_TEAM))
        n_gm = max(2, math.ceil(n_teams / TEAMS_PER_GM))
        n_rhi = max(1, round(stock / 200))
        self.professionals: list[tuple] = []  # (id, name, title, department, registration)
        next_id = [100]

        def add(name: str, title: str, dept: str, reg: str = "") -> str:
            pid = f"{next_id[0] + rng.randrange(7):05d}"
            next_id[0] += 7
            self.professionals.append((pid, name, title, dept, reg))
            return pid

        areas = [
            tx.AREAS[i % len(tx.AREAS)] + ("" if i < len(tx.AREAS) else f" {i // len(tx.AREAS) + 1}")
            for i in range(max(n_gm, math.ceil(n_iro / 10)))
        ]
        gms = [(add(self._name(rng), "Group Manager", f"Children’s Services – {areas[i]}"),) for i in range(n_gm)]
        self.gm_ids = [g[0] for g in gms]
        self.gm_names = {p[0]: p[1] for p in self.professionals}
        self.teams: list[Team] = []
        for t in range(n_teams):
            gm = t % n_gm
            name = f"{areas[gm]} Children Looked After Team {t // n_gm + 1}"
            tm = add(self._name(rng), "Team Manager", name)
            self.teams.append(Team(name, [], tm, self.gm_ids[gm]))
        for s in range(n_sw):
            team = self.teams[s % n_teams]
            # One social worker is always a Rhian: a name that must not read as "RHI".
            name = f"Rhian {rng.choice(tx.SURNAMES)}" if s == 0 else self._name(rng)
            title = "Senior Practitioner" if rng.random() < 0.15 else "Social Worker"
            team.sw_ids.append(add(name, title, team.name, f"SW{rng.randrange(10**6):06d}"))
        iro_teams = max(1, round(n_iro / 10))
        self.iro_ids, self.iro_names, self.iro_teams, self.iro_diligence = [], [], [], []
        for i in range(n_iro):
            team = "Independent Reviewing Service" if iro_teams == 1 else f"IRO Service – {areas[i % iro_teams]}"
            name = self._name(rng)
            self.iro_ids.append(add(name, "Independent Reviewing Officer", team, f"SW{rng.randrange(10**6):06d}"))
            self.iro_names.append(name)
            self.iro_teams.append(team)
            self.iro_diligence.append(min(0.85, max(0.1, rng.gauss(0.38, 0.14))))
        self.rhi_ids = [add(self._name(rng), "Return Home Interview Worker", "Missing Children Service") for _ in range(n_rhi)]
        self.sw_name = {p[0]: p[1] for p in self.professionals}
        self.team_by_name = {t.name: t for t in self.teams}
        self.iro_index = {p: i for i, p in enumerate(self.iro_ids)}

    def child_rng(self, k: int) -> random.Random:
        return random.Random(self.seed * 1_000_003 + k)

    def _choose_scenarios(self, rng: random.Random) -> dict[int, list[tuple[str, int]]]:
        """Hosts and moments for the showcase scenarios: {child index: [(scenario, day)]}."""
        start_day = day_start(self.start)
        order = list(range(self.n_stock))
        rng.shuffle(order)
        natural: list[int] = []
        for k in order[: 400]:
            ch = self.base(k, self.child_rng(k))
            age_now = (self.start.toordinal() - ch.dob) / 365.25
            if ch.care_end is None and 13.0 <= age_now < 16.8 and ch.misser:
                natural.append(k)
            if len(natural) >= len(SCENARIOS) + 1:
                break
        hosts = natural + [k for k in order if k not in natural][: max(0, 5 - len(natural))]
        slots = [start_day - 40 * DAY - SLOT_STEP * j for j in range(64)]
        slots = [s for s in slots if s - SLOT_BEFORE >= self.H0]
        plan: dict[int, list[tuple[str, int]]] = {}
        long_at = max(self.H0 + SLOT_BEFORE, start_day - 240 * DAY)
        plan[hosts[0]] = [(LONG_SCENARIO, long_at)]
        others = hosts[1:]
        for i, name in enumerate(SCENARIOS):
            host, slot = others[i % len(others)], i // len(others)
            if name in NEAR_START:
                # A rewrite or a deletion shows only when the nights see both versions:
                # the note is written days before the initial load and changed after it.
                plan.setdefault(host, []).append((name, start_day - NEAR_START[name]))
            elif name in NEAR_END:
                plan.setdefault(host, []).append((name, self.END // DAY * DAY - NEAR_END[name]))
            elif slot < len(slots):
                plan.setdefault(host, []).append((name, slots[slot]))
        return plan

    def next_id(self, kind: str) -> int:
        self.ids[kind] += 1
        return self.ids[kind]

    # --- a child --------------------------------------------------------------

    def base(self, k: int, rng: random.Random) -> Child:
        """A child's fixed attributes: the first draws of its own random stream."""
        stock = k < self.n_stock
        sex = "M" if rng.random() < 0.56 else "F"
        if rng.random() < 0.004:
            sex = "U"
        ages = STOCK_AGES if stock else ENTRY_AGES
        r, acc = rng.random() * 100, 0
        band = ages[-1]
        for band in ages:  # noqa: B007 - the band found is used after the loop
            acc += band[2]
            if r < acc:
                break
        age_days = int((band[0] + rng.random() * (band[1] - band[0])) * 365.25)
        if stock:
            anchor = self.H0 // DAY
            in_care = min(age_days - 1, int(rng.expovariate(1 / 700)))
            care_start = (anchor - in_care) * DAY + WORK_START + rng.randrange(8 * HOUR)
            stay = rng.expovariate(1 / MEAN_STAY_YEARS) * YEAR
            care_from = self.H0
        else:
            j = k - self.n_stock
            care_start = self.H0 + int((j + rng.random()) * (self.END - self.H0) / self.n_entrants)
            anchor = care_start // DAY
            if rng.random() < SHORT_STAY_SHARE:
                stay = rng.expovariate(1 / 75) * DAY
            else:
                stay = rng.expovariate(1 / MEAN_STAY_YEARS) * YEAR
            care_from = care_start
        dob = anchor - age_days
        eighteen = add_years(dt.date.fromordinal(dob), 18).toordinal() * DAY
        care_end = min(int(care_from + stay), eighteen - HOUR)
        if care_end > self.END:
            care_end = None
        misser = rng.random() < MISSER_SHARE
        rate = min(MISS_RATE_CAP, rng.lognormvariate(math.log(MISS_RATE_MEDIAN), MISS_RATE_SIGMA))
        boy = sex == "M" or (sex == "U" and rng.random() < 0.5)
        forename = rng.choice(tx.BOYS if boy else tx.GIRLS)
        surname = rng.choice(tx.SURNAMES)
        upn = "" if rng.random() < 0.08 else f"{rng.choice('ABCDEFGHJKLMNPRTUVWXYZ')}{rng.randrange(10**12):012d}"
        eth = _weighted(rng, *_ETHNICITY)
        created = care_start - rng.randrange(1, 400) * DAY
        pid = f"{10_000 + 3 * k + rng.randrange(3):07d}"
        return Child(
            k, pid, sex, dob, eth, forename, surname, upn, care_start, care_end, stock, misser, rate,
            rng.randrange(len(self.teams)), created,
        )

    def simulate(self, k: int) -> ChildRecords:
        rng = self.child_rng(k)
        child = self.base(k, rng)
        plan = self.scenarios.get(k)
        if plan:
            self._make_host(child, rng, plan)
        return _ChildSim(self, child, rng).run()

    def _make_host(self, child: Child, rng: random.Random, plan) -> None:
        """A showcase child is in care, at risk and of age for every scenario it carries."""
        child.scenarios = list(plan)
        child.misser = True
        child.care_end = None
        age_now = (self.start.toordinal() - child.dob) / 365.25
        if not 13.0 <= age_now < 16.8:
            child.dob = self.start.toordinal() - int((13.5 + 2.5 * rng.random()) * 365.25)
        earliest = min(day for _, day in plan) - SLOT_BEFORE - 30 * DAY
        if child.care_start > earliest or child.care_start < (child.dob + 365) * DAY:
            child.care_start = max((child.dob + 365) * DAY, earliest - 400 * DAY) + WORK_START
        child.created = min(child.created, child.care_start - DAY)


def _hazard(age: float) -> float:
    """Relative risk of going missing by age: mostly 13-17, some 11-12."""
    if age < 10:
        return 0.0
    if age < 11:
        return 0.03
    if age < 12:
        return 0.15
    if age < 13:
        return 0.4
    return 1.0


class _ChildSim:
    """Builds one child's record. Times are wall-clock seconds (see clock.py)."""

    def __init__(self, world: World, child: Child, rng: random.Random):
        self.w = world
        self.c = child
        self.rng = rng
        self.cal = world.calendar
        self.lo = max(child.care_start, world.H0)  # the window the extract's history covers
        self.hi = world.END if child.care_end is None else min(child.care_end, world.END)
        self.notes: list[list] = []
        self.ctx = {
            "c": child.forename, "sw": "", "carer": rng.choice(tx.CARERS), "school": rng.choice(tx.SCHOOLS),
            "place": "", "gm": "", "date": "", "time": "", "n": 0, "review": "", "other": "", "since": "",
        }
        self.quiet: list[tuple[int, int]] = []  # windows kept free of unplanned IRO activity

    # --- helpers --------------------------------------------------------------

    def age(self, t: int) -> float:
        return (t // DAY - self.c.dob) / 365.25

    def work_time(self, day: int) -> int:
        """A moment in working hours on the first working day on or after `day`."""
        d = self.cal.next_working(day)
        return d * DAY + WORK_START + int(self.rng.random() * (WORK_END - WORK_START - HOUR))

    def later_work_time(self, t: int, lo_hours: float, hi_hours: float) -> int:
        """A working moment between `lo_hours` and `hi_hours` after `t` (moved to working hours)."""
        return self.cal.next_work_moment(t + int((lo_hours + self.rng.random() * (hi_hours - lo_hours)) * HOUR))

    @staticmethod
    def at(segments, t: int):
        """The allocation covering `t` (ends included; the latest start wins), or None."""
        found = None
        for start, end, who in segments:
            if start > t:
                break
            if end is None or t <= end:
                found = who
        return found

    def iro_at(self, t: int) -> str | None:
        who = self.at(self.iro_segs, t)
        return None if who is None else who[0]

    def sw_at(self, t: int) -> str:
        """The allocated social worker, or the team manager of the child's team."""
        who = self.at(self.sw_segs, t)
        return self.w.teams[self.c.team].tm_id if who is None else who[0]

    def team_at(self, t: int) -> Team:
        who = self.at(self.sw_segs, t)
        return self.w.teams[self.c.team] if who is None else self.w.team_by_name[who[1]]

    def text(self, spec, fixed: int, extra: tuple[int, int], ctx: dict) -> tuple[str, str]:
        """(subject, text): the first `fixed` sentences, then `extra` (min, max) others.

        Sentences are picked on a random stride rather than with `random.sample`,
        which is several times slower and this runs for every case note.
        """
        subjects, sentences = spec
        rand = self.rng.random
        chosen = list(sentences[:fixed])
        rest = len(sentences) - fixed
        n = min(extra[0] + int(rand() * (extra[1] - extra[0] + 1)), rest)
        if n > 0:
            first, stride = int(rand() * rest), 1 + int(rand() * max(1, rest - 1))
            picked = dict.fromkeys((first + i * stride) % rest for i in range(n))
            chosen.extend(sentences[fixed + i] for i in picked)
        joiner = "\n" if rand() < 0.25 else " "
        subject = subjects[int(rand() * len(subjects))]
        return subject.format_map(ctx), joiner.join(chosen).format_map(ctx)

    @staticmethod
    def fmt_day(t: int) -> str:
        d = dt.date.fromordinal(t // DAY)
        return f"{d.day:02d}/{d.month:02d}/{d.year}"

    @staticmethod
    def fmt_time(t: int) -> str:
        s = t % DAY
        return f"{s // 3600:02d}:{s // 60 % 60:02d}"

    def add_note(self, created, event, code, desc, author, linked, seen, subject, body, edits=None):
        note = [created, event, code, desc, author, linked, seen, subject, body, edits or []]
        self.notes.append(note)
        return note

    def in_quiet(self, t: int) -> bool:
        return any(a <= t <= b for a, b in self.quiet)

    # --- the run --------------------------------------------------------------

    def run(self) -> ChildRecords:
        w, c = self.w, self.c
        self.iro_segs, iro_invs = self.allocations("IRO", IRO_REALLOCATION_PER_YEAR, first_gap=True)
        self.sw_segs, sw_invs = self.allocations("SW", SW_REALLOCATION_PER_YEAR, first_gap=False)
        self.ctx["sw"] = w.sw_name[self.sw_segs[0][2][0]] if self.sw_segs else "the social worker"
        for name, day in c.scenarios:
            if name == LONG_SCENARIO:
                self.quiet.append((day - 10 * DAY, w.END))
            else:
                self.quiet.append((day - 10 * DAY, day + 30 * DAY))
        episodes = self.episodes()
        reviews = self.reviews(episodes)
        self.routine_notes()
        for ep in episodes:
            self.episode_notes(ep, episodes)
        self.responses(episodes)
        services = self.services(episodes)
        person = (c.pid, c.sex, c.dob, c.ethnicity, c.forename, c.surname, c.upn)
        return ChildRecords(
            person=person,
            person_created=c.created,
            involvements=iro_invs + sw_invs,
            services=services,
            episodes=[v for ep in episodes for v in ep["rows"]],
            notifications=[v for ep in episodes for v in ep["notification_rows"]],
            notes=self.note_versions(),
            reviews=reviews,
        )

    # --- allocations ----------------------------------------------------------

    def allocations(self, role: str, rate: float, first_gap: bool):
        """Allocation segments [(start, end, (professional, team))] and their involvement rows.

        Reallocations are seamless mostly, sometimes leave a gap of days with nobody
        allocated, sometimes overlap for a day: the rules must cope with all three.
        """
        w, c, rng, cal = self.w, self.c, self.rng, self.cal
        start = c.care_start
        if first_gap:
            r = rng.random()
            gap = rng.uniform(0, 2) if r < 0.75 else rng.uniform(2, 10) if r < 0.95 else rng.uniform(10, 30)
            start = cal.next_work_moment(start + int(gap * DAY))
        horizon = w.END if c.care_end is None else c.care_end
        if start > horizon:
            return [], []
        owned = self.owned_windows()
        changes = []
        t = start
        while True:
            t += int(rng.expovariate(rate) * YEAR)
            if t >= horizon:
                break
            if not any(a - 10 * DAY <= t <= b + 5 * DAY for a, b in owned):
                changes.append(cal.next_work_moment(t))
        who = self.pick(role, None)
        segs = []
        seg_start = start
        for change in changes:
            if change <= seg_start or change >= horizon:
                continue
            r = rng.random()
            if r < 0.85:
                seg_end, next_start = change, change
            elif r < 0.95 and role == "IRO":  # a social worker is always allocated: only IROs leave gaps
                seg_end, next_start = change, cal.next_work_moment(change + rng.randint(1, 7) * DAY)
            else:
                seg_end, next_start = change + DAY, change
            segs.append((seg_start, seg_end, who))
            who = self.pick(role, who)
            seg_start = next_start
        if seg_start <= horizon:
            segs.append((seg_start, c.care_end, who))
        rows = []
        role_desc = "IRO" if role == "IRO" else "Social Worker"
        for s_start, s_end, (prof, team) in segs:
            if s_start <= w.END:
                rows.append((
                    f"{500_000 + w.next_id('invo')}", c.pid, prof, role_desc, team,
                    s_start - s_start % MINUTE, None if s_end is None else s_end - s_end % MINUTE,
                ))
        return segs, rows

    def pick(self, role: str, previous):
        """(professional id, team name): a new IRO, or a social worker of the child's team."""
        w, rng = self.w, self.rng
        if role == "IRO":
            n = len(w.iro_ids)
            i = rng.randrange(n)
            if previous is not None and w.iro_ids[i] == previous[0]:
                i = (i + 1 + rng.randrange(n - 1)) % n
            return w.iro_ids[i], w.iro_teams[i]
        if previous is not None and rng.random() < 0.2:
            self.c.team = rng.randrange(len(w.teams))
        team = w.teams[self.c.team]
        return rng.choice(team.sw_ids), team.name

    def owned_windows(self) -> list[tuple[int, int]]:
        """The stretches of life each scenario owns: no unplanned episode, no reallocation."""
        return [
            (day - SLOT_BEFORE, self.w.END if name == LONG_SCENARIO else day + SLOT_AFTER)
            for name, day in self.c.scenarios
        ]

    # --- missing episodes -----------------------------------------------------

    def episode_start(self, day: int) -> int:
        """Children go missing mostly in the afternoon and evening; whole minutes."""
        r = self.rng.random()
        hour = 15 + int(r * 9) if r < 0.7 else int(self.rng.random() * 15)
        return day * DAY + hour * HOUR + self.rng.randrange(60) * MINUTE

    def duration(self, kind: str) -> int:
        rng = self.rng
        r = rng.random()
        if r < LONG_EPISODE_SHARE and kind == "Missing":
            return int(rng.uniform(30, 240) * DAY) // MINUTE * MINUTE
        if r < 0.56:
            hours = rng.lognormvariate(math.log(5), 0.6)
        elif r < 0.86:
            hours = rng.uniform(12, 48)
        elif r < 0.975:
            hours = rng.uniform(48, 168)
        else:
            hours = rng.uniform(168, 720)
        if kind == "Away":
            hours = min(hours, 72)
        return max(30 * MINUTE, int(hours * HOUR) // MINUTE * MINUTE)

    def episodes(self) -> list[dict]:
        c, rng = self.c, self.rng
        starts: list[int] = []
        if c.misser and self.hi > self.lo:
            t = self.lo
            while t < self.hi:
                block_end = min(t + 30 * DAY, self.hi)
                h = _hazard(self.age((t + block_end) // 2))
                if h:
                    mult = rng.lognormvariate(-BURST_SIGMA**2 / 2, BURST_SIGMA)
                    for _ in range(poisson(rng, c.miss_rate * h * mult * (block_end - t) / YEAR)):
                        starts.append(self.episode_start((t + int(rng.random() * (block_end - t))) // DAY))
                t = block_end
        owned = self.owned_windows()
        starts = sorted(s for s in starts if not any(a <= s <= b for a, b in owned))
        planned = []
        for name, day in c.scenarios:
            planned.extend(self.scenario_episodes(name, day))
        episodes: list[dict] = []
        free_from = self.lo
        for s in starts:
            if s < free_from or s >= self.hi:
                continue
            kind = "Away" if rng.random() < AWAY_SHARE else "Missing"
            end = s + self.duration(kind)
            if c.care_end is not None:
                end = min(end, c.care_end - HOUR)
            # back before a scenario's stretch begins: a child is missing once at a time
            end = min([end] + [a - HOUR for a, _ in owned if a > s])
            if end <= s:
                continue
            episodes.append({"start": s, "end": end, "kind": kind, "scenario": None})
            free_from = end + 30 * MINUTE
        episodes.extend(planned)
        episodes.sort(key=lambda e: e["start"])
        for ep in episodes:
            self.build_episode(ep)
        return episodes

    def scenario_episodes(self, name: str, day: int) -> list[dict]:
        """The episodes a scenario needs; the notification is placed at `notify`."""
        rng = self.rng
        notify = self.work_time(day // DAY)
        if name in NEAR_END:  # sent that day, weekend or not: it must reach the last night
            notify = day + 10 * HOUR + rng.randrange(6 * HOUR)
        if name == LONG_SCENARIO:
            return [{"start": self.episode_start(day // DAY), "end": self.w.END + 400 * DAY,
                     "kind": "Missing", "scenario": name}]
        if name == "f5_before_notification":
            start = notify - 3 * DAY - rng.randrange(4 * HOUR)
            start -= start % MINUTE
            return [{"start": start, "end": start + 20 * HOUR, "kind": "Missing", "scenario": name, "notify": notify}]
        start = notify - rng.randint(1, 5) * HOUR
        start -= start % MINUTE
        eps = [{"start": start, "end": start + rng.randint(3, 14) * HOUR, "kind": "Missing",
                "scenario": name, "notify": None if name == "not_notified" else notify}]
        if name == "linked_other":
            first = start - 20 * DAY
            eps.insert(0, {"start": first, "end": first + 8 * HOUR, "kind": "Missing",
                           "scenario": "timely_linked", "notify": self.work_time(first // DAY + 1)})
        return eps

    def build_episode(self, ep: dict) -> None:
        """ssd_missing versions and the notifications of one episode."""
        w, c, rng = self.w, self.c, self.rng
        ep["id"] = f"{30_000 + w.next_id('miss')}"
        start, end, kind = ep["start"], ep["end"], ep["kind"]
        reported = start + rng.randint(2, 40) * MINUTE + rng.randrange(60)
        if kind == "Missing":
            offered = "Y" if rng.random() < 0.85 else "N"
            accepted = ("Y" if rng.random() < 0.55 else "N") if offered == "Y" else "NA"
            if rng.random() < 0.05:
                offered = accepted = ""
        else:
            offered, accepted = ("NA", "NA") if rng.random() < 0.6 else ("", "")
        ep["rhi_accepted"] = accepted == "Y"
        shown_start = start
        if rng.random() < EPISODE_CORRECTION_SHARE:
            # first entered a little late, corrected when the child came back
            shown_start = start + rng.randint(1, max(1, (reported - start) // MINUTE)) * MINUTE
        rows = []

        def version(t, s, e, off, acc, deleted="N"):
            rows.append((ep["id"], c.pid, s, kind, e, off, acc, t, deleted))

        if end <= reported:
            version(reported, start, end, "", "")
        else:
            version(reported, shown_start, None, "", "")
            version(end + rng.randint(10, 600) * MINUTE + rng.randrange(60), start, end, "", "")
        if offered or accepted:  # the RHI outcome, recorded on a working day after the return
            recorded = max(self.work_time(end // DAY + rng.randint(1, 4)), rows[-1][7] + 2 * MINUTE)
            version(recorded, start, end, offered, accepted)
        version_rows = [rows]
        if rng.random() < EPISODE_DUPLICATE_SHARE:  # entered twice, the copy deleted
            dup_id = f"{30_000 + w.next_id('miss')}"
            t = reported + rng.randint(2, 30) * MINUTE
            dup = (dup_id, c.pid, start, kind, None, "", "", t, "N")
            version_rows.append([dup, dup[:7] + (t + rng.randint(1, 72) * HOUR, "Y")])
        ep["rows"] = version_rows
        ep["reported"] = reported
        # --- notifications
        notifs, rows = [], []
        if ep["scenario"] is None:
            notify = None if rng.random() < NOT_NOTIFIED_SHARE else self.notification_time(start)
        elif ep["scenario"] == LONG_SCENARIO:
            notify = self.work_time(start // DAY + 1)
        else:
            notify = ep.get("notify")
        while notify is not None:
            notify = max(notify, reported + 2 * MINUTE)
            gm = self.team_at(notify).gm_id if rng.random() < 0.85 else rng.choice(w.gm_ids)
            nid = f"{w.next_id('mino'):08d}"
            sent = notify
            rows.append([(nid, ep["id"], c.pid, sent, gm, sent + rng.randint(1, 90), "N")])
            notifs.append({"id": nid, "sent": sent, "gm": gm})
            if rng.random() < 0.005:  # the email logged twice, the copy deleted by an administrator
                logged = sent + rng.randint(60, 1800)
                copy = (f"{w.next_id('mino'):08d}", ep["id"], c.pid, sent, gm, logged, "N")
                rows.append([copy, copy[:5] + (logged + rng.randint(2, 48) * HOUR, "Y")])
            # a child missing for months is notified again, about monthly
            if end - sent > 28 * DAY:
                nxt = self.work_time((sent + rng.randint(27, 33) * DAY) // DAY)
                notify = nxt if nxt < end else None
            else:
                notify = None
        ep["notifications"] = notifs
        ep["notification_rows"] = rows

    def notification_time(self, start: int) -> int:
        """Minutes to days after the episode starts; out-of-hours ones wait for the morning."""
        rng = self.rng
        r = rng.random()
        if r < 0.35:
            delay = rng.uniform(5, 90) * MINUTE
        elif r < 0.80:
            delay = rng.uniform(1.5, 24) * HOUR
        elif r < 0.95:
            delay = rng.uniform(1, 4) * DAY
        else:
            delay = rng.uniform(4, 10) * DAY
        t = start + int(delay)
        sec = t % DAY
        if (sec < 7 * HOUR or sec > 22 * HOUR) and rng.random() < 0.7:
            t = (t // DAY + (1 if sec > 22 * HOUR else 0)) * DAY + 8 * HOUR + rng.randrange(2 * HOUR)
        return t

    # --- case notes -----------------------------------------------------------

    def routine_notes(self) -> None:
        rng = self.rng
        if self.hi <= self.lo:
            return
        years = (self.hi - self.lo) / YEAR
        span = self.hi - self.lo
        school_age = 5 <= self.age(self.hi) and self.age(self.lo) < 17
        ctx = self.ctx
        for code, desc, rate, author_kind, seen_p in ROUTINE_NOTES:
            if code == "EDUC" and not school_age:
                continue
            spec = tx.ROUTINE[code]
            for _ in range(poisson(rng, rate * years)):
                event = self.work_time((self.lo + int(rng.random() * span)) // DAY)
                if rng.random() < 0.08:  # an evening visit
                    event = event // DAY * DAY + 18 * HOUR + int(rng.random() * 2 * HOUR)
                created = self.record_delay(event)
                author = self.team_at(event).tm_id if author_kind == "tm" else self.sw_at(event)
                subject, body = self.text(spec, 0, (1, 3), ctx)
                self.add_note(created, event, code, desc, author, None,
                              "Y" if rng.random() < seen_p else "N", subject, body)
        for _ in range(poisson(rng, IRO_ROUTINE_RATE * years)):
            event = self.work_time((self.lo + int(rng.random() * span)) // DAY)
            iro = self.iro_at(event)
            if iro is None or self.in_quiet(event):
                continue
            subject, body = self.text(tx.IRO_ROUTINE, 0, (1, 3), ctx)
            self.add_note(event + rng.randint(5, 240) * MINUTE, event, IRO_CODE, IRO_DESC, iro, None,
                          "Y" if rng.random() < 0.05 else "N", subject, body)

    def record_delay(self, event: int) -> int:
        """When a note is typed up: mostly the same day, sometimes days or weeks later."""
        rand = self.rng.random
        r = rand()
        if r < 0.55:
            return event + 600 + int(rand() * 14_400)
        if r < 0.85:
            return self.work_time(event // DAY + 1 + int(rand() * 4)) + int(rand() * 60)
        return self.work_time(event // DAY + 5 + int(rand() * 21)) + int(rand() * 60)

    def episode_notes(self, ep: dict, episodes: list[dict]) -> None:
        """What the social worker, the RHI service and the strategy meeting record."""
        w, rng = self.w, self.rng
        ctx = dict(self.ctx, place=rng.choice(tx.PLACES), date=self.fmt_day(ep["start"]),
                   time=self.fmt_time(ep["start"]))
        start, end = ep["start"], ep["end"]
        if rng.random() < 0.55:
            created = max(ep["reported"] + 5 * MINUTE, self.later_work_time(start, 1, 30)) + rng.randrange(60)
            author = self.sw_at(created)
            subject, body = self.text(tx.SW_MISSING, 1, (1, 3), ctx)
            self.add_note(created, start, "MISS", "Missing from Care", author,
                          ep["id"] if rng.random() < 0.7 else None, "N", subject, body)
        if ep["rhi_accepted"]:
            event = self.work_time(end // DAY + rng.randint(1, 3))
            subject, body = self.text(tx.RHI_NOTE, 1, (1, 3), ctx)
            self.add_note(event + rng.randint(30, 600) * MINUTE, event, "RHI", "Return Home Interview",
                          rng.choice(w.rhi_ids), ep["id"] if rng.random() < 0.8 else None, "Y", subject, body)
        recent = sum(1 for e in episodes if start - 30 * DAY <= e["start"] <= start)
        if recent >= 3 and rng.random() < 0.3:
            event = self.work_time(start // DAY + rng.randint(2, 7))
            subject, body = self.text(tx.STRATEGY_NOTE, 1, (1, 3), dict(ctx, n=recent))
            author = self.sw_at(event)
            self.add_note(self.record_delay(event), event, "STRT", "Strategy/Missing Intervention Meeting",
                          author, None, "N", subject, body)
        if ep["notifications"] and rng.random() < 0.08:
            # the social worker records a talk with the IRO: keywords, but not the IRO's note
            event = self.later_work_time(ep["notifications"][0]["sent"], 2, 72)
            author = self.sw_at(event)
            subject, body = self.text(tx.SW_MENTIONS_IRO, 0, (1, 1), ctx)
            self.add_note(self.record_delay(event), event, "TELC", TELC_DESC, author, None, "N", subject, body)

    # --- the IRO's response ---------------------------------------------------

    def responses(self, episodes: list[dict]) -> None:
        previous = None
        for ep in episodes:
            for i, notif in enumerate(ep["notifications"]):
                iro = self.iro_at(notif["sent"])
                if iro is None:
                    continue
                scenario = ep["scenario"]
                if scenario is None:
                    kind = self.natural_response(iro, notif, ep, previous)
                elif scenario == LONG_SCENARIO:
                    kind = "long"
                elif i == 0:
                    kind = scenario
                else:
                    continue
                self.respond(kind, iro, notif, ep, previous)
            if ep["start"] <= self.w.END:
                previous = ep

    def natural_response(self, iro: str, notif: dict, ep: dict, previous) -> str:
        w, rng = self.w, self.rng
        if self.in_quiet(notif["sent"]):
            return "nothing"
        diligence = w.iro_diligence[w.iro_index[iro]]
        diligence += PRACTICE_TREND_PER_YEAR * (notif["sent"] - w.H0) / YEAR
        if rng.random() < diligence:
            return "timely_linked" if rng.random() < 0.35 else "timely_keyword"
        kind = _weighted(rng, *_RESPONSES)
        if kind == "linked_other" and previous is None:
            kind = "nothing"
        if kind == "early_contact" and notif["sent"] - ep["start"] < DAY:
            kind = "contact"
        return kind

    def respond(self, kind: str, iro: str, notif: dict, ep: dict, previous) -> None:
        w, rng, cal = self.w, self.rng, self.cal
        sent = notif["sent"]
        ctx = dict(
            self.ctx, gm=w.gm_names.get(notif["gm"], "the group manager"), date=self.fmt_day(ep["start"]),
            time=self.fmt_time(ep["start"]), place=rng.choice(tx.PLACES),
            review=self.fmt_day(self.next_review_after(sent)),
        )
        ctx["sw"] = w.sw_name[self.sw_at(sent)]
        due = cal.due(sent)

        def timely() -> int:
            t = cal.next_work_moment(sent + rng.randint(10, 300) * MINUTE)
            return min(t, due - HOUR) if t < due else cal.next_work_moment(sent)

        def note(created, spec, fixed, code=IRO_CODE, desc=IRO_DESC, author=iro, linked=None, seen="N",
                 event=None, edits=None, extra=(1, 2)):
            subject, body = self.text(spec, fixed, extra, ctx)
            return self.add_note(created + rng.randrange(60), created if event is None else event, code, desc,
                                 author, linked, seen, subject, body, edits)

        if kind in ("timely_keyword", "deleted_footprint", "deleted"):
            n = note(timely(), tx.FOOTPRINT, 1)
            if kind != "timely_keyword":
                removed = n[0] + rng.randint(1, 5) * DAY
                if ep["scenario"] == kind and len(w.produced) > 1 and n[0] < w.produced[0]:
                    removed = w.produced[0] + rng.randint(8, 14) * HOUR  # between the first two nights
                n[9].append((removed, None, True))
        elif kind == "timely_linked":
            note(timely(), tx.FOOTPRINT_LINKED, 1, linked=ep["id"])
        elif kind == "cover_iro" or kind == "cover":
            team = w.iro_teams[w.iro_index[iro]]
            others = [p for p, t in zip(w.iro_ids, w.iro_teams, strict=True) if p != iro and t == team]
            others = others or [p for p in w.iro_ids if p != iro]
            note(timely(), tx.FOOTPRINT, 1, author=rng.choice(others))
        elif kind in ("f1_review_call", "review_call"):
            code, desc = ("TELC", TELC_DESC) if rng.random() < 0.4 else (IRO_CODE, IRO_DESC)
            note(self.later_work_time(sent, 40, 56), tx.REVIEW_CALL, 1, code=code, desc=desc)
        elif kind == "contact":
            spec = tx.IRO_ROUTINE if rng.random() < 0.6 else tx.OTHER_RISKS
            note(self.later_work_time(sent, 4, 96), spec, 1)
        elif kind in ("f2_late", "late"):
            created = self.later_work_time(due, 2, 24 * rng.randint(2, 12))
            note(created, tx.LATE_WRITEUP, 2, event=self.later_work_time(sent, 1, 20))
        elif kind == "f4_review":
            pass  # the review is placed by `reviews`
        elif kind in ("f5_before_notification", "early_contact"):
            t = ep["start"] + int((sent - ep["start"]) * rng.uniform(0.5, 0.8))
            t = min(cal.next_work_moment(t), sent - HOUR)
            note(t, tx.OTHER_RISKS, 1)
        elif kind in ("f6_nothing", "nothing", "not_notified", "awaiting"):
            pass
        elif kind in ("f7_with_child", "with_child"):
            visit = self.work_time((sent + rng.randint(10, 16) * DAY) // DAY)
            note(visit + rng.randint(1, 20) * HOUR, tx.VISIT_CHILD, 2, code=IROV_CODE, desc=IROV_DESC,
                 seen="Y", event=visit)
        elif kind == "linked_other" and previous is not None:
            ctx["other"] = self.fmt_day(previous["start"])
            note(timely(), tx.OTHER_EPISODE, 1, linked=previous["id"])
        elif kind == "rhian":
            note(self.later_work_time(sent, 3, 30), tx.RHIAN_NOTE, 1)
        elif kind == "absent_school":
            note(self.later_work_time(sent, 3, 30), tx.ABSENT_SCHOOL, 1)
        elif kind == "rewritten":
            n = note(timely(), tx.PLACEHOLDER, 0, extra=(1, 1))
            new_text = n[8] + rng.choice(tx.REWRITE).format_map(ctx)
            rewrite = n[0] + rng.randint(5, 20) * DAY
            if ep["scenario"] == "rewritten" and len(w.produced) > 1 and n[0] < w.produced[0]:
                rewrite = w.produced[0] + rng.randint(8, 14) * HOUR  # between the first two nights
            n[9].append((rewrite, new_text, False))
        elif kind == "long":
            ctx["since"] = self.fmt_day(ep["start"])
            note(timely(), tx.LONG_MISSING, 2)

    # --- CLA reviews ----------------------------------------------------------

    def review_dues(self) -> list[int]:
        """Due dates (day ordinals): 20 working days, 3 months, then every 6 months."""
        c = self.c
        first = c.care_start // DAY + 28
        dues = [first, first + 91]
        horizon = self.w.END // DAY + 200
        while dues[-1] < horizon:
            dues.append(dues[-1] + 182)
        if c.care_end is not None:
            dues = [d for d in dues if d * DAY < c.care_end]
        return [d for d in dues if d >= self.w.H0 // DAY - 30 and d <= horizon]

    def next_review_after(self, t: int) -> int:
        for d in self._dues:
            if d * DAY > t:
                return d * DAY
        return t + 60 * DAY

    def reviews(self, episodes: list[dict]) -> list[list[tuple]]:
        """CLA reviews: booked (due date, no meeting yet), then held and written up, or cancelled.

        The booking of the next review is entered when the last one is written up,
        so the latest row of a child in care usually has a due date in the future.
        """
        w, c, rng = self.w, self.c, self.rng
        dues = self.review_dues()
        # A scenario's window holds no review but the one it plans (finding 4).
        blocked: list[tuple[int, int]] = []
        held_at: dict[int, int] = {}
        for name, day in c.scenarios:
            if name == LONG_SCENARIO:
                continue
            lo, hi = day // DAY - 12, day // DAY + 32
            blocked.append((lo * DAY, (hi + 1) * DAY))
            dues = [d if not lo - 26 <= d <= hi + 10 else hi + rng.randint(11, 20) for d in dues]
            if name == "f4_review":
                ep = next(e for e in episodes if e["scenario"] == name)
                meeting = self.work_time(ep["notify"] // DAY + 7)
                meeting = meeting // DAY * DAY + 10 * HOUR
                dues.append(meeting // DAY)
                held_at[meeting // DAY] = meeting

        def unblock(t: int) -> int:
            for lo_t, hi_t in blocked:
                if lo_t <= t < hi_t:
                    return self.work_time(hi_t // DAY + rng.randint(1, 5))
            return t

        dues = sorted(set(dues))
        self._dues = dues
        out = []
        prev_held = max(c.care_start, w.H0 - 180 * DAY)
        scheduled = c.care_start + rng.randint(1, 5) * DAY
        starts = [e["start"] for e in episodes]
        long_ep = next((e for e in episodes if e["scenario"] == LONG_SCENARIO), None)
        for due in dues:
            if due in held_at:
                held = held_at[due]
            else:
                early = rng.randint(0, 10) if rng.random() < 0.88 else -rng.randint(1, 25)
                held = unblock(self.work_time(due - early))
                held = held // DAY * DAY + rng.choice((9, 10, 11, 13, 14, 15)) * HOUR + rng.choice((0, 30)) * MINUTE
            scheduled = min(scheduled, held - DAY)
            rid = f"{70_000 + w.next_id('clar')}"
            versions = [(rid, c.pid, due, None, "N", self.iro_at(scheduled), None, scheduled, "N")]
            chair = self.iro_at(held)
            if chair is not None and rng.random() < 0.05:
                chair = rng.choice(w.iro_ids)  # a cover IRO chairs
            in_long = long_ep is not None and long_ep["start"] <= held
            ctx = dict(self.ctx, since=self.fmt_day(long_ep["start"]) if in_long else "")
            if due not in held_at and not in_long and rng.random() < 0.06:
                # cancelled on the day, then booked again as a new review
                summary = rng.choice(tx.REVIEW_CANCELLED).format_map(ctx)
                cancelled_at = held + rng.randint(5, 300) * MINUTE
                versions.append((rid, c.pid, due, held, "Y", chair, summary, cancelled_at, "N"))
                out.append(versions)
                rid = f"{70_000 + w.next_id('clar')}"
                scheduled = cancelled_at + HOUR
                versions = [(rid, c.pid, due, None, "N", chair, None, scheduled, "N")]
                held = unblock(self.work_time(held // DAY + rng.randint(7, 21)))
                held = held // DAY * DAY + rng.choice((10, 14)) * HOUR
                chair = self.iro_at(held)
            n_recent = sum(1 for s in starts if prev_held < s <= held)
            if in_long:
                summary = "\n".join(tx.REVIEW_VIRTUAL).format_map(ctx)
            else:
                parts = rng.sample(tx.REVIEW_PLAIN, 3)
                if n_recent and (due in held_at or rng.random() < 0.85):
                    parts = [tx.REVIEW_MISSING[0], *rng.sample(tx.REVIEW_MISSING[1:], 2), parts[0]]
                summary = ("\n" if rng.random() < 0.5 else " ").join(parts).format_map(dict(ctx, n=n_recent))
            delay = rng.uniform(1, 48) if rng.random() < 0.6 else rng.uniform(48, 360)
            written = max(self.cal.next_work_moment(held + int(delay * HOUR)), versions[-1][7] + 2 * MINUTE)
            versions.append((rid, c.pid, due, held, "N", chair, summary, written, "N"))
            out.append(versions)
            prev_held = held
            scheduled = written + rng.randint(1, 600) * MINUTE
        return [v for v in out if v[-1][7] >= w.H0]

    # --- services -------------------------------------------------------------

    def services(self, episodes: list[dict]) -> list[tuple]:
        w, c, rng = self.w, self.c, self.rng
        end_day = w.END // DAY
        care_from = c.care_start // DAY
        care_to = end_day if c.care_end is None else c.care_end // DAY
        out = []

        def add(name: str, start: int, stop: int | None) -> None:
            start = max(start, c.dob + 1, c.created // DAY + 1)
            if start >= end_day:
                return
            if stop is not None and stop <= start:
                stop = start + 30
            sid = f"SI{w.next_id('serv'):07d}"
            out.append((sid, c.pid, name, start, stop))

        def maybe_end(start: int, lo: int, hi: int, p_closed: float) -> int | None:
            return start + rng.randint(lo, hi) if rng.random() < p_closed else None

        teen = self.age(self.hi) >= 12
        if episodes and rng.random() < 0.72 or (not episodes and teen and rng.random() < 0.04):
            first = episodes[0]["start"] // DAY if episodes else self.lo // DAY
            start = first + rng.randint(-90, 45)
            add(GET_SAFE, start, maybe_end(start, 120, 500, 0.4))
        if self.age(self.hi) >= 5 and rng.random() < 0.3:
            start = rng.randint(care_from, max(care_from, care_to))
            add("CAMHS", start, maybe_end(start, 90, 600, 0.5))
        if self.age(self.hi) >= 4 and rng.random() < 0.85:
            add("Virtual School", care_from + rng.randint(0, 30), None if c.care_end is None else care_to)
        if teen and rng.random() < (0.25 if episodes else 0.06):
            start = rng.randint(care_from, max(care_from, care_to))
            add("Youth Justice Service", start, maybe_end(start, 180, 400, 0.6))
        sixteen = add_years(dt.date.fromordinal(c.dob), 16).toordinal()
        if sixteen <= care_to and rng.random() < 0.8:
            add("Leaving Care Service", max(sixteen, care_from) + rng.randint(0, 60), None)
        if teen and rng.random() < (0.15 if episodes else 0.03):
            start = rng.randint(care_from, max(care_from, care_to))
            add("Young People’s Substance Misuse Service", start, maybe_end(start, 60, 300, 0.6))
        if self.age(self.lo) < 8 and rng.random() < 0.15:
            start = rng.randint(care_from, max(care_from, care_to))
            add("Speech and Language Therapy", start, maybe_end(start, 90, 400, 0.5))
        return out

    # --- versions ---------------------------------------------------------------

    def note_versions(self) -> list[list[tuple]]:
        """Case notes in the order entered, with ids, corrections and deletions."""
        w, c, rng = self.w, self.c, self.rng
        self.notes.sort(key=lambda n: (n[0], n[2]))
        out = []
        for created, event, code, desc, author, linked, seen, subject, body, edits in self.notes:
            if created < w.H0 or created > w.END or created < c.care_start:
                continue
            nid = f"{4_000_000 + w.next_id('cano')}"
            base = (nid, c.pid, code, desc, event, created, author, linked, seen, subject)
            versions = [base + (body, created, "N")]
            r = rng.random()
            if not edits:
                if r < NOTE_CORRECTION_SHARE:
                    edits = [(created + rng.randint(10, 20 * 24 * 60) * MINUTE, body + rng.choice(tx.AMENDMENTS), False)]
                elif r < NOTE_CORRECTION_SHARE + NOTE_DELETION_SHARE:
                    edits = [(created + rng.randint(10, 10 * 24 * 60) * MINUTE, None, True)]
            for t, new_body, deleted in sorted(edits, key=lambda e: e[0]):
                t = max(t, versions[-1][11] + 2 * MINUTE)
                body = new_body if new_body is not None else body
                versions.append(base + (body, t, "Y" if deleted else "N"))
            out.append(versions)
        return out

