"""`python -m reward_studio <subcommand>`."""

from reward_studio.cli import entry

if __name__ == "__main__":
    entry()
