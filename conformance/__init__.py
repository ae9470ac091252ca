"""The conformance report a province hands to its assessors (docs/conformance.md).

``python -m conformance [PATH…]`` / ``make conformance``: catalogue conformance (GB/T 39554.1/.2
elements and consistency), the mobile-end functions with the e2e evidence of the last run, and
the accessibility / elder-mode figures of ``make compliance``, per province folder.
"""
