"""The population model: the authority, its workforce, and who its children are.

`World` holds what spans children: the calendar, the nights and their
`produced_at`, the workforce, and which children carry the showcase
scenarios. Each child is simulated on its own `random.Random`, seeded from
the run's seed and the child's index, so a child's record does not depend on
how many children come before it and the run streams one child at a time
(the `england` preset never holds more than one child's records in memory).
Decisions that span children use one `Random(seed)` drawn in a fixed order.

`World.base` draws a child's fixed attributes; the record itself (allocations,
episodes, notes, reviews, services) is built by the `child` package.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from footprint.devtools.generate import text as tx
from footprint.devtools.generate.calibration import (
    ENTRY_AGES,
    ENTRY_RATIO,
    IRO_CASELOAD,
    LONG_SCENARIO,
    MEAN_STAY_YEARS,
    MISS_RATE_CAP,
    MISS_RATE_MEDIAN,
    MISS_RATE_SIGMA,
    MISSER_SHARE,
    NEAR_END,
    NEAR_START,
    SCENARIOS,
    SHORT_STAY_SHARE,
    SLOT_BEFORE,
    SLOT_STEP,
    STOCK_AGES,
    STOCK_RATIO,
    SW_CASELOAD,
    SWS_PER_TEAM,
    TEAMS_PER_GM,
)
from footprint.devtools.generate.child import simulate_child
from footprint.devtools.generate.clock import (
    DAY,
    HOUR,
    MINUTE,
    WORK_START,
    YEAR,
    Calendar,
    add_years,
    day_start,
    to_datetime,
    wall_time_exists,
)
from footprint.devtools.generate.draws import weighted, weights
from footprint.devtools.generate.presets import Preset
from footprint.devtools.generate.records import Child, ChildRecords, Team

_ETHNICITY = weights(tx.ETHNICITY)


class World:
    """The authority: calendar, nights, workforce, and the children to simulate."""

    def __init__(self, preset: Preset, start: dt.date, nights: int, history_years: int, seed: int) -> None:
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
        """Group managers, then each team's manager, social workers, IROs, RHI workers: sized on caseloads."""
        stock = self.n_stock
        n_iro = max(3, round(stock / IRO_CASELOAD))
        n_sw = max(4, round(stock / SW_CASELOAD))
        n_teams = max(2, math.ceil(n_sw / SWS_PER_TEAM))
        n_gm = max(2, math.ceil(n_teams / TEAMS_PER_GM))
        n_rhi = max(1, round(stock / 200))
        self.professionals: list[tuple] = []  # (id, name, title, department, registration)
        self._next_professional = 100
        areas = [
            tx.AREAS[i % len(tx.AREAS)] + ("" if i < len(tx.AREAS) else f" {i // len(tx.AREAS) + 1}")
            for i in range(max(n_gm, math.ceil(n_iro / 10)))
        ]
        self._add_managers(rng, areas, n_gm, n_teams)
        self._add_social_workers(rng, n_sw)
        self._add_iros(rng, areas, n_iro)
        self.rhi_ids = [
            self._add(rng, self._name(rng), "Return Home Interview Worker", "Missing Children Service")
            for _ in range(n_rhi)
        ]
        self.sw_name = {p[0]: p[1] for p in self.professionals}
        self.team_by_name = {t.name: t for t in self.teams}
        self.iro_index = {p: i for i, p in enumerate(self.iro_ids)}

    def _add(self, rng: random.Random, name: str, title: str, dept: str, reg: str = "") -> str:
        """A professional row; ids rise in steps of 7 with a random offset, as a source's do."""
        pid = f"{self._next_professional + rng.randrange(7):05d}"
        self._next_professional += 7
        self.professionals.append((pid, name, title, dept, reg))
        return pid

    def _add_managers(self, rng: random.Random, areas: list[str], n_gm: int, n_teams: int) -> None:
        """Group managers (one per area), then the teams, each with its team manager under a GM."""
        self.gm_ids = [
            self._add(rng, self._name(rng), "Group Manager", f"Children’s Services – {areas[i]}") for i in range(n_gm)
        ]
        self.gm_names = {p[0]: p[1] for p in self.professionals}
        self.teams: list[Team] = []
        for t in range(n_teams):
            gm = t % n_gm
            name = f"{areas[gm]} Children Looked After Team {t // n_gm + 1}"
            tm = self._add(rng, self._name(rng), "Team Manager", name)
            self.teams.append(Team(name, [], tm, self.gm_ids[gm]))

    def _add_social_workers(self, rng: random.Random, n_sw: int) -> None:
        for s in range(n_sw):
            team = self.teams[s % len(self.teams)]
            # One social worker is always a Rhian: a name that must not read as "RHI".
            name = f"Rhian {rng.choice(tx.SURNAMES)}" if s == 0 else self._name(rng)
            title = "Senior Practitioner" if rng.random() < 0.15 else "Social Worker"
            team.sw_ids.append(self._add(rng, name, title, team.name, f"SW{rng.randrange(10**6):06d}"))

    def _add_iros(self, rng: random.Random, areas: list[str], n_iro: int) -> None:
        """IROs in one service, or in area teams of about ten; each with a diligence of their own."""
        n_services = max(1, round(n_iro / 10))
        self.iro_ids: list[str] = []
        self.iro_names: list[str] = []
        self.iro_teams: list[str] = []
        self.iro_diligence: list[float] = []  # the chance of a timely footprint (child/responses.py)
        for i in range(n_iro):
            team = "Independent Reviewing Service" if n_services == 1 else f"IRO Service – {areas[i % n_services]}"
            name = self._name(rng)
            self.iro_ids.append(self._add(rng, name, "Independent Reviewing Officer", team, f"SW{rng.randrange(10**6):06d}"))
            self.iro_names.append(name)
            self.iro_teams.append(team)
            self.iro_diligence.append(min(0.85, max(0.1, rng.gauss(0.38, 0.14))))

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
        leaves = min(int(care_from + stay), eighteen - HOUR)
        care_end = None if leaves > self.END else leaves
        misser = rng.random() < MISSER_SHARE
        rate = min(MISS_RATE_CAP, rng.lognormvariate(math.log(MISS_RATE_MEDIAN), MISS_RATE_SIGMA))
        boy = sex == "M" or (sex == "U" and rng.random() < 0.5)
        forename = rng.choice(tx.BOYS if boy else tx.GIRLS)
        surname = rng.choice(tx.SURNAMES)
        upn = "" if rng.random() < 0.08 else f"{rng.choice('ABCDEFGHJKLMNPRTUVWXYZ')}{rng.randrange(10**12):012d}"
        eth = weighted(rng, _ETHNICITY)
        # Known to services before care (at the latest when care starts), but never before
        # birth: a record made ahead of the birth would carry a date of birth after the night
        # that first holds it, one made after care started would leave its allocations orphaned.
        created = min(care_start, max(care_start - rng.randrange(1, 400) * DAY, (dob + 1) * DAY + WORK_START))
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
        return simulate_child(self, child, rng)

    def _make_host(self, child: Child, rng: random.Random, plan: list[tuple[str, int]]) -> None:
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
