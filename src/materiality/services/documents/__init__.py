"""Documents for the report, plain Python:

- :mod:`.office_files`: CSV/XLSX/DOCX building blocks and the one formula guard;
- :mod:`.tables`: the response table and the topic score table;
- :mod:`.change_table`: the year-over-year change table;
- :mod:`.methodology` (wording in :mod:`.methodology_texts`): the methodology note;
- :mod:`.bundle`: the reproducibility bundle's zip and manifest.
"""
