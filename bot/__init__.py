"""mentor-bot: the application core (settings, database, CLI, Slack-free domain services)."""
