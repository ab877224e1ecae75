"""`footprint report`: the audit report, a static, self-contained reader of the published marts.

    data.py      the published marts, read once, as plain rows
    periods.py   the period and the comparison period
    figures.py   the service's figures; iros.py the per-IRO ones; reaudit.py the audit table
    suppress.py  the suppressed edition's disclosure control (DfE convention)
    view.py      each section's figures as printed, in either edition
    judgement.py the programme manager's reviews and quality grades (service edition)
    charts.py    Altair (Vega-Lite) specs rendered to inline SVG by vl-convert
    pages.py     what each page shows; html.py + templates/ print it
    workbook.py  the xlsx; sheets.py its tables; docs.py the marts' column docs
    build.py     the whole report, and the nightly switch into place
"""

from footprint.readers.report.build import Options, ReportResult, build_report, publish_report

__all__ = ["Options", "ReportResult", "build_report", "publish_report"]
