"""The printed documents: pure functions, data in, PDF bytes out (reportlab)."""
