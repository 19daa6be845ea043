"""Pure Block Kit builders: data in, Block Kit dicts out. No I/O, no Slack client."""
