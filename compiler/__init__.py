"""tinystack: compile a tinystack.yaml into CloudFormation nested stacks and buildspecs.

Stages: spec/ (load and check) -> ir/ (lower) -> backends (cfn/, buildspecs, cost/),
written by writer.py; deploy/ ships a compiled folder.
"""

__version__ = "0.1.0"
