"""Reward Studio training worker: reward models on Qwen2-VL-family and Qwen2 text backbones."""

__version__ = "0.1.0"
