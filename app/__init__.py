"""Entry points: the Bolt app's wiring, the WSGI server and the CLI. Nothing below imports from here."""
