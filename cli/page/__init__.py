"""The HTML report's page: its template, style and script (package data, read by ``newsdedup.cli.report``)."""
