"""Domain services: plain functions over a SQLAlchemy session. No Slack, no Bolt in here."""
