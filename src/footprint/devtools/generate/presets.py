"""Population sizes, and the national rates the model is calibrated on.

Figures are England's (DfE, Children looked after in England, 2022-23, and
the missing-from-care tables): about 115,000 children looked after in a
year, 83,000 at any one time; 11% of them go missing in a year, with about
6.8 incidents each; mostly aged 13-17. IRO caseloads are 50-80 children.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Preset:
    name: str
    cla_per_year: int  # children looked after at any time in a year
    progress: bool = False  # show a progress bar on stderr


PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset("small", 100),
        Preset("la", 750),
        Preset("large_la", 2_500),
        Preset("region", 10_000, progress=True),
        Preset("england", 115_000, progress=True),
    )
}
