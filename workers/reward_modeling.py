"""Seed 003's `reward_modeling.py`, by name: `python reward_modeling.py …` and
`accelerate launch --num_processes 2 --mixed_precision bf16 reward_modeling.py …` run
`python -m reward_studio reward-modeling …` with the same flags (see reward_studio/reward_modeling.py)."""

import sys

from reward_studio.cli import main

if __name__ == "__main__":
    sys.exit(main(["reward-modeling", *sys.argv[1:]]))
