"""Plain-Python services, no Flask import here, by domain:

- :mod:`.scoring`: the classic two-axis scoring, its bootstrap, sensitivity, the
  year-over-year comparison and double materiality;
- :mod:`.charts`: the matrix chart, its label placement, style, legend and fonts;
- :mod:`.documents`: the report's tables, office files (CSV/XLSX/DOCX), the methodology
  note and the reproducibility bundle;
- :mod:`.library`: the topic library's and IRO register's files, and topic templates.

Shared by all of them: :mod:`.rounding` (one rounding rule), :mod:`.input_checks`,
:mod:`.trail_chain` (the trail's hash chain) and :mod:`.qr`.
"""
