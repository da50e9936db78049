"""Developer tools: the demo clinic, benchmarks and screenshots.

The top layer: it may import every other layer, and nothing but the entry points
(`isoface_desk.cli`, `isoface_desk.app`) imports it (tests/test_layering.py).
"""
