"""Plain-Python services: scoring, charts, exports, QR codes. No Flask import here."""
