// Pipeline: ingest → condition → idealise → fit → report (issue 6). See README.md beside this file.
